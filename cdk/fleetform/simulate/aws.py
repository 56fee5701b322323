"""The AWS policy as synthesized, replayed: CloudWatch data points, the alarms, and the ASG's answers.

The metric math is the constructs' own (:mod:`fleetform.scaling.aws_policy`), evaluated with
:mod:`fleetform.scaling.metric_math`. Modelled behaviour, each stated in docs/scaling.md:

* runners publish one in-flight sample per 10 s (their served requests; 0 while booting), summed
  per period; every runner's app serves the gauge (no gauge-missing points); group metrics (in
  service, desired) and the target group's healthy hosts are one-minute points; the load
  balancer's 503 count is a one-minute count of requests turned away while no runner is up;
* target tracking scales out when its last 3 data points are above 1 and sets the capacity to
  metric × in-service runners (= fal's target); scale-in is disabled in it;
* the keep-alive alarm fires when all data points of its window are ≥ 0 and sets the step's
  capacity (``Maximum`` aggregation: the largest value in the window); no scale-in while a runner
  launched within the warmup;
* the wake alarm fires on one positive one-minute point and sets its capacity;
* a runner that served within its scale-in protection's idle debounce is not removed (the agent
  protects busy runners, ``plan.rollout.draining``): the group stays above the capacity until it is idle.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from fleetform.plan.metrics import PUBLISH_INTERVAL_SECONDS
from fleetform.scaling.aws_policy import (
    ALARM_HIGH_DATAPOINTS,
    GROUP_METRICS_PERIOD_SECONDS,
    TARGET_VALUE,
    AlarmStepPolicy,
    AwsScalingPolicy,
)
from fleetform.scaling.metric_math import Query, evaluate
from fleetform.scaling.settings import ScaleSettings
from fleetform.simulate.fleet import Fleet


class AwsPolicy:
    """Target tracking, keep-alive and wake for one ASG."""

    name = "aws"

    def __init__(self, settings: ScaleSettings, policy: AwsScalingPolicy, protected_for: float = 0.0) -> None:
        self.settings = settings
        self.policy = policy
        self.protected_for = protected_for
        """Seconds a runner stays protected from scale-in after its last request (0: not protected)."""
        self.desired: int | None = None
        self.samples: dict[float, float] = {}
        """Summed in-flight sample of each 10-s boundary."""
        self.minute_points: dict[float, tuple[int, int, int, int]] = {}
        """(in service, healthy, desired, turned-away requests) of each minute boundary."""
        self.rejected_this_minute = 0
        self.high_points: deque[float | None] = deque(maxlen=ALARM_HIGH_DATAPOINTS)
        self.keep_alive_points: deque[float | None] = deque(
            maxlen=policy.keep_alive.evaluation_periods if policy.keep_alive else 1)

    def tick(self, now: float, in_flight: float, fleet: Fleet) -> None:
        if self.desired is None:
            self.desired = fleet.live
        up = fleet.up(now)
        if in_flight > 0 and up == 0:
            self.rejected_this_minute += 1
        if now % PUBLISH_INTERVAL_SECONDS == 0:
            self.samples[now] = in_flight if up else 0.0
        if now % GROUP_METRICS_PERIOD_SECONDS == 0:
            self.minute_points[now] = (fleet.in_service(now), up, self.desired, self.rejected_this_minute)
            self.rejected_this_minute = 0
        self._track(now, fleet)
        self._keep_alive(now, fleet)
        self._wake(now)
        fleet.resize(self.desired, now, self.protected_for)

    def _track(self, now: float, fleet: Fleet) -> None:
        period = self.policy.tracking_period_seconds
        if now % period:
            return
        per_runner = self._latest(self.policy.tracking_queries, period, now)
        self.high_points.append(per_runner)
        if len(self.high_points) == ALARM_HIGH_DATAPOINTS and all(p is not None and p > TARGET_VALUE
                                                                  for p in self.high_points):
            runners = self._filled_in_service(now)
            wanted = round(per_runner * runners / TARGET_VALUE) if per_runner is not None and runners else 0
            self.desired = self._clamp(max(self.desired or 0, wanted))

    def _keep_alive(self, now: float, fleet: Fleet) -> None:
        policy = self.policy.keep_alive
        if policy is None or now % policy.period_seconds:
            return
        self.keep_alive_points.append(self._latest(policy.queries, policy.period_seconds, now))
        points = self.keep_alive_points
        if len(points) < policy.evaluation_periods or not all(p is not None and p >= policy.threshold for p in points):
            return
        last_launch = fleet.last_launch()
        if last_launch is not None and now - last_launch < self.policy.warmup_seconds:
            return
        self.desired = self._clamp(_step_capacity(policy, max(p for p in points if p is not None)))

    def _wake(self, now: float) -> None:
        policy = self.policy.wake
        if policy is None or now % policy.period_seconds or now not in self.minute_points:
            return
        _, _, desired, rejected = self.minute_points[now]
        value = self._latest(policy.queries, policy.period_seconds, now,
                             extra={"desired": desired, "rejected": rejected or None})
        if value is not None and value > policy.threshold:
            self.desired = self._clamp(_step_capacity(policy, value))

    def _latest(self, queries: Sequence[Query], period: int, now: float,
                extra: dict[str, float | None] | None = None) -> float | None:
        """The newest data point of the queries' returned series.

        The math is point by point except ``FILL(..., REPEAT)``, so the series hold the last
        one-minute point and the newest point only.
        """
        stamps = sorted({now - now % GROUP_METRICS_PERIOD_SECONDS, now})
        count = len(stamps)
        series: dict[str, list[float | None]] = {
            "inflight": [self._period_sum(stamp, period) for stamp in stamps],
            "inservice": [float(self.minute_points[s][0]) if s in self.minute_points else None for s in stamps],
            "healthy": [float(self.minute_points[s][1]) if s in self.minute_points else None for s in stamps],
            "missing": [None] * count,
        }
        for key, value in (extra or {}).items():
            series[key] = [*[None] * (count - 1), value]
        metric_ids = {query.id for query in queries if query.stat is not None}
        results = evaluate(queries, {key: series[key] for key in metric_ids})
        returned = next(results[query.id] for query in queries if query.return_data)
        assert isinstance(returned, list)
        return returned[-1]

    def _period_sum(self, stamp: float, period: int) -> float | None:
        points = [self.samples[t] for t in range(int(stamp) - period + PUBLISH_INTERVAL_SECONDS, int(stamp) + 1,
                                                 PUBLISH_INTERVAL_SECONDS) if t in self.samples]
        return sum(points) if points else None

    def _filled_in_service(self, now: float) -> int:
        minute = now - now % GROUP_METRICS_PERIOD_SECONDS
        return self.minute_points[minute][0] if minute in self.minute_points else 0

    def _clamp(self, capacity: int) -> int:
        return min(self.settings.max_runners, max(self.settings.min_runners, capacity))


def _step_capacity(policy: AlarmStepPolicy, value: float) -> int:
    breach = value - policy.threshold
    return next(step.capacity for step in policy.steps
                if (step.lower is None or breach >= step.lower) and (step.upper is None or breach < step.upper))
