"""``fleetform check``: real Terraform validates and plans each synthesized stack, offline.

Each stack is printed as soon as it is checked (stacks run side by side, so in the order they
finish), then the total line; on a terminal a status line shows which stacks are still running.
``--json`` prints one document at the end and nothing while it runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import click

from fleetform.check import StackResult, check_stacks
from fleetform.cli.progress import StatusLine


@click.command(name="check")
@click.argument("out_dir", default="cdktf.out", type=click.Path(path_type=Path))
@click.option(
    "--plan-json",
    "plan_json_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="FLEETFORM_CHECK_PLAN_JSON",
    help="Also write each stack's `terraform show -json` of its plan to OUTDIR/<stack>.plan.json "
    "[env FLEETFORM_CHECK_PLAN_JSON].",
)
@click.option("--json", "as_json", is_flag=True,
              help="Print {stacks: [{name, ok, diagnostics}], totals: {stacks, ok, failed}} as JSON on stdout.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    envvar="FLEETFORM_CHECK_JOBS",
    help="Stacks checked at once (default: one per core) [env FLEETFORM_CHECK_JOBS].",
)
@click.option("--no-cache", is_flag=True,
              help="Check every stack again, ignoring and not updating the cached results of earlier checks.")
def command(out_dir: Path, plan_json_dir: Path | None, as_json: bool, jobs: int | None, no_cache: bool) -> int:
    """Validate and plan every stack of OUT_DIR (cdktf output, default cdktf.out; or one stack folder).

    Terraform runs against fleetform's offline provider, which serves the pinned hashicorp/aws and
    hashicorp/google schemas: no credentials, no network, no state. Every diagnostic is reported
    with its place in cdk.tf.json, the Terraform address and the construct path.
    A stack checked before with the same file, fleetform and schemas reuses that result
    ($FLEETFORM_CACHE_DIR, default ~/.cache/fleetform), so only changed stacks run; --no-cache runs all.
    Exit 0 when every stack validates and plans, 1 on findings, 2 on bad input.
    """
    if as_json:
        report = check_stacks(out_dir, plan_json_dir=plan_json_dir, jobs=jobs, cache=not no_cache)
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        with _Progress() as progress:
            report = check_stacks(out_dir, plan_json_dir=plan_json_dir, jobs=jobs, listener=progress,
                                  cache=not no_cache)
        click.echo(report.summary())
    return 0 if report.ok else 1


class _Progress:
    """A ``CheckListener`` that prints each stack as it finishes and keeps the status line current."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self._total = 0
        self._done = 0
        self._running: list[str] = []
        self._line = StatusLine.on_stderr(self._status)

    def __enter__(self) -> _Progress:
        self._line.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._line.__exit__(None, None, None)

    def checking(self, stack_names: Sequence[str]) -> None:
        with self._lock:
            self._total = len(stack_names)
        self._line.refresh()

    def stack_started(self, name: str) -> None:
        with self._lock:
            self._running.append(name)
        self._line.refresh()

    def stack_finished(self, result: StackResult) -> None:
        with self._lock:
            self._running.remove(result.name)
            self._done += 1
        self._line.echo(result.render())

    def _status(self) -> str:
        with self._lock:
            running = ", ".join(self._running) or ("starting Terraform" if self._done < self._total else "done")
            seconds = time.perf_counter() - self._started
            return f"checking {self._done}/{self._total}: {running} ({seconds:.0f} s)"
