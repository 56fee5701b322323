"""``fleetform simulate``: replay a demand trace under fal's scaling and under each cloud's policy."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.errors import FleetformError, did_you_mean, display_path, format_choices
from fleetform.plan.model import GroupPlan
from fleetform.plan.platform import plan_workspace
from fleetform.scaling import app_scale_settings, boot_model, boot_with_total
from fleetform.simulate import load_trace, simulate_groups
from fleetform.simulate.report import simulation_json, simulation_text
from fleetform.spec.workspace import open_workspace

CLOUD_CHOICES = ("aws", "gcp", "both")


@click.command(name="simulate")
@click.argument("app")
@click.option("--config", "config", default=".", show_default=True, type=click.Path(path_type=Path),
              envvar="FLEETFORM_CONFIG",
              help="A pyproject.toml or its folder: a platform repo or an app project [env FLEETFORM_CONFIG].")
@click.option("--trace", "trace_file", required=True, type=click.Path(path_type=Path),
              help="CSV of `time,in_flight` rows (seconds, requests in flight); see examples/traces/.")
@click.option("--cloud", type=click.Choice(CLOUD_CHOICES), default="both", show_default=True,
              help="Which clouds' policies to replay (both: every cloud the app is placed on).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (with gpu_hours_ratio per cloud).")
@click.option("--boot-seconds", type=click.IntRange(min=1),
              help="Seconds from scale-up to a runner serving (default: the boot model, see docs/scaling.md).")
def command(app: str, config: Path, trace_file: Path, cloud: str, as_json: bool, boot_seconds: int | None) -> int:
    """Replay TRACE for APP under fal's scaling (the reference) and each cloud's synthesized policy.

    Reports runner-hours, GPU-hours, cost, request-seconds waiting for capacity and each cloud's
    GPU-hours over the reference's. A cloud is represented by the app's first group on it (stack
    order) that has a catalog price, else its first group. Exit 0, or 2 on bad input.
    """
    plan = plan_workspace(open_workspace(config))
    groups = _groups(plan.groups(app), app, {group.app for group in plan.groups()}, cloud, config)
    trace = load_trace(trace_file)
    settings = app_scale_settings(groups[0].scaling)
    boot = boot_with_total(boot_seconds) if boot_seconds else boot_model(settings)
    simulation = simulate_groups(groups, trace, boot, plan.groups(app))
    if as_json:
        click.echo(json.dumps(simulation_json(simulation, app, trace_file), indent=2, sort_keys=True))
    else:
        click.echo(simulation_text(simulation, app, trace_file))
        ratios = ", ".join(f"{run.group.cloud} {_ratio(simulation.gpu_hours_ratio(run))}" for run in simulation.clouds)
        click.echo(f"{app}: GPU-hours over fal's: {ratios}", err=True)
    return 0


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _groups(groups: tuple[GroupPlan, ...], app: str, known: set[str], cloud: str, config: Path) -> list[GroupPlan]:
    if not groups:
        raise FleetformError.single(
            "simulate/unknown-app", display_path(config), f"no app named {app!r}{did_you_mean(app, known)}",
            allowed=format_choices(known) or None, fix="pass the deployed name of an app of this config",
        )
    wanted = ("aws", "gcp") if cloud == "both" else (cloud,)
    chosen = []
    for name in wanted:
        on_cloud = [group for group in groups if group.cloud == name]
        if on_cloud:
            chosen.append(next((group for group in on_cloud if group.hourly_usd_per_runner is not None), on_cloud[0]))
        elif cloud != "both":
            placed = sorted({group.cloud for group in groups})
            raise FleetformError.single(
                "simulate/not-on-cloud", display_path(config), f"app {app!r} has no group on {cloud}",
                allowed=format_choices(placed), fix=f"pass --cloud {placed[0]} or --cloud both",
            )
    return chosen
