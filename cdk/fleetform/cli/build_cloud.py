"""``fleetform build --cloud aws|gcp|both``: the cloud half of ``fleetform build``.

Every app with a build context is built on each chosen cloud that runs it, skipped when its tag (the
content key) is already in that cloud's registry. Build logs stream to stderr prefixed with the app;
a failed build prints its failing phase or step and the log tail. Exit 1 when any build failed.
"""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from fleetform.cli.build import EXIT_BUILD_FAILED
from fleetform.cloud_build.from_plan import cloud_builders, cloud_requests
from fleetform.cloud_build.request import BuildOutcome
from fleetform.cloud_build.submit import submit_builds
from fleetform.plan.model import PlatformPlan


def chosen_clouds(option: str, plan: PlatformPlan) -> tuple[str, ...]:
    return tuple(shared.cloud for shared in plan.shared) if option == "both" else (option,)


def run_cloud_builds(plan: PlatformPlan, contexts: Iterable[tuple[str, Any]], cloud: str, *, jobs: int,
                     as_json: bool, poll_seconds: float = 5.0) -> int:
    """Build ``(app, BuildContext)`` pairs on the chosen clouds; print each outcome and a summary line."""
    clouds = chosen_clouds(cloud, plan)
    echo = functools.partial(click.echo, err=True)
    builders = cloud_builders(plan, clouds, echo=echo, poll_seconds=poll_seconds)
    with tempfile.TemporaryDirectory(prefix="fleetform-contexts-") as scratch:
        requests = cloud_requests(plan, contexts, clouds, Path(scratch))
        outcomes = submit_builds(requests, builders, jobs=jobs)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if as_json:
        click.echo(json.dumps({"builds": [outcome.to_json() for outcome in outcomes], "summary": _counts(outcomes)},
                              indent=2, sort_keys=True))
    else:
        for outcome in outcomes:
            click.echo(_line(outcome))
    for outcome in failed:
        click.echo(f"error: {outcome.app} ({outcome.cloud}): {outcome.status} at {outcome.failed_step or '(unknown)'}",
                   err=True)
        for line in outcome.log_tail:
            click.echo(f"  {outcome.app} | {line}", err=True)
    counts = _counts(outcomes)
    click.echo(f"{len(outcomes)} cloud build(s): {counts['built']} built, {counts['skipped']} skipped (tag exists), "
               f"{counts['failed']} failed", err=as_json or bool(failed))
    return EXIT_BUILD_FAILED if failed else 0


def _counts(outcomes: list[BuildOutcome]) -> dict[str, int]:
    return {"built": sum(1 for o in outcomes if o.status == "built"),
            "skipped": sum(1 for o in outcomes if o.status == "skipped"),
            "failed": sum(1 for o in outcomes if not o.ok)}


def _line(outcome: BuildOutcome) -> str:
    if outcome.status == "skipped":
        return f"{outcome.app} ({outcome.cloud}): {outcome.image} up to date (tag exists)"
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in outcome.seconds.items())
    state = "built" if outcome.ok else f"FAILED ({outcome.status})"
    return f"{outcome.app} ({outcome.cloud}): {outcome.image} {state}" + (f" [{steps}]" if steps else "")
