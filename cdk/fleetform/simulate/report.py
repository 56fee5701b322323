"""A simulation as text (a table per cloud) or as JSON (``--json``), with the numbers rounded alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fleetform.errors import display_path
from fleetform.scaling.describe import target_formula
from fleetform.simulate.engine import PolicyRun
from fleetform.simulate.run import CloudRun, Simulation

COLUMNS = ("policy", "runner-h", "GPU-h", "cost $", "waiting req-s", "unmet s", "scale-ups", "GPU-h ratio")


def simulation_json(simulation: Simulation, app: str, trace_file: Path) -> dict[str, Any]:
    """Everything the text shows, keyed for machines; ``gpu_hours_ratio`` maps each cloud to its ratio."""
    clouds = {cloud.group.cloud: _cloud_json(simulation, cloud) for cloud in simulation.clouds}
    return {
        "app": app,
        "trace": {"name": simulation.trace.name, "file": display_path(trace_file),
                  "duration_seconds": simulation.trace.duration_seconds, "peak_in_flight": simulation.trace.peak},
        "fal_target": target_formula(simulation.settings),
        "boot": {"seconds": simulation.boot.seconds, "provisioning_seconds": simulation.boot.provisioning_seconds,
                 "image_pull_seconds": simulation.boot.image_pull_seconds,
                 "setup_seconds": simulation.boot.setup_seconds},
        "reference": _run_json(simulation.reference),
        "clouds": clouds,
        "gpu_hours_ratio": {cloud: values["gpu_hours_ratio"] for cloud, values in clouds.items()},
    }


def simulation_text(simulation: Simulation, app: str, trace_file: Path) -> str:
    trace = simulation.trace
    lines = [
        f"{app}: {display_path(trace_file)} ({trace.duration_seconds:g} s, peak {trace.peak:g} in flight)",
        f"fal target: {target_formula(simulation.settings)}",
        f"boot: {simulation.boot.describe()}",
        "",
    ]
    rows: list[tuple[str, ...]] = [COLUMNS]
    for cloud in simulation.clouds:
        machine = (f"{cloud.group.cloud_region} {cloud.group.machine.instance_types[0]}, "
                   f"{cloud.runners_per_host} per host × {cloud.gpus_per_runner:g} GPU")
        rows.append((f"fal on {cloud.group.cloud}", *_cells(cloud, simulation.reference), ""))
        rows.append((f"{cloud.group.cloud} policy", *_cells(cloud, cloud.run),
                     _number(simulation.gpu_hours_ratio(cloud), 3)))
        rows.append((f"  ({machine})", "", "", "", "", "", "", ""))
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    lines += ["  ".join(cell.ljust(width) if index == 0 else cell.rjust(width)
                        for index, (cell, width) in enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    lines.append("")
    for cloud in simulation.clouds:
        extra = simulation.extra_wait_per_scale_up(cloud)
        lines.append(f"{cloud.group.cloud}: {extra:.0f} s of extra unmet demand per scale-up "
                     f"(bound: scaling_delay + boot = {simulation.wait_bound_seconds} s); {_regions(cloud)}")
    return "\n".join(lines)


def _cells(cloud: CloudRun, run: PolicyRun) -> tuple[str, ...]:
    return (_number(run.runner_hours, 2), _number(cloud.gpu_hours(run), 2), _number(cloud.cost_usd(run), 2),
            _number(run.waiting_request_seconds, 0), _number(run.unmet_seconds, 0), str(run.scale_ups))


def _regions(cloud: CloudRun) -> str:
    if cloud.regions_summed == 1:
        return "scales on its own region's demand"
    return f"scales on the demand of {cloud.regions_summed} regions (a metric filter without the region)"


def _cloud_json(simulation: Simulation, cloud: CloudRun) -> dict[str, Any]:
    return {
        "cloud_region": cloud.group.cloud_region,
        "regions_summed": cloud.regions_summed,
        "instance_type": cloud.group.machine.instance_types[0],
        "gpus_per_runner": cloud.gpus_per_runner,
        "runners_per_host": cloud.runners_per_host,
        "usd_per_runner_hour": cloud.group.hourly_usd_per_runner,
        **_run_json(cloud.run),
        "gpu_hours": _round(cloud.gpu_hours(cloud.run)),
        "cost_usd": _round(cloud.cost_usd(cloud.run)),
        "reference_gpu_hours": _round(cloud.gpu_hours(simulation.reference)),
        "reference_cost_usd": _round(cloud.cost_usd(simulation.reference)),
        "gpu_hours_ratio": _round(simulation.gpu_hours_ratio(cloud)),
        "extra_unmet_seconds_per_scale_up": _round(simulation.extra_wait_per_scale_up(cloud)),
        "wait_bound_seconds": simulation.wait_bound_seconds,
    }


def _run_json(run: PolicyRun) -> dict[str, Any]:
    return {"runner_hours": _round(run.runner_hours), "waiting_request_seconds": _round(run.waiting_request_seconds),
            "unmet_seconds": _round(run.unmet_seconds), "scale_ups": run.scale_ups, "peak_runners": run.peak_runners,
            "final_runners": run.final_runners}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _number(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"
