"""``fleetform validate``: what each app will get, or exactly what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.errors import FleetformError, Problem
from fleetform.plan.placement import AppPlacement, place_app
from fleetform.spec.report import app_json, app_text, placement_json, placement_text
from fleetform.spec.resolve import ResolvedApp, resolve_apps
from fleetform.spec.workspace import open_workspace


@click.command(name="validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {apps, errors} as JSON on stdout.")
def command(paths: tuple[Path, ...], as_json: bool) -> int:
    """Resolve and check every app of PATH (a pyproject.toml or a folder holding one; default: .).

    A platform repo ([tool.fleetform]) is checked with the app projects its `apps` globs name.
    Exit 0 when everything is valid, 2 on any error.
    """
    apps: list[tuple[ResolvedApp, AppPlacement]] = []
    problems: list[Problem] = []
    for path in paths or (Path("."),):
        try:
            workspace = open_workspace(path)
        except FleetformError as error:
            problems.extend(error.problems)
            continue
        for project in workspace.app_projects:
            resolved, failed = resolve_apps(project, workspace.platform)
            problems.extend(failed)
            for app in resolved:
                try:
                    apps.append((app, place_app(app, workspace.platform)))
                except FleetformError as error:
                    problems.extend(error.problems)
    if as_json:
        click.echo(json.dumps({"apps": [{**app_json(app), **placement_json(placement)} for app, placement in apps],
                               "errors": [problem.to_json() for problem in problems]}, indent=2))
    else:
        for app, placement in apps:
            click.echo(app_text(app) + "\n" + placement_text(placement) + "\n")
        for problem in problems:
            click.echo(problem.render(), err=True)
        summary = f"{len(apps)} app(s) valid, {len(problems)} error(s)"
        click.echo(summary, err=bool(problems))
    return 2 if problems else 0
