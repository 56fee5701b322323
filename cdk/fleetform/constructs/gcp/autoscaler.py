"""A GCP group's regional autoscaler: fal's scaling fields as Compute Engine autoscaling policy.

What each part does and why is in :mod:`fleetform.scaling.gcp_policy` and docs/scaling.md; this
module only renders it. The MIG must not set ``target_size`` (it would fight the autoscaler). Beside
it, the group's gauge-missing alert policy (issue 14.4), GCP's counterpart of the AWS alarm.
"""

from __future__ import annotations

from typing import Literal

from fleetform.errors import FleetformError
from fleetform.plan.metrics import (
    GAUGE_MISSING_ALARM_PERIOD_SECONDS,
    GAUGE_MISSING_ALARM_PERIODS,
    GCP_MISSING_METRIC_TYPE,
    gcp_group_filter,
)
from fleetform.plan.model import GroupPlan
from fleetform.scaling import app_scale_settings, boot_model
from fleetform.scaling.gcp_policy import (
    ALWAYS_DURATION_SECONDS,
    ALWAYS_SCHEDULE,
    BUFFER_SCHEDULE,
    GcpScalingPolicy,
    MetricPolicy,
    gcp_scaling_policy,
)
from fleetform.tf import Construct, Lifecycle, google

SCHEDULE_TIME_ZONE = "Etc/UTC"


def add_gcp_autoscaler(scope: Construct, group: GroupPlan, *, instance_group_manager: str, region: str,
                       group_name: str, backend_service: str | None = None,
                       load_balancer: Literal["regional", "global", "internal"] = "regional") -> None:
    """``google_compute_region_autoscaler`` (construct id ``Autoscaler``) for one regional MIG, and its
    gauge-missing alert policy (``GaugeMissingAlert``).

    ``instance_group_manager`` is the MIG's id or self link, ``group_name`` its name (the runners
    label their in-flight series with it and ``region``). ``backend_service`` (the name of the group's backend
    service) and ``load_balancer`` (which kind of Application Load Balancer serves it) are required
    when the group can reach zero runners: the load balancer's request count is then the only signal
    that exists while no runner does.
    """
    settings = app_scale_settings(group.scaling)
    if settings.can_reach_zero and backend_service is None:
        raise FleetformError.single(
            "scaling/no-wake-signal", group.source,
            f"app {group.app!r} scales to zero runners on GCP, but add_gcp_autoscaler got no backend_service, "
            "so nothing could start a runner again",
            fix="pass backend_service=<the group's backend service name> (and load_balancer=) to add_gcp_autoscaler",
        )
    policy = gcp_scaling_policy(settings, boot_model(settings), group_name=group_name, region=region,
                                backend_service=backend_service, load_balancer_scope=load_balancer)
    google.ComputeRegionAutoscaler(scope, "Autoscaler", name=group_name, region=region, target=instance_group_manager,
                                   autoscaling_policy=_autoscaling_policy(policy),
                                   lifecycle=_runtime_tuned_limits(group))
    _add_gauge_missing_alert(scope, group_name, region)


def _add_gauge_missing_alert(scope: Construct, group_name: str, region: str) -> None:
    """An incident while some runner of the group in ``region`` serves without fal's gauge for 3 minutes.

    Without notification channels, as the AWS alarm has no actions: the incident shows in Cloud Monitoring
    and the platform routes it as it routes its other alerts. A runner that stops writing (deleted)
    closes its part of the incident rather than holding it open (``EVALUATION_MISSING_DATA_INACTIVE``).
    """
    period = f"{GAUGE_MISSING_ALARM_PERIOD_SECONDS}s"
    google.MonitoringAlertPolicy(
        scope, "GaugeMissingAlert",
        display_name=f"{group_name} {region} gauge missing",
        combiner="OR",
        severity="WARNING",
        conditions=[{
            "display_name": "a runner's app serves without the in-flight gauge",
            "condition_threshold": {
                "filter": gcp_group_filter(group_name, region, GCP_MISSING_METRIC_TYPE),
                "aggregations": [{"alignment_period": period, "per_series_aligner": "ALIGN_MAX",
                                  "cross_series_reducer": "REDUCE_MAX"}],
                "comparison": "COMPARISON_GT",
                "threshold_value": 0,
                "duration": f"{GAUGE_MISSING_ALARM_PERIOD_SECONDS * GAUGE_MISSING_ALARM_PERIODS}s",
                "trigger": {"count": 1},
                "evaluation_missing_data": "EVALUATION_MISSING_DATA_INACTIVE",
            },
        }],
        documentation={"mime_type": "text/markdown", "content": (
            f"A runner of `{group_name}` in {region} serves its app without fal's `http_requests_in_progress` "
            "gauge: its requests are not counted, so the group cannot scale out on them, and the autoscaler keeps "
            "each such runner (it is not taken for idle). Serve the gauge (fal's metrics port) or fix the app's "
            "metrics endpoint; the runner agent's log says which.")},
    )


def _runtime_tuned_limits(group: GroupPlan) -> Lifecycle | None:
    """fal's ``app_scale_settings = false`` (its default): a deploy keeps the limits operators tuned since."""
    if group.scaling.reset_on_deploy:
        return None
    return {"ignore_changes": ["autoscaling_policy[0].min_replicas", "autoscaling_policy[0].max_replicas"]}


def _autoscaling_policy(policy: GcpScalingPolicy) -> google.ComputeRegionAutoscalerAutoscalingPolicy:
    out: google.ComputeRegionAutoscalerAutoscalingPolicy = {
        "min_replicas": policy.min_replicas,
        "max_replicas": policy.max_replicas,
        "cooldown_period": policy.initialization_seconds,
        "mode": "ON",
        "metric": [_metric(metric) for metric in policy.metrics],
    }
    if policy.scale_in_window_seconds is not None:
        out["scale_in_control"] = {"max_scaled_in_replicas": {"percent": 0},
                                   "time_window_sec": policy.scale_in_window_seconds}
    if policy.buffer_floor is not None:
        out["scaling_schedules"] = [{
            "name": BUFFER_SCHEDULE,
            "description": "fal concurrency_buffer: runners kept warm at zero traffic (always active)",
            "min_required_replicas": policy.buffer_floor,
            "schedule": ALWAYS_SCHEDULE,
            "duration_sec": ALWAYS_DURATION_SECONDS,
            "time_zone": SCHEDULE_TIME_ZONE,
        }]
    return out


def _metric(metric: MetricPolicy) -> google.ComputeRegionAutoscalerAutoscalingPolicyMetric:
    out: google.ComputeRegionAutoscalerAutoscalingPolicyMetric = {
        "name": metric.metric, "filter": metric.filter, "single_instance_assignment": metric.single_instance_assignment}
    if metric.utilization_type is not None:
        out["type"] = metric.utilization_type
    return out
