"""An AWS group's scaling: the ASG arguments scaling needs, and its scaling policies and alarms.

What each policy does and why is in :mod:`fleetform.scaling.aws_policy` and docs/scaling.md; this
module only renders it. The ASG must not set ``desired_capacity`` (or must ignore changes to it):
the policies own it.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from fleetform.plan.metrics import GAUGE_MISSING_ALARM_PERIOD_SECONDS, GAUGE_MISSING_ALARM_PERIODS
from fleetform.plan.model import GroupPlan
from fleetform.scaling import app_scale_settings, boot_model
from fleetform.scaling.aws_policy import (
    ENABLED_GROUP_METRICS,
    TARGET_VALUE,
    AlarmStepPolicy,
    aws_scaling_policy,
    gauge_missing_stat,
)
from fleetform.scaling.metric_math import Query, render
from fleetform.tf import Construct, aws

TrackingQuery: TypeAlias = "aws.AutoscalingPolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetrics"
"""One metric query of the target tracking policy's customized metric."""

GROUP_METRICS_GRANULARITY = "1Minute"
POLICY_NAME_PREFIX = "fleetform-"


def aws_group_scaling_arguments(group: GroupPlan) -> dict[str, Any]:
    """Extra ``aws_autoscaling_group`` arguments scaling needs: size limits, group metrics, warmup.

    ``GroupInServiceCapacity`` and ``GroupDesiredCapacity`` feed the policies, so group metrics
    collection is on. Capacity is counted in runners: each mixed-instances override weighs its type by
    the runners one host carries (:mod:`fleetform.plan.packing`), so sizes, desired capacity and the
    in-service capacity the tracked metric divides by are all runners, whatever the type.
    ``default_instance_warmup`` is the modelled boot time: AWS recommends always setting it; scale-in
    waits while a new runner warms up.
    """
    settings = app_scale_settings(group.scaling)
    return {
        "min_size": settings.min_runners,
        "max_size": settings.max_runners,
        "enabled_metrics": list(ENABLED_GROUP_METRICS),
        "metrics_granularity": GROUP_METRICS_GRANULARITY,
        "default_instance_warmup": boot_model(settings).seconds,
    }


def add_aws_scaling_policies(scope: Construct, group: GroupPlan, *, asg_name: str, target_group_arn_suffix: str,
                             load_balancer_arn_suffix: str) -> None:
    """Target tracking for scale-out, the keep-alive scale-in and, for groups that reach zero, the wake.

    Construct ids: ``TargetTracking``, ``KeepAlive`` + ``KeepAliveAlarm``, ``Wake`` + ``WakeAlarm``,
    ``GaugeMissingAlarm``. The keep-alive counts the target group's healthy hosts; the wake reads the
    load balancer's 503 count, since Elastic Load Balancing reports no target-group metric while the
    group has no target. The gauge-missing alarm makes visible that some runner's app serves without
    fal's in-flight gauge (its requests are not counted); it scales nothing.
    """
    settings = app_scale_settings(group.scaling)
    policy = aws_scaling_policy(settings, boot_model(settings), group_name=asg_name,
                                load_balancer=load_balancer_arn_suffix, target_group=target_group_arn_suffix)
    aws.AutoscalingPolicy(
        scope, "TargetTracking",
        name=f"{POLICY_NAME_PREFIX}target-tracking",
        autoscaling_group_name=asg_name,
        policy_type="TargetTrackingScaling",
        target_tracking_configuration={
            "target_value": TARGET_VALUE,
            "disable_scale_in": True,
            "customized_metric_specification": {"metrics": [_tracking_query(q) for q in policy.tracking_queries]},
        },
    )
    for construct_id, step_policy in (("KeepAlive", policy.keep_alive), ("Wake", policy.wake)):
        if step_policy is not None:
            _add_alarm_step_policy(scope, construct_id, step_policy, asg_name)
    _add_gauge_missing_alarm(scope, asg_name)


def _add_gauge_missing_alarm(scope: Construct, asg_name: str) -> None:
    stat = gauge_missing_stat(asg_name, GAUGE_MISSING_ALARM_PERIOD_SECONDS)
    aws.CloudwatchMetricAlarm(
        scope, "GaugeMissingAlarm",
        alarm_name=f"{asg_name}-gauge-missing",
        alarm_description=("A runner's app serves without fal's http_requests_in_progress gauge: its requests are not "
                           "counted, so the group cannot scale on them and keep-alive scale-in is held"),
        namespace=stat.namespace, metric_name=stat.metric_name, dimensions=dict(stat.dimensions),
        statistic=stat.stat, period=stat.period_seconds,
        comparison_operator="GreaterThanOrEqualToThreshold", threshold=1,
        evaluation_periods=GAUGE_MISSING_ALARM_PERIODS, datapoints_to_alarm=GAUGE_MISSING_ALARM_PERIODS,
        treat_missing_data="notBreaching",
    )


def _add_alarm_step_policy(scope: Construct, construct_id: str, policy: AlarmStepPolicy, asg_name: str) -> None:
    scaling = aws.AutoscalingPolicy(
        scope, construct_id,
        name=f"{POLICY_NAME_PREFIX}{policy.name}",
        autoscaling_group_name=asg_name,
        policy_type="StepScaling",
        adjustment_type="ExactCapacity",
        metric_aggregation_type="Maximum",
        step_adjustment=[{
            "scaling_adjustment": step.capacity,
            "metric_interval_lower_bound": None if step.lower is None else _bound(step.lower),
            "metric_interval_upper_bound": None if step.upper is None else _bound(step.upper),
        } for step in policy.steps],
    )
    aws.CloudwatchMetricAlarm(
        scope, f"{construct_id}Alarm",
        alarm_name=f"{asg_name}-{policy.name}",
        alarm_description=policy.description,
        comparison_operator=policy.comparison,
        threshold=policy.threshold,
        evaluation_periods=policy.evaluation_periods,
        datapoints_to_alarm=policy.evaluation_periods,
        treat_missing_data="notBreaching",
        metric_query=[_alarm_query(query) for query in policy.queries],
        alarm_actions=[scaling.arn],
    )


def _tracking_query(query: Query) -> TrackingQuery:
    out: TrackingQuery = {"id": query.id, "label": query.label, "return_data": query.return_data}
    if query.expression is not None:
        out["expression"] = render(query.expression)
    if query.stat is not None:
        out["metric_stat"] = {
            "metric": {"namespace": query.stat.namespace, "metric_name": query.stat.metric_name,
                       "dimensions": [{"name": name, "value": value} for name, value in query.stat.dimensions]},
            "stat": query.stat.stat,
            "period": query.stat.period_seconds,
        }
    return out


def _alarm_query(query: Query) -> aws.CloudwatchMetricAlarmMetricQuery:
    out: aws.CloudwatchMetricAlarmMetricQuery = {"id": query.id, "label": query.label, "return_data": query.return_data}
    if query.expression is not None:
        out["expression"] = render(query.expression)
    if query.stat is not None:
        out["metric"] = {"namespace": query.stat.namespace, "metric_name": query.stat.metric_name,
                         "dimensions": dict(query.stat.dimensions), "stat": query.stat.stat,
                         "period": query.stat.period_seconds}
    return out


def _bound(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
