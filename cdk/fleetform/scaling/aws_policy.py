"""The AWS scaling policy of one group, as numbers and metric math (no cdktf here).

Three parts, each justified in docs/scaling.md:

* **Target tracking (scale-out)** on ``target / in-service runners`` with target value 1. The metric
  math computes fal's target from the runners' in-flight sum, so ``runners × metric = target``:
  demand, the additive buffer and the percentage buffer are exact. Scale-in is disabled here: the
  alarms of target tracking are AWS-managed (AlarmLow waits about 15 data points and only fires
  well below the target), which cannot express ``keep_alive``.
* **Keep-alive (scale-in)**: a step policy setting the exact capacity fal would keep, fired by our
  own alarm once the group has had more healthy runners than the target for ``keep_alive`` seconds.
  ``ExactCapacity`` makes a repeated action harmless. A policy holds at most 20 steps, so larger
  ranges round the capacity up to buckets (never below the target).
* **Wake (scale from zero)**, when ``min_concurrency = 0``: target tracking cannot leave zero (no
  runner publishes, and dividing by zero in-service runners drops the data point). The load
  balancer's 503 count (no healthy target) or a warm buffer to restore sets the capacity.

**Runners, not hosts.** A host may carry several runners (:mod:`fleetform.plan.packing`); each
mixed-instances override weighs its type by its runners per host, so the group's capacity units are
runners. Target tracking sets ``desired = ceil(capacity × metric / target)`` in those units, so the metric
divides fal's target by ``GroupInServiceCapacity`` (in-service capacity units), not by instances; the
in-flight sum is the same whether a host publishes one datum summing its runners or each runner its own;
the keep-alive counts the target group's healthy targets, one per runner; ``ExactCapacity`` and the wake
set capacity units, i.e. runners (an ASG may overshoot by less than one host's weight).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fleetform.plan.metrics import (
    AWS_GROUP_DIMENSION,
    AWS_METRIC_NAME,
    AWS_MISSING_METRIC_NAME,
    AWS_NAMESPACE,
    PUBLISH_INTERVAL_SECONDS,
)
from fleetform.scaling.boot import BootModel
from fleetform.scaling.metric_math import (
    Expr,
    MetricStat,
    Num,
    Op,
    Query,
    Ref,
    ceil,
    fill,
    if_,
)
from fleetform.scaling.settings import ScaleSettings

TRACKING_PERIODS_SECONDS = (10, 30, 60)
"""Metric periods target tracking accepts (TargetTrackingMetricStat.Period: 10, 30 or 60)."""
ALARM_HIGH_DATAPOINTS = 3
"""Data points above target before target tracking scales out (observed on AWS-managed alarms; UNCONFIRMED)."""
GROUP_METRICS_PERIOD_SECONDS = 60
"""EC2 Auto Scaling group metrics are published at one-minute granularity."""
LOAD_BALANCER_METRICS_PERIOD_SECONDS = 60
"""Elastic Load Balancing sends its metrics in 60-second intervals."""
MAX_STEP_ADJUSTMENTS = 20
"""Quota: step adjustments per step scaling policy (fixed)."""
MAX_ALARM_WINDOW_SECONDS = 86_400
"""CloudWatch: period × evaluation periods of an alarm under an hour's period is at most one day."""
HIGH_RESOLUTION_ALARM_LIMIT_SECONDS = 3_600
"""Keep-alive windows up to this use 10-second data points; longer ones use one-minute points."""
ENABLED_GROUP_METRICS = (
    "GroupDesiredCapacity", "GroupInServiceCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize",
    "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances",
)
TARGET_VALUE = 1.0
"""The tracked metric is fal's target divided by the in-service runners: 1 means "exactly enough"."""
AUTOSCALING_NAMESPACE = "AWS/AutoScaling"
LOAD_BALANCER_NAMESPACE = "AWS/ApplicationELB"


