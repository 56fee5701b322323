"""The GCP autoscaler policy of one group, as numbers (no cdktf here).

A regional autoscaler recommends, per policy, the runners a signal needs and applies the largest
recommendation (up to five Cloud Monitoring policies, plus schedules), clamped to min/max:

* **In-flight requests** as a per-group metric (resource ``generic_node``, labels namespace = the
  MIG name and location = its region, :mod:`fleetform.plan.metrics`; the autoscaler sums the
  runners' series) with ``single_instance_assignment = max_multiplexing``: the recommendation is
  fal's demand. A percentage buffer is folded in by assigning fewer requests per runner
  (``max_multiplexing × 100 / (100 + perc)``): bounded, at most two runners below fal.
* **Runners without the gauge** (issue 14.4): a runner whose app serves without fal's gauge writes no
  in-flight count (the autoscaler would read it as idle: a per-group metric sums only the series
  that exist) and a ``gauge_missing`` series of 1 instead; a per-group policy on it with
  ``single_instance_assignment = 1`` recommends one runner per such runner, so they are never
  scaled in as idle. An app either serves the gauge or not, so normally all of a group's runners
  or none report it: then the group is held at its size, as AWS holds its keep-alive.
* **Buffer floor**: the runners fal keeps at zero traffic (``concurrency_buffer`` above
  ``min_concurrency``) as an always-active scaling schedule, so ``min_replicas`` stays fal's
  ``min_concurrency``. Under load the autoscaler takes the larger of demand and this floor, not
  their sum: up to ``concurrency_buffer`` runners below fal.
* **Wake** (only when no traffic means no runner): the load balancer's request count for the
  group's backend service in its region, a per-group metric that exists while the group has no runner; any
  traffic recommends one runner.

Scale-in keeps the largest recommendation of the last 10 minutes (the autoscaler's fixed
stabilization period); a ``keep_alive`` longer than that becomes a scale-in control that removes
nothing until the peak recommendation is ``keep_alive`` seconds old.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.plan.metrics import GCP_METRIC_TYPE, GCP_MISSING_METRIC_TYPE, gcp_group_filter, gcp_wake_filter
from fleetform.scaling.boot import BootModel
from fleetform.scaling.settings import ScaleSettings

STABILIZATION_SECONDS = 600
"""The autoscaler sizes for the peak load of the last 10 minutes before it scales in (not configurable in GA)."""
LOAD_BALANCER_SAMPLE_SECONDS = 60
LOAD_BALANCER_VISIBILITY_SECONDS = 90
"""Application Load Balancer ``request_count``: sampled every 60 s, not visible for up to 90 s after sampling."""
WAKE_REQUESTS_PER_SECOND_PER_RUNNER = 1_000_000.0
"""So large that any traffic rounds up to exactly one runner: the wake policy only leaves zero."""
LOAD_BALANCER_REQUEST_METRICS = {
    "global": ("loadbalancing.googleapis.com/https/request_count", "https_lb_rule"),
    "regional": ("loadbalancing.googleapis.com/https/external/regional/request_count",
                 "http_external_regional_lb_rule"),
    "internal": ("loadbalancing.googleapis.com/https/internal/request_count", "internal_http_lb_rule"),
}
"""Request count metric and monitored resource of global external, regional external and internal ALBs."""
RUNNERS_PER_GAUGE_MISSING = 1.0
"""A runner that reports its gauge missing needs itself: its load is unknown, so it is not idle."""
BUFFER_SCHEDULE = "concurrency-buffer"
ALWAYS_SCHEDULE = "0 0 * * *"
ALWAYS_DURATION_SECONDS = 86_400
"""A daily schedule lasting a day: active at all times."""


@dataclass(frozen=True)
class MetricPolicy:
    """One Cloud Monitoring policy of the autoscaler."""

    metric: str
    filter: str
    single_instance_assignment: float
    utilization_type: str | None
    """None for a gauge; ``DELTA_PER_SECOND`` for a counter read as a rate."""


@dataclass(frozen=True)
class GcpScalingPolicy:
    """Everything the regional autoscaler is configured with."""

    min_replicas: int
    max_replicas: int
    initialization_seconds: int
    metrics: tuple[MetricPolicy, ...]
    buffer_floor: int | None
    """Runners an always-active schedule requires (fal's buffer at zero traffic); None when min covers it."""
    scale_in_window_seconds: int | None
    """Scale-in control window (nothing removed within it); None when the stabilization period is longer."""

    @property
    def scale_in_after_seconds(self) -> int:
        """How long a drop in load waits before runners are removed."""
        return max(STABILIZATION_SECONDS, self.scale_in_window_seconds or 0)


def gcp_scaling_policy(settings: ScaleSettings, boot: BootModel, *, group_name: str, region: str,
                       backend_service: str | None, load_balancer_scope: str = "regional") -> GcpScalingPolicy:
    """The policy for the MIG ``group_name`` in ``region``; ``backend_service`` is needed only when the group can
    reach zero runners."""
    series = gcp_group_filter(group_name, region)
    metrics = [MetricPolicy(GCP_METRIC_TYPE, series, requests_per_runner(settings), None)]
    if settings.can_reach_zero and backend_service is not None:
        metric, resource = LOAD_BALANCER_REQUEST_METRICS[load_balancer_scope]
        wake_region = None if load_balancer_scope == "global" else region
        metrics.append(MetricPolicy(metric, gcp_wake_filter(resource, backend_service, wake_region),
                                    WAKE_REQUESTS_PER_SECOND_PER_RUNNER, "DELTA_PER_SECOND"))
    metrics.append(MetricPolicy(GCP_MISSING_METRIC_TYPE, series, RUNNERS_PER_GAUGE_MISSING, None))
    floor = settings.floor_runners
    return GcpScalingPolicy(
        min_replicas=settings.min_runners,
        max_replicas=settings.max_runners,
        initialization_seconds=boot.seconds,
        metrics=tuple(metrics),
        buffer_floor=floor if floor > settings.min_runners else None,
        scale_in_window_seconds=settings.keep_alive_seconds if settings.keep_alive_seconds > STABILIZATION_SECONDS
        else None,
    )


def requests_per_runner(settings: ScaleSettings) -> float:
    """``single_instance_assignment``: max_multiplexing, reduced so the percentage buffer is included."""
    share = settings.max_multiplexing * 100 / (100 + settings.concurrency_buffer_perc)
    return round(share, 6)
