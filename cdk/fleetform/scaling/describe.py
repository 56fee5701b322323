"""A JSON-able account of one group's scaling: fal's numbers and what each cloud is configured with.

``fleetform explain`` prints it; every difference from fal's behaviour that the configuration
implies is listed with its size, in the words of docs/scaling.md.
"""

from __future__ import annotations

from typing import Any

from fleetform.plan.model import GroupPlan
from fleetform.scaling.aws_policy import (
    GROUP_METRICS_PERIOD_SECONDS,
    TARGET_VALUE,
    AlarmStepPolicy,
    AwsScalingPolicy,
    aws_scaling_policy,
    capacity_bucket,
)
from fleetform.scaling.boot import BootModel, boot_model
from fleetform.scaling.gcp_policy import (
    LOAD_BALANCER_SAMPLE_SECONDS,
    LOAD_BALANCER_VISIBILITY_SECONDS,
    STABILIZATION_SECONDS,
    GcpScalingPolicy,
    gcp_scaling_policy,
)
from fleetform.scaling.metric_math import render
from fleetform.scaling.settings import ScaleSettings, app_scale_settings
from fleetform.scaling.target import target_runners


def describe_policies(group: GroupPlan) -> dict[str, Any]:
    """fal's scaling numbers of ``group``, its target at a few loads, and each cloud's policy with its differences.

    Both clouds are described (the numbers are cloud-neutral); ``cloud`` names the group's own.
    """
    settings = app_scale_settings(group.scaling)
    boot = boot_model(settings)
    return {
        "cloud": group.cloud,
        "fal": {
            "min_concurrency": settings.min_runners,
            "max_concurrency": settings.max_runners,
            "max_multiplexing": settings.max_multiplexing,
            "concurrency_buffer": settings.concurrency_buffer,
            "concurrency_buffer_perc": settings.concurrency_buffer_perc,
            "scaling_delay": settings.scaling_delay_seconds,
            "keep_alive": settings.keep_alive_seconds,
            "startup_seconds": settings.startup_seconds,
        },
        "target": target_formula(settings),
        "examples": [{"in_flight": load, "runners": target_runners(load, settings)}
                     for load in _example_loads(settings)],
        "boot": {"seconds": boot.seconds, "provisioning_seconds": boot.provisioning_seconds,
                 "image_pull_seconds": boot.image_pull_seconds, "setup_seconds": boot.setup_seconds},
        "aws": _aws(settings, boot),
        "gcp": _gcp(settings, boot),
    }


def target_formula(settings: ScaleSettings) -> str:
    """fal's target for these settings, e.g. ``clamp(ceil(in_flight / 4) + 2, 1, 10)``."""
    demand = "ceil(in_flight)" if settings.max_multiplexing == 1 else f"ceil(in_flight / {settings.max_multiplexing})"
    fixed, percent = settings.concurrency_buffer, settings.concurrency_buffer_perc
    bounds = f"{settings.min_runners}, {settings.max_runners}"
    if not percent:
        return f"clamp({demand}{f' + {fixed}' if fixed else ''}, {bounds})"
    share = f"ceil({percent}% × demand)"
    buffer = f"max({fixed}, {share})" if fixed else share
    return f"clamp(demand + {buffer}, {bounds}) with demand = {demand}"


def _example_loads(settings: ScaleSettings) -> list[int]:
    step = settings.max_multiplexing
    return sorted({0, 1, step, 2 * step + 1, settings.max_runners * step})


def _aws(settings: ScaleSettings, boot: BootModel) -> dict[str, Any]:
    policy = aws_scaling_policy(settings, boot, group_name="<asg>", load_balancer="<load balancer>",
                                target_group="<target group>")
    return {
        "group": {"min_size": policy.min_size, "max_size": policy.max_size,
                  "default_instance_warmup": policy.warmup_seconds,
                  "enabled_metrics": "GroupInServiceCapacity, GroupDesiredCapacity, ... (1Minute)"},
        "scale_out": {
            "policy": "target tracking (scale-in disabled)",
            "metric": {query.id: render(query.expression) for query in policy.tracking_queries
                       if query.expression is not None},
            "target_value": TARGET_VALUE,
            "period_seconds": policy.tracking_period_seconds,
            "after_seconds": policy.scale_out_after_seconds,
        },
        "scale_in": None if policy.keep_alive is None else _step_policy(policy.keep_alive),
        "wake": None if policy.wake is None else _step_policy(policy.wake),
        "differences": aws_differences(settings, policy),
    }


