"""One app's instance groups: its placement turned into a :class:`GroupPlan` per cloud region."""

from __future__ import annotations

import math

from fleetform.catalog.instance_types import instance_types
from fleetform.errors import FleetformError, Problem
from fleetform.plan.health import plan_health
from fleetform.plan.image import plan_image
from fleetform.plan.model import GroupPlan, MachinePlan, RolloutPlan, RoutePlan, RunnerPlan, ScalingPlan
from fleetform.plan.placement import RegionPlacement, place_app
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp

RETRY_CONDITIONS = ("connection_error", "server_error", "timeout")
DEFAULT_RETRIES = 2
"""Retries at the load balancer when ``retry_config`` sets none (fal's 10 apply to its queue, which has no peer here)."""

BASE_ROOT_VOLUME_GIB = 60
CPU_ROOT_VOLUME_GIB = 50
ROOT_VOLUME_STEP_GIB = 50


def plan_app_groups(app: ResolvedApp, platform: PlatformSettings) -> tuple[tuple[GroupPlan, ...], tuple[Problem, ...]]:
    """Every group of ``app`` (one per cloud region it is placed in) and the placement warnings."""
    _reject_unsupported(app)
    placement = place_app(app, platform)
    groups = tuple(_group(app, region, platform) for region in placement.groups)
    return groups, placement.warnings


def _group(app: ResolvedApp, placed: RegionPlacement, platform: PlatformSettings) -> GroupPlan:
    spec = app.spec
    assert spec.max_concurrency is not None and spec.request_timeout is not None and spec.python_version is not None
    health = plan_health(spec)
    return GroupPlan(
        app=spec.name,
        team=spec.team,
        source=app.where,
        cloud=placed.cloud,  # type: ignore[arg-type]
        fal_region=placed.fal_region,
        cloud_region=placed.cloud_region,
        zones=placed.zones,
        machine=_machine(placed),
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
                            startup_seconds=health.grace_seconds),
        route=RoutePlan(
            path_prefix=f"/{spec.name}",
            auth=spec.auth,
            request_timeout_seconds=spec.request_timeout,
            retry_conditions=tuple(c for c in RETRY_CONDITIONS if c not in spec.skip_retry_conditions),
            retries=max((policy.retries for policy in (spec.retry_config or {}).values()), default=DEFAULT_RETRIES),
            listener_priority=0,
        ),
        runner=RunnerPlan(
            port=spec.exposed_port,
            metrics_port=spec.metrics_port,
            secrets=tuple(sorted(spec.secrets or ())),
            data_mounts=tuple(sorted(spec.data_mounts or ())),
            private_logs=spec.private_logs,
            python_version=spec.python_version,
        ),
        image=plan_image(app, platform.name),
        hourly_usd_per_runner=placed.hourly_usd,
    )


def _machine(placed: RegionPlacement) -> MachinePlan:
    shape = instance_types(placed.cloud)[placed.instance_types[0]]
    vram_gib = shape.gpu_count * shape.gpu_memory_gib
    if shape.gpu_count:
        root = max(100, BASE_ROOT_VOLUME_GIB + 2 * vram_gib)
        root = int(math.ceil(root / ROOT_VOLUME_STEP_GIB) * ROOT_VOLUME_STEP_GIB)
    else:
        root = CPU_ROOT_VOLUME_GIB
    return MachinePlan(
        instance_types=placed.instance_types,
        gpus_per_instance=placed.gpus_per_instance,
        gpu=shape.gpu,
        vcpus=shape.vcpus,
        memory_gib=shape.memory_gib,
        root_volume_gib=root,
    )


def _reject_unsupported(app: ResolvedApp) -> None:
    if app.spec.request_start_timeout is not None:
        raise FleetformError.single(
            "plan/unsupported-field", f"{app.where}.request_start_timeout",
            "request_start_timeout is not supported yet: fleetform's load balancers have no request queue, so a "
            "request never waits for a runner (it gets 503 at once when none is up)",
            fix="remove request_start_timeout; set min_concurrency or concurrency_buffer to keep runners warm",
        )
