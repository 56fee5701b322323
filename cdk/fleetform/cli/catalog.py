"""``fleetform catalog``: show and resolve fal machine types per cloud, and refresh the catalog data.

``show`` lists fal's machine types with the instance type each cloud uses per GPU count; ``resolve``
answers "what will this ``machine_type`` / ``num_gpus`` get", per cloud: instance types in fallback
order, zones per region and $/hour; ``refresh`` rebuilds the data files from the clouds' APIs.
``--region`` takes fal region names (``us-east``); the cloud region behind each is the catalog default
(platform settings may override it at plan time).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from fleetform.catalog.data_file import DATA_DIR
from fleetform.catalog.machines import (
    FalMachineType,
    current_machine_type_names,
    fal_machine_type,
    fal_machine_type_names,
    parse_machine_name,
)
from fleetform.catalog.prices import hourly_price
from fleetform.catalog.regions import DEFAULT_CLOUD_REGIONS, check_fal_region
from fleetform.catalog.resolve import Placement, Resolution, resolve
from fleetform.errors import FleetformError, Problem
from fleetform.vocabulary import CLOUDS, FAL_REGIONS

GPU_COUNTS = (1, 2, 4, 8)

Outcome = Resolution | FleetformError
"""A resolution on one cloud, or why the machine type cannot run there."""


@click.group(name="catalog")
def command() -> None:
    """Machine types, regions, zones and prices per cloud."""


@command.command(name="show")
@click.option("--machine", "machines", multiple=True, help="Only this fal machine type (repeatable).")
@click.option("--region", "regions", multiple=True, help="Also show zones and $/hour in this fal region (repeatable).")
@click.option("--cloud", "clouds", multiple=True, type=click.Choice(CLOUDS), help="Only this cloud (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def show(machines: tuple[str, ...], regions: tuple[str, ...], clouds: tuple[str, ...], as_json: bool) -> int:
    """Every fal machine type with, per cloud, its instance type for 1, 2, 4 and 8 GPUs."""
    by_name = {m.name: m for m in (fal_machine_type(name, where="--machine")
                                   for name in machines or fal_machine_type_names())}
    selected = list(by_name.values())
    _check_regions(regions)
    table = {machine.name: _outcomes_by_count(machine, clouds or CLOUDS, regions) for machine in selected}
    if as_json:
        rows = [_machine_json(machine, table[machine.name], regions) for machine in selected]
        click.echo(json.dumps({"machine_types": rows}, indent=2))
    else:
        click.echo("\n\n".join(_machine_text(machine, table[machine.name], regions) for machine in selected))
        click.echo(f"{len(selected)} machine type(s) on {', '.join(clouds or CLOUDS)}", err=True)
    return 0


@command.command(name="resolve")
@click.argument("machine", nargs=-1, required=True)
@click.option("--gpus", type=int, default=None, help="num_gpus per runner (default 1 for GPU types).")
@click.option("--region", "regions", multiple=True, help="fal region to place in (repeatable; default: all five).")
@click.option("--cloud", "clouds", multiple=True, type=click.Choice(CLOUDS), help="Only this cloud (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def resolve_command(
    machine: tuple[str, ...], gpus: int | None, regions: tuple[str, ...], clouds: tuple[str, ...], as_json: bool
) -> int:
    """Resolve MACHINE on each cloud; several MACHINEs (or a comma-separated one) form a fallback list.

    Exit 0 when at least one cloud can run it in at least one of the regions, 2 when none can (or on
    bad input).
    """
    names = [name.strip() for argument in machine for name in argument.split(",") if name.strip()]
    for index, name in enumerate(names):
        parse_machine_name(name, where=f"MACHINE[{index}]" if len(names) > 1 else "MACHINE")
    _check_regions(regions)
    regions = regions or FAL_REGIONS
    outcomes = {cloud: _resolve_on(cloud, names, gpus, regions) for cloud in clouds or CLOUDS}
    if as_json:
        by_cloud = {cloud: _outcome_json(outcome, regions) for cloud, outcome in outcomes.items()}
        click.echo(json.dumps({"machine_types": names, "num_gpus": gpus, "clouds": by_cloud}, indent=2))
    else:
        title = " > ".join(names) + (f" × {gpus} GPU(s)" if gpus else "")
        click.echo("\n".join([title] + [_outcome_text(cloud, outcome, regions) for cloud, outcome in outcomes.items()]))
    running = [cloud for cloud, outcome in outcomes.items() if _runs_somewhere(outcome)]
    if not running:
        click.echo(f"error: no cloud can run {', '.join(names)} in {', '.join(regions)}", err=True)
        return 2
    if not as_json:
        click.echo(f"{', '.join(names)} runs on {', '.join(running)}", err=True)
    return 0


def _runs_somewhere(outcome: Outcome) -> bool:
    return isinstance(outcome, Resolution) and any(p.problem is None for p in outcome.placements.values())


@command.command(name="refresh")
@click.option("--cloud", type=click.Choice(CLOUDS), required=True, help="The cloud whose data to rebuild.")
@click.option("--region", "regions", multiple=True,
              help="Cloud region to refresh (repeatable; default: those in the data).")
@click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=DATA_DIR,
    help="The catalog data directory to rewrite (default: the packaged data).",
)  # fmt: skip
@click.option("--project", default=None, help="GCP: the project to list machine types with (default: from ADC).")
@click.option("--api-endpoint", default=None,
              help="GCP: Compute API endpoint; an http:// one is an emulator (no credentials).")
def refresh(cloud: str, regions: tuple[str, ...], data_dir: Path, project: str | None, api_endpoint: str | None) -> int:
    """Rebuild one cloud's instance types, offerings (and AWS prices) from its APIs; print what changed.

    AWS uses boto3's default credentials (endpoints follow AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_PRICING);
    GCP uses Application Default Credentials. Nothing is written unless every call succeeded.
    """
    from fleetform.catalog.refresh import refresh_catalog

    click.echo(refresh_catalog(cloud, data_dir, regions, project=project, api_endpoint=api_endpoint).render())
    return 0


def _check_regions(regions: Sequence[str]) -> None:
    for region in regions:
        check_fal_region(region, where="--region")


def _cloud_regions(cloud: str, fal_regions: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(DEFAULT_CLOUD_REGIONS[cloud][region] for region in fal_regions or FAL_REGIONS))


def _resolve_on(cloud: str, names: Sequence[str], gpus: int | None, fal_regions: Sequence[str]) -> Outcome:
    """Resolve on ``cloud``, placed in the cloud regions behind ``fal_regions`` (all five when empty)."""
    try:
        return resolve(names, gpus, cloud, _cloud_regions(cloud, fal_regions), where="MACHINE")
    except FleetformError as error:
        return error


def _outcomes_by_count(
    machine: FalMachineType, clouds: Sequence[str], fal_regions: Sequence[str]
) -> dict[str, dict[int, Outcome]]:
    counts = GPU_COUNTS if machine.is_gpu else (0,)
    return {
        cloud: {count: _resolve_on(cloud, [machine.name], count or None, fal_regions) for count in counts}
        for cloud in clouds
    }


# --- JSON ---------------------------------------------------------------------------------------------


def _machine_json(
    machine: FalMachineType, outcomes: dict[str, dict[int, Outcome]], fal_regions: Sequence[str]
) -> dict[str, object]:
    return {
        "name": machine.name,
        "current": machine.name in current_machine_type_names(),
        "cpu": machine.cpu,
        "ram_gib": machine.ram_gib,
        "gpu": machine.gpu,
        "vram_gib": machine.vram_gib,
        "clouds": {
            cloud: {str(count): _outcome_json(outcome, fal_regions) for count, outcome in by_count.items()}
            for cloud, by_count in outcomes.items()
        },
    }


def _outcome_json(outcome: Outcome, fal_regions: Sequence[str]) -> dict[str, object]:
    if isinstance(outcome, FleetformError):
        return {"errors": [problem.to_json() for problem in outcome.problems]}
    return {
        "instance_types": [
            {
                "machine_type": choice.machine_type,
                "name": choice.instance_type.name,
                "gpus": choice.gpus,
                "vcpus": choice.instance_type.vcpus,
                "memory_gib": choice.instance_type.memory_gib,
                "on_demand": choice.instance_type.on_demand,
            }
            for choice in outcome.choices
        ],
        "warnings": [problem.to_json() for problem in outcome.warnings],
        "regions": {
            fal_region: _placement_json(outcome.cloud, outcome.placements[cloud_region])
            for fal_region, cloud_region in _fal_to_cloud_region(outcome.cloud, fal_regions)
        },
    }


def _placement_json(cloud: str, placement: Placement) -> dict[str, object]:
    document: dict[str, object] = {
        "cloud_region": placement.cloud_region,
        "instance_types": list(placement.instance_types),
        "zones": list(placement.zones),
        "hourly_usd": {name: _usd(cloud, placement.cloud_region, name) for name in placement.instance_types},
        "warnings": [problem.to_json() for problem in placement.warnings],
    }
    if placement.problem is not None:
        document["error"] = placement.problem.to_json()
    return document


def _usd(cloud: str, region: str, instance_type: str) -> float | None:
    price = hourly_price(cloud, region, instance_type)
    return None if price is None else price.value


# --- text ---------------------------------------------------------------------------------------------


def _machine_text(
    machine: FalMachineType, outcomes: dict[str, dict[int, Outcome]], fal_regions: Sequence[str]
) -> str:
    """One block per machine type; GPU counts with the same result (an error, say) share one line."""
    lines = [f"{machine.name}: {_resources(machine)}"]
    for cloud, by_count in outcomes.items():
        grouped: dict[str, list[int]] = {}
        for count, outcome in by_count.items():
            grouped.setdefault(_outcome_text("", outcome, fal_regions), []).append(count)
        for body, counts in grouped.items():
            label = (cloud if counts == [0]
                     else f"{cloud} {', '.join(map(str, counts))} GPU{'s' if counts != [1] else ''}")
            lines.append(_indent(label + body))
    return "\n".join(lines)


def _resources(machine: FalMachineType) -> str:
    legacy = " (legacy name)" if machine.legacy else ""
    unit = " per GPU" if machine.is_gpu else ""
    cpu = "?" if machine.cpu is None else f"{machine.cpu:g}"
    ram = "?" if machine.ram_gib is None else f"{machine.ram_gib:g}"
    gpu = f"{machine.gpu} ({machine.vram_gib:g} GiB); " if machine.is_gpu else ""
    return f"{gpu}{cpu} CPU, {ram} GiB RAM{unit}{legacy}"


def _outcome_text(label: str, outcome: Outcome, fal_regions: Sequence[str]) -> str:
    if isinstance(outcome, FleetformError):
        return f"{label}: not available\n" + _indent(outcome.render())
    lines = [f"{label}: " + " > ".join(choice.instance_type.describe() for choice in outcome.choices)]
    lines += [_indent(_render_warning(problem)) for problem in outcome.warnings]
    for fal_region, cloud_region in _fal_to_cloud_region(outcome.cloud, fal_regions):
        lines.append(_indent(_placement_text(outcome.cloud, fal_region, outcome.placements[cloud_region])))
    return "\n".join(lines)


def _placement_text(cloud: str, fal_region: str, placement: Placement) -> str:
    head = f"{fal_region} ({placement.cloud_region}): "
    if placement.problem is not None:
        allowed = f" ({placement.problem.allowed})" if placement.problem.allowed else ""
        return head + "unavailable: " + placement.problem.message + allowed
    prices = ", ".join(f"{name} {_price_text(cloud, placement.cloud_region, name)}"
                       for name in placement.instance_types)
    lines = [head + f"zones {', '.join(placement.zones)}; {prices}"]
    return "\n".join(lines + [_indent(_render_warning(problem)) for problem in placement.warnings])


def _price_text(cloud: str, region: str, instance_type: str) -> str:
    price = hourly_price(cloud, region, instance_type)
    return "(no price)" if price is None else f"${price.value:.3f}/h"


def _fal_to_cloud_region(cloud: str, fal_regions: Sequence[str]) -> list[tuple[str, str]]:
    return [(region, DEFAULT_CLOUD_REGIONS[cloud][region]) for region in fal_regions]


def _render_warning(problem: Problem) -> str:
    return "warning" + problem.render().removeprefix("error")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