def _step_policy(policy: AlarmStepPolicy) -> dict[str, Any]:
    return {
        "policy": "step scaling, ExactCapacity",
        "alarm": {query.id: render(query.expression) for query in policy.queries if query.expression is not None},
        "after_seconds": policy.window_seconds,
        "capacities": [step.capacity for step in policy.steps],
    }


def aws_differences(settings: ScaleSettings, policy: AwsScalingPolicy) -> list[str]:
    """Where the AWS policy departs from fal, and by how much."""
    out = [f"scale-out waits {policy.scale_out_after_seconds} s of metric data "
           f"({policy.tracking_period_seconds}-s periods, AWS-managed alarm) where fal waits scaling_delay = "
           f"{settings.scaling_delay_seconds} s"]
    if policy.keep_alive is not None:
        out.append(f"scale-in removes every runner above the target at once once more runners than the target have "
                   f"been healthy for {policy.keep_alive.window_seconds} s, where fal drains each runner idle for "
                   "keep_alive; the ASG, not the idle state, picks which runners go")
        if capacity_bucket(settings) > 1:
            out.append(f"scale-in capacities round up to steps of {capacity_bucket(settings)} runners "
                       "(20 step adjustments per policy)")
    if policy.wake is not None:
        out.append(f"from zero runners, starts {policy.wake.steps[0].capacity} runner(s) within "
                   f"{policy.wake.window_seconds + GROUP_METRICS_PERIOD_SECONDS} s of the first turned-away request; "
                   "more follow once it reports; a 503 of any app on the same load balancer also wakes this group")
    return out


def _gcp(settings: ScaleSettings, boot: BootModel) -> dict[str, Any]:
    policy = gcp_scaling_policy(settings, boot, group_name="<mig>", region="<region>",
                                backend_service="<backend service>" if settings.can_reach_zero else None)
    return {
        "autoscaler": {"min_replicas": policy.min_replicas, "max_replicas": policy.max_replicas,
                       "cooldown_period": policy.initialization_seconds},
        "metrics": [{"metric": metric.metric, "single_instance_assignment": metric.single_instance_assignment,
                     **({"type": metric.utilization_type} if metric.utilization_type else {})}
                    for metric in policy.metrics],
        "buffer_schedule_min_replicas": policy.buffer_floor,
        "scale_in_after_seconds": policy.scale_in_after_seconds,
        "differences": gcp_differences(settings, policy),
    }


def gcp_differences(settings: ScaleSettings, policy: GcpScalingPolicy) -> list[str]:
    """Where the GCP policy departs from fal, and by how much."""
    out = []
    if settings.scaling_delay_seconds:
        out.append(f"scaling_delay = {settings.scaling_delay_seconds} s has no autoscaler setting: "
                   "GCP scales out as soon as the metric shows the demand")
    if settings.keep_alive_seconds != policy.scale_in_after_seconds:
        out.append(f"scale-in waits {policy.scale_in_after_seconds} s (the fixed {STABILIZATION_SECONDS}-s "
                   f"stabilization period) where fal waits keep_alive = {settings.keep_alive_seconds} s")
    if settings.concurrency_buffer_perc:
        out.append(f"the percentage buffer is folded into {policy.metrics[0].single_instance_assignment:g} requests "
                   "per runner: at most 2 runners below fal")
    if settings.concurrency_buffer:
        out.append(f"under load the group keeps max(demand, {settings.floor_runners}) runners, not demand + "
                   f"{settings.concurrency_buffer}: up to {settings.concurrency_buffer} runners below fal")
    if settings.can_reach_zero:
        delay = LOAD_BALANCER_SAMPLE_SECONDS + LOAD_BALANCER_VISIBILITY_SECONDS
        out.append(f"from zero runners, starts 1 runner once the load balancer's request count shows traffic (up to "
                   f"{delay} s: {LOAD_BALANCER_SAMPLE_SECONDS}-s samples, visible up to "
                   f"{LOAD_BALANCER_VISIBILITY_SECONDS} s later); more follow once it reports")
    return out
