"""``fleetform explain``: what fleetform builds for one app, per cloud and region, and what it costs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.errors import FleetformError, did_you_mean, format_choices
from fleetform.plan.platform import plan_workspace
from fleetform.report.explain import group_json, group_text
from fleetform.spec.workspace import open_workspace


@click.command(name="explain")
@click.argument("app")
@click.option("--config", "config", default=".", type=click.Path(path_type=Path),
              help="A platform repo or app project: its pyproject.toml or folder (default: .).")
@click.option("--json", "as_json", is_flag=True, help="Print {app, groups: [...], warnings} as JSON on stdout.")
def command(app: str, config: Path, as_json: bool) -> int:
    """Show APP's plan: per cloud region its instance types, zones, GPUs, runners, health, rollout,
    routing, secrets, image, scaling policy, cost at min and max, and the stacks that hold it."""
    plan = plan_workspace(open_workspace(config))
    groups = plan.groups(app)
    if not groups:
        known = sorted({group.app for group in plan.groups()})
        raise FleetformError.single("plan/unknown-app", str(config), f"no app named {app!r}{did_you_mean(app, known)}",
                                    allowed=format_choices(known))
    source = groups[0].source
    warnings = [p for p in plan.warnings if p.where == source or p.where.startswith(source + ".")]
    if as_json:
        click.echo(json.dumps({"app": app, "groups": [group_json(g, plan.stacks_of(g)) for g in groups],
                               "warnings": [w.to_json() for w in warnings]}, indent=2, sort_keys=True))
    else:
        click.echo("\n\n".join(group_text(group, plan.stacks_of(group)) for group in groups))
        for problem in warnings:
            click.echo(problem.render_warning(), err=True)
        clouds = ", ".join(sorted({group.cloud for group in groups}))
        regions = len({group.fal_region for group in groups})
        click.echo(f"{app}: {len(groups)} group(s) on {clouds} in {regions} fal region(s), "
                   f"{len(warnings)} warning(s)", err=True)
    return 0

