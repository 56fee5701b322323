"""One app's instance groups: its placement turned into a :class:`GroupPlan` per cloud region."""

from __future__ import annotations

import math

from fleetform.catalog.instance_types import instance_types
from fleetform.catalog.prices import hourly_price, spot_price
from fleetform.catalog.regions import region_offerings
from fleetform.errors import FleetformError, Problem
from fleetform.plan.capacity import Capacity, plan_capacity
from fleetform.plan.draining import plan_draining
from fleetform.plan.health import plan_health
from fleetform.plan.image import plan_image
from fleetform.plan.model import (
    RUNNER_AGENT_PORT,
    GroupPlan,
    ImagePlan,
    MachinePlan,
    RolloutPlan,
    RoutePlan,
    RunnerPlan,
    ScalingPlan,
)
from fleetform.plan.packing import idle_gpu_warnings, plan_packing, slot_port_problems
from fleetform.plan.placement import RegionPlacement, place_app
from fleetform.plan.retries import plan_retries
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp
from fleetform.vocabulary import exposure_of

BASE_ROOT_VOLUME_GIB = 60
MIN_GPU_ROOT_VOLUME_GIB = 100
CPU_ROOT_VOLUME_GIB = 50
ROOT_VOLUME_STEP_GIB = 50


def plan_app_groups(app: ResolvedApp, platform: PlatformSettings, listener_priority: int, *,
                    preview: bool = False) -> tuple[tuple[GroupPlan, ...], tuple[Problem, ...]]:
    """Every group of ``app`` (one per cloud region it is placed in) and the placement and capacity warnings.

    ``listener_priority`` is the app's platform-wide ALB rule priority (see ``plan.platform``); ``preview``
    plans an app project on the default settings, where the platform's base images are not yet known.
    """
    _reject_unsupported(app)
    placement = place_app(app, platform)
    groups, warnings = [], list(placement.warnings)
    image = plan_image(app, platform, accelerated=any(region.gpus_per_instance for region in placement.groups),
                       preview=preview)
    port_problems: list[Problem] = []
    for region in placement.groups:
        capacity = plan_capacity(region.cloud, region.instance_types, app.where)  # type: ignore[arg-type]
        warnings += [Problem("plan/fallback-left-out", f"{app.where}.machine_type",
                             f"{region.cloud} {region.cloud_region} runs {app.spec.name} without {machine_type}: "
                             f"{reason}") for machine_type, reason in capacity.left_out]
        if capacity.provisioning == "spot":
            warnings.append(Problem("plan/spot-only", f"{app.where}.machine_type",
                                    f"{app.spec.name} runs Spot VMs in {region.cloud} {region.cloud_region}: "
                                    f"{capacity.provisioning_reason}; a runner may be preempted at any time"))
        group = _group(app, region, capacity, listener_priority, image, platform.defaults.retries)
        warnings += idle_gpu_warnings(group.packing, app.spec.name, f"{app.where}.num_gpus", region.cloud_region)
        port_problems += slot_port_problems(group.packing, group.runner.port, group.runner.metrics_port,
                                            RUNNER_AGENT_PORT, app.where)
        groups.append(group)
    if port_problems:
        raise FleetformError(list(dict.fromkeys(port_problems)))
    return tuple(groups), tuple(warnings)


def _group(app: ResolvedApp, placed: RegionPlacement, capacity: Capacity, listener_priority: int,
           image: ImagePlan, default_retries: int) -> GroupPlan:
    spec = app.spec
    assert spec.max_concurrency is not None and spec.request_timeout is not None and spec.python_version is not None
    health = plan_health(app)
    retries = plan_retries(spec, default_retries)
    price_basis = _price_basis(placed, capacity)
    packing = plan_packing(placed.cloud, capacity.instance_types, spec.num_gpus,  # type: ignore[arg-type]
                           lambda machine_type: _host_price(placed, capacity, machine_type))
    runner_price = packing.preferred.hourly_usd_per_runner
    return GroupPlan(
        app=spec.name,
        team=spec.team,
        source=app.where,
        cloud=placed.cloud,  # type: ignore[arg-type]
        fal_region=placed.fal_region,
        cloud_region=placed.cloud_region,
        zones=_zones(placed, capacity),
        machine=_machine(placed, capacity),
        scaling=ScalingPlan(
            min_runners=spec.min_concurrency,
            max_runners=spec.max_concurrency,
            max_multiplexing=spec.max_multiplexing,
            concurrency_buffer=spec.concurrency_buffer,
            concurrency_buffer_perc=spec.concurrency_buffer_perc,
            scaling_delay_seconds=spec.scaling_delay,
            keep_alive_seconds=spec.keep_alive,
            startup_seconds=health.grace_seconds,
            reset_on_deploy=spec.app_scale_settings,
        ),
        health=health,
        rollout=RolloutPlan(strategy=spec.deployment_strategy,
                            termination_grace_seconds=spec.termination_grace_period_seconds,
                            startup_seconds=health.grace_seconds,
                            draining=plan_draining(placed.cloud,  # type: ignore[arg-type]
                                                   request_timeout=spec.request_timeout,
                                                   grace=spec.termination_grace_period_seconds,
                                                   provisioning=capacity.provisioning)),
        route=RoutePlan(
            path_prefix=f"/{spec.name}",
            auth=spec.auth,
            exposure=exposure_of(spec.auth),
            request_timeout_seconds=spec.request_timeout,
            retry_conditions=retries.conditions,
            retries=retries.retries,
            retry_counts=retries.counts,
            listener_priority=listener_priority,
        ),
        runner=RunnerPlan(
            port=spec.exposed_port,
            metrics_port=spec.metrics_port,
            secrets=tuple(sorted(spec.secrets or ())),
            data_mounts=tuple(sorted(spec.data_mounts or ())),
            private_logs=spec.private_logs,
            python_version=spec.python_version,
        ),
        image=image,
        packing=packing,
        hourly_usd_per_runner=runner_price,
        price_basis=price_basis,
    )