@dataclass(frozen=True)
class Step:
    """A step adjustment: while the alarm value minus threshold is in [lower, upper), set ``capacity``."""

    lower: float | None
    upper: float | None
    capacity: int


@dataclass(frozen=True)
class AlarmStepPolicy:
    """An alarm on a metric-math series and the ``ExactCapacity`` step policy it invokes."""

    name: str
    description: str
    period_seconds: int
    evaluation_periods: int
    comparison: str
    threshold: float
    queries: tuple[Query, ...]
    steps: tuple[Step, ...]

    @property
    def window_seconds(self) -> int:
        return self.period_seconds * self.evaluation_periods


@dataclass(frozen=True)
class AwsScalingPolicy:
    """Everything the AWS group and its policies are configured with."""

    min_size: int
    max_size: int
    warmup_seconds: int
    tracking_period_seconds: int
    tracking_queries: tuple[Query, ...]
    keep_alive: AlarmStepPolicy | None
    """None when min == max: nothing to scale in."""
    wake: AlarmStepPolicy | None
    """None when ``min_size`` > 0. A group created at ``min_size = 0`` starts with no runner, so even a
    group whose buffer keeps runners warm needs the wake to get its first one."""

    @property
    def scale_out_after_seconds(self) -> int:
        """Sustained excess demand before target tracking acts (its high alarm's data points)."""
        return ALARM_HIGH_DATAPOINTS * self.tracking_period_seconds


def aws_scaling_policy(settings: ScaleSettings, boot: BootModel, *, group_name: str, load_balancer: str,
                       target_group: str) -> AwsScalingPolicy:
    """The policy for one group; the names (ASG name, load balancer and target group ARN suffixes) may be tokens."""
    fixed_size = settings.min_runners == settings.max_runners
    return AwsScalingPolicy(
        min_size=settings.min_runners,
        max_size=settings.max_runners,
        warmup_seconds=boot.seconds,
        tracking_period_seconds=tracking_period(settings),
        tracking_queries=tracking_queries(settings, group_name),
        keep_alive=None if fixed_size else keep_alive_policy(settings, group_name, load_balancer, target_group),
        wake=wake_policy(settings, group_name, load_balancer) if settings.min_runners == 0 else None,
    )


def tracking_period(settings: ScaleSettings) -> int:
    """The shortest period whose high-alarm window covers ``scaling_delay`` (60 s at most)."""
    return next((period for period in TRACKING_PERIODS_SECONDS
                 if ALARM_HIGH_DATAPOINTS * period >= settings.scaling_delay_seconds), TRACKING_PERIODS_SECONDS[-1])


def tracking_queries(settings: ScaleSettings, group_name: str) -> tuple[Query, ...]:
    """``target / runners``: fal's target runner count per in-service runner (the tracked metric)."""
    period = tracking_period(settings)
    return (
        *_target_queries(settings, group_name, period),
        _in_service(group_name, period),
        Query("runners", "In-service runners (one-minute metric, repeated between points)",
              expression=fill(Ref("inservice"), "REPEAT")),
        Query("perrunner", "fal target runners per in-service runner",
              expression=Op("/", Ref("target"), Ref("runners")), return_data=True),
    )


