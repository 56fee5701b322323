"""``fleetform validate``: what each app will get, or exactly what is wrong.

It runs the same planning pass as ``explain``, ``synth`` and ``simulate``
(:func:`fleetform.plan.platform.plan_workspace_outcome`), so every input they refuse is refused here
first, with the same code and message. On an app project alone the platform's own rules (certificates,
served regions, a GCP project) are left out: they belong to the platform repo.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.errors import FleetformError, Problem
from fleetform.plan.model import GroupPlan
from fleetform.plan.platform import plan_workspace_outcome
from fleetform.report.settings import app_json, app_text, placement_json, placement_text
from fleetform.spec.resolve import ResolvedApp
from fleetform.spec.workspace import open_workspace


@click.command(name="validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {apps, errors} as JSON on stdout.")
def command(paths: tuple[Path, ...], as_json: bool) -> int:
    """Resolve, place and check every app of PATH (a pyproject.toml or a folder holding one; default: .).

    A platform repo ([tool.fleetform]) is checked with the app projects its `apps` globs name, by the
    full plan that synth runs. Exit 0 when everything is valid, 2 on any error.
    """
    apps: list[tuple[ResolvedApp, tuple[GroupPlan, ...], tuple[Problem, ...]]] = []
    problems: list[Problem] = []
    platform_warnings: list[Problem] = []
    """Warnings of the platform's own settings (a DNS record on a plain-HTTP load balancer), not of one app."""
    for path in paths or (Path("."),):
        try:
            workspace = open_workspace(path)
        except FleetformError as error:
            problems.extend(error.problems)
            continue
        outcome = plan_workspace_outcome(workspace)
        problems.extend(outcome.problems)
        for app in outcome.apps:
            groups = tuple(group for group in outcome.groups if group.source == app.where)
            warnings = tuple(w for w in outcome.warnings if _belongs(w, app))
            apps.append((app, groups, warnings))
        platform_warnings += [w for w in outcome.warnings if not any(_belongs(w, app) for app in outcome.apps)]
    if as_json:
        click.echo(json.dumps({"apps": [{**app_json(app), **placement_json(groups, warnings)}
                                        for app, groups, warnings in apps],
                               "warnings": [warning.to_json() for warning in platform_warnings],
                               "errors": [problem.to_json() for problem in problems]}, indent=2))
    else:
        for app, groups, warnings in apps:
            click.echo(app_text(app) + "\n" + placement_text(groups, warnings) + "\n")
        for warning in platform_warnings:
            click.echo(warning.render_warning(), err=True)
        for problem in problems:
            click.echo(problem.render(), err=True)
        valid = sum(1 for app, _, _ in apps if not any(_belongs(p, app) for p in problems))
        click.echo(f"{valid} of {len(apps)} app(s) valid, {len(problems)} error(s)", err=bool(problems))
    return 2 if problems else 0


def _belongs(problem: Problem, app: ResolvedApp) -> bool:
    return problem.where == app.where or problem.where.startswith(app.where + ".")
