"""The GCP autoscaler as synthesized, replayed: per-group metrics, schedules, stabilization, scale-in control.

Modelled behaviour, each stated in docs/scaling.md: the runners' in-flight series are summed every
10 s (their served requests; 0 while booting), over every region whose series the policy's filter
matches (each region of the app serving the trace: a filter without the region would sum them
all); each metric policy recommends ``ceil(value / single_instance_assignment)``; the buffer
schedule adds its floor; the autoscaler takes the largest recommendation, clamped to min/max, and
holds the largest of the last ``scale_in_after_seconds`` (10-minute stabilization, longer with the
keep-alive scale-in control). Every simulated runner's app serves the gauge, so the gauge-missing
policy recommends none. The load balancer's request count (wake) is a 60-s sample visible
90 s later (the documented worst case). The initialization period only affects per-instance
metrics, so it plays no part.
"""

from __future__ import annotations

import math
from collections import deque

from fleetform.plan.metrics import (
    GCP_METRIC_TYPE,
    GCP_MISSING_METRIC_TYPE,
    GCP_RESOURCE_TYPE,
    PUBLISH_INTERVAL_SECONDS,
)
from fleetform.scaling.gcp_policy import (
    LOAD_BALANCER_SAMPLE_SECONDS,
    LOAD_BALANCER_VISIBILITY_SECONDS,
    GcpScalingPolicy,
)
from fleetform.scaling.settings import ScaleSettings
from fleetform.simulate.fleet import Fleet


def filter_matches(monitoring_filter: str, resource_type: str, labels: dict[str, str]) -> bool:
    """Whether a series of ``resource_type`` with resource ``labels`` matches an autoscaler filter: equality
    terms joined by AND (the only form the autoscaler's per-group filters accept)."""
    wanted: dict[str, str] = {}
    for term in monitoring_filter.split(" AND "):
        key, _, value = term.partition(" = ")
        wanted[key.strip()] = value.strip().strip('"')
    actual = {"resource.type": resource_type, **{f"resource.label.{name}": value for name, value in labels.items()}}
    return all(actual.get(key) == value for key, value in wanted.items())


def regions_summed(policy: GcpScalingPolicy, series_labels: list[dict[str, str]]) -> int:
    """How many of the app's regional series (one label set per region) the in-flight policy sums."""
    in_flight = next(metric for metric in policy.metrics if metric.metric == GCP_METRIC_TYPE)
    return sum(filter_matches(in_flight.filter, GCP_RESOURCE_TYPE, labels) for labels in series_labels)


class GcpPolicy:
    """The regional autoscaler of one MIG."""

    name = "gcp"

    def __init__(self, settings: ScaleSettings, policy: GcpScalingPolicy, regions: int = 1) -> None:
        self.settings = settings
        self.policy = policy
        self.regions = regions
        """Regions whose in-flight series the policy sums (each serving the trace): 1 when the filter names the
        region."""
        self.recommendations: deque[tuple[float, int]] = deque()
        self.traffic_this_sample = False
        self.traffic_samples: deque[tuple[float, bool]] = deque()
        """(visible from, traffic seen) of each load balancer sample."""
        self.desired: int | None = None

    def tick(self, now: float, in_flight: float, fleet: Fleet) -> None:
        if self.desired is None:
            self.desired = fleet.live
        self.traffic_this_sample = self.traffic_this_sample or in_flight > 0
        if now % LOAD_BALANCER_SAMPLE_SECONDS == 0:
            self.traffic_samples.append((now + LOAD_BALANCER_VISIBILITY_SECONDS, self.traffic_this_sample))
            self.traffic_this_sample = False
        if now % PUBLISH_INTERVAL_SECONDS == 0:
            self.desired = self._recommend(now, in_flight if fleet.up(now) else 0.0)
        fleet.resize(self.desired, now)

    def _recommend(self, now: float, reported_in_flight: float) -> int:
        raw = max(self._metric_recommendations(now, reported_in_flight), default=0)
        raw = max(raw, self.policy.buffer_floor or 0)
        raw = min(self.policy.max_replicas, max(self.policy.min_replicas, raw))
        self.recommendations.append((now, raw))
        while self.recommendations[0][0] <= now - self.policy.scale_in_after_seconds:
            self.recommendations.popleft()
        return max(recommendation for _, recommendation in self.recommendations)

    def _metric_recommendations(self, now: float, reported_in_flight: float) -> list[int]:
        out = []
        for metric in self.policy.metrics:
            if metric.metric == GCP_METRIC_TYPE:
                out.append(math.ceil(reported_in_flight * self.regions / metric.single_instance_assignment))
            elif metric.metric == GCP_MISSING_METRIC_TYPE:
                out.append(0)
            else:
                out.append(1 if self._visible_traffic(now) else 0)
        return out

    def _visible_traffic(self, now: float) -> bool:
        """Whether the newest load balancer sample visible at ``now`` saw requests."""
        while len(self.traffic_samples) > 1 and self.traffic_samples[1][0] <= now:
            self.traffic_samples.popleft()
        visible_from, traffic = self.traffic_samples[0] if self.traffic_samples else (math.inf, False)
        return traffic and visible_from <= now