def keep_alive_policy(settings: ScaleSettings, group_name: str, load_balancer: str,
                      target_group: str) -> AlarmStepPolicy:
    """Set the capacity to fal's target once more runners than that have been up for ``keep_alive`` seconds.

    Runners are counted by the target group's healthy hosts, not the ASG's in-service instances: a
    booting runner serves nothing and reports no requests, so counting it would make it look idle.
    Nothing is removed while any runner reports its in-flight gauge missing (issue 14.4): its
    requests are not in the count, so the group could look idle while busy.
    """
    period = PUBLISH_INTERVAL_SECONDS if settings.keep_alive_seconds <= HIGH_RESOLUTION_ALARM_LIMIT_SECONDS \
        else GROUP_METRICS_PERIOD_SECONDS
    window = min(max(settings.keep_alive_seconds, period), MAX_ALARM_WINDOW_SECONDS)
    bucket = capacity_bucket(settings)
    return AlarmStepPolicy(
        name="keep-alive",
        description=(f"fal keep_alive: the group has had more healthy runners than fal's target for "
                     f"{settings.keep_alive_seconds} s; set the capacity to the target"),
        period_seconds=period,
        evaluation_periods=math.ceil(window / period),
        comparison="GreaterThanOrEqualToThreshold",
        threshold=0,
        queries=(
            *_target_queries(settings, group_name, period),
            Query("healthy", "Healthy runners in the group's target group",
                  stat=MetricStat(LOAD_BALANCER_NAMESPACE, "HealthyHostCount",
                                  (("LoadBalancer", load_balancer), ("TargetGroup", target_group)), "Minimum", period)),
            Query("runners", "Healthy runners (one-minute metric, repeated between points)",
                  expression=fill(Ref("healthy"), "REPEAT")),
            Query("keep", "Runners to keep: the target, at least min_concurrency, rounded up to a step",
                  expression=_kept_runners(settings, bucket)),
            Query("surplus", "1 when more runners than the target are up",
                  expression=Op(">", Ref("runners"), Ref("keep"))),
            Query("missing", "Runners whose app serves without the in-flight gauge (1 if any)",
                  stat=gauge_missing_stat(group_name, period)),
            Query("scalein", "Runners to keep when there is a surplus and every runner reports its gauge, else -1",
                  expression=if_(fill(Ref("missing"), 0), Num(-1), if_(Ref("surplus"), Ref("keep"), Num(-1))),
                  return_data=True),
        ),
        steps=_exact_capacity_steps(settings, bucket),
    )


def gauge_missing_stat(group_name: str, period: int) -> MetricStat:
    """The largest ``InFlightGaugeMissing`` of the group's runners per period: 1 while any lacks the gauge."""
    return MetricStat(AWS_NAMESPACE, AWS_MISSING_METRIC_NAME, ((AWS_GROUP_DIMENSION, group_name),), "Maximum", period)




def wake_policy(settings: ScaleSettings, group_name: str, load_balancer: str) -> AlarmStepPolicy:
    """Leave zero capacity when the load balancer turns requests away (or a buffer must be restored)."""
    rejected: Expr = fill(Ref("rejected"), 0)
    signal = Op("+", rejected, Num(settings.concurrency_buffer)) if settings.concurrency_buffer else rejected
    capacity = min(settings.max_runners, max(1, settings.concurrency_buffer))
    return AlarmStepPolicy(
        name="wake",
        description="No runner and requests turned away (HTTP 503 from the load balancer): start runners",
        period_seconds=LOAD_BALANCER_METRICS_PERIOD_SECONDS,
        evaluation_periods=1,
        comparison="GreaterThanThreshold",
        threshold=0,
        queries=(
            Query("desired", "Desired capacity of the group",
                  stat=MetricStat(AUTOSCALING_NAMESPACE, "GroupDesiredCapacity", ((AWS_GROUP_DIMENSION, group_name),),
                                  "Maximum", GROUP_METRICS_PERIOD_SECONDS)),
            Query("rejected", "Requests the load balancer answered with 503 (no healthy target)",
                  stat=MetricStat(LOAD_BALANCER_NAMESPACE, "HTTPCode_ELB_503_Count", (("LoadBalancer", load_balancer),),
                                  "Sum", LOAD_BALANCER_METRICS_PERIOD_SECONDS)),
            Query("wake", "Turned-away requests (plus the buffer to restore) while the group is at zero",
                  expression=if_(Op("==", Ref("desired"), Num(0)), signal, Num(0)), return_data=True),
        ),
        steps=(Step(0, None, capacity),),
    )