def _zones(placed: RegionPlacement, capacity: Capacity) -> tuple[str, ...]:
    """The zones offering at least one type the group really carries."""
    offerings = region_offerings(placed.cloud)[placed.cloud_region]
    return tuple(sorted({zone for name in capacity.instance_types for zone in offerings.zones_offering(name)}))


def _host_price(placed: RegionPlacement, capacity: Capacity, machine_type: str) -> float | None:
    """$/hour of one host of ``machine_type`` at the group's provisioning model, or None when unknown."""
    price = (spot_price if capacity.provisioning == "spot" else hourly_price)(placed.cloud, placed.cloud_region,
                                                                                machine_type)
    return None if price is None else price.value


def _price_basis(placed: RegionPlacement, capacity: Capacity) -> str:
    """What the group's prices are (the preferred type's), or why they are unknown."""
    preferred = capacity.instance_types[0]
    if capacity.provisioning == "spot":
        spot = spot_price(placed.cloud, placed.cloud_region, preferred)
        if spot is None:
            return f"unknown: the catalog has no Spot price for {preferred} in {placed.cloud_region}"
        return f"Spot price as of {spot.as_of}; it varies, and a runner may be preempted"
    if hourly_price(placed.cloud, placed.cloud_region, preferred) is None:
        return f"unknown: the catalog has no on-demand price for {preferred} in {placed.cloud_region}"
    return "on-demand list price"


def _machine(placed: RegionPlacement, capacity: Capacity) -> MachinePlan:
    shape = instance_types(placed.cloud)[capacity.instance_types[0]]
    vram_gib = shape.gpu_count * shape.gpu_memory_gib
    if shape.gpu_count:
        root = max(MIN_GPU_ROOT_VOLUME_GIB, BASE_ROOT_VOLUME_GIB + 2 * vram_gib)
        root = int(math.ceil(root / ROOT_VOLUME_STEP_GIB) * ROOT_VOLUME_STEP_GIB)
        reason = (f"{BASE_ROOT_VOLUME_GIB} GiB for the OS image plus twice the {vram_gib:g} GiB of GPU memory "
                  f"(image layers and model weights), at least {MIN_GPU_ROOT_VOLUME_GIB}, in steps of "
                  f"{ROOT_VOLUME_STEP_GIB} GiB")
    else:
        root = CPU_ROOT_VOLUME_GIB
        reason = f"{CPU_ROOT_VOLUME_GIB} GiB: the OS image and the app image on a CPU runner"
    return MachinePlan(
        instance_types=capacity.instance_types,
        gpus_per_instance=placed.gpus_per_instance,
        gpu=shape.gpu,
        vcpus=shape.vcpus,
        memory_gib=shape.memory_gib,
        root_volume_gib=root,
        root_volume_reason=reason,
        provisioning=capacity.provisioning,
        provisioning_reason=capacity.provisioning_reason,
        left_out_types=capacity.left_out,
        boot_disk_type=capacity.boot_disk_type,
        nic_type=capacity.nic_type,
        gpus_in_template=capacity.gpus_in_template,
    )


UNSUPPORTED_FIELDS = {
    "request_start_timeout": (
        "fleetform's load balancers have no request queue, so a request never waits for a runner (it gets 503 at "
        "once when none is up)",
        "remove request_start_timeout; set min_concurrency or concurrency_buffer to keep runners warm"),
}
"""fal fields the spec reads as fal does but fleetform cannot honour yet: (why, fix). The spec keeps reading
them (its job is to read a project as fal does); the plan, which decides what is built, refuses them."""


def _reject_unsupported(app: ResolvedApp) -> None:
    problems = [Problem("plan/unsupported-field", f"{app.where}.{name}", f"{name} is not supported yet: {why}",
                        fix=fix)
                for name, (why, fix) in UNSUPPORTED_FIELDS.items() if getattr(app.spec, name) is not None]
    if problems:
        raise FleetformError(problems)