def capacity_bucket(settings: ScaleSettings) -> int:
    """Step width so that min..max (max itself included) fits in 20 step adjustments (1 = exact)."""
    return max(1, math.ceil((settings.max_runners - settings.min_runners) / (MAX_STEP_ADJUSTMENTS - 1)))


def _target_queries(settings: ScaleSettings, group_name: str, period: int) -> tuple[Query, ...]:
    samples_per_period = period // PUBLISH_INTERVAL_SECONDS
    in_flight = MetricStat(AWS_NAMESPACE, AWS_METRIC_NAME, ((AWS_GROUP_DIMENSION, group_name),), "Sum", period)
    queries = [Query("inflight", "In-flight requests summed over the group's runners", stat=in_flight)]
    requests: Expr = Ref("inflight")
    if samples_per_period > 1:
        queries.append(Query("requests",
                             f"Mean in-flight requests ({samples_per_period} samples per runner per period)",
                             expression=Op("/", requests, Num(samples_per_period))))
        requests = Ref("requests")
    per_runner = requests if settings.max_multiplexing == 1 else Op("/", requests, Num(settings.max_multiplexing))
    demand = ceil(per_runner)
    if not settings.concurrency_buffer and not settings.concurrency_buffer_perc:
        queries.append(Query("target", f"fal target runners: demand at max_multiplexing = {settings.max_multiplexing} "
                                       "(no buffer)", expression=demand))
        return tuple(queries)
    queries.append(Query("demand", f"Runners the requests need at max_multiplexing = {settings.max_multiplexing}",
                         expression=demand))
    queries.append(Query("target", "fal target runners: demand plus buffer",
                         expression=Op("+", Ref("demand"), _buffer(settings, queries))))
    return tuple(queries)


def _buffer(settings: ScaleSettings, queries: list[Query]) -> Expr:
    fixed, percent = settings.concurrency_buffer, settings.concurrency_buffer_perc
    if not percent:
        return Num(fixed)
    queries.append(Query("percent", f"Percentage buffer: ceil({percent}% of demand)",
                         expression=ceil(Op("/", Op("*", Ref("demand"), Num(percent)), Num(100)))))
    if not fixed:
        return Ref("percent")
    queries.append(Query("buffer", f"Buffer: the percentage one, at least concurrency_buffer = {fixed}",
                         expression=if_(Op(">", Ref("percent"), Num(fixed)), Ref("percent"), Num(fixed))))
    return Ref("buffer")


def _in_service(group_name: str, period: int) -> Query:
    """In-service runners: the capacity units of in-service instances (each type's weight is its runners per host)."""
    return Query("inservice", "In-service runners of the group (capacity units)",
                 stat=MetricStat(AUTOSCALING_NAMESPACE, "GroupInServiceCapacity", ((AWS_GROUP_DIMENSION, group_name),),
                                 "Average", period))


def _kept_runners(settings: ScaleSettings, bucket: int) -> Expr:
    floor = settings.min_runners
    kept: Expr = Ref("target") if floor == 0 else if_(Op(">", Ref("target"), Num(floor)), Ref("target"), Num(floor))
    if bucket == 1:
        return kept
    above_floor: Expr = kept if floor == 0 else Op("-", kept, Num(floor))
    rounded = Op("*", Num(bucket), ceil(Op("/", above_floor, Num(bucket))))
    return rounded if floor == 0 else Op("+", Num(floor), rounded)


def _exact_capacity_steps(settings: ScaleSettings, bucket: int) -> tuple[Step, ...]:
    capacities = sorted({min(settings.max_runners, settings.min_runners + bucket * index)
                         for index in range(MAX_STEP_ADJUSTMENTS)})
    # The alarm value is the capacity to set (>= 0, the threshold), so the first step starts at 0.
    return tuple(Step(0 if index == 0 else capacity, capacities[index + 1] if index + 1 < len(capacities) else None,
                      capacity)
                 for index, capacity in enumerate(capacities))
