"""The GCP policy: the per-group metric recommends fal's demand; the buffer and keep-alive approximations are
bounded."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetform.scaling import ScaleSettings, boot_model, target_runners
from fleetform.scaling.gcp_policy import STABILIZATION_SECONDS, gcp_scaling_policy, requests_per_runner
from tests.scaling.settings import ISSUE_EXAMPLE, settings
from tests.scaling.test_target import runner_settings


def _policy(case: ScaleSettings, backend: str | None = "acme-app"):
    return gcp_scaling_policy(case, boot_model(case), group_name="acme-app", region="us-east4",
                              backend_service=backend)


def _recommended(case: ScaleSettings, in_flight: int) -> int:
    """What the autoscaler settles on for a steady ``in_flight``: the largest policy, clamped."""
    policy = _policy(case)
    by_metric = math.ceil(in_flight / policy.metrics[0].single_instance_assignment) if in_flight else 0
    wake = 1 if in_flight and any(metric.utilization_type for metric in policy.metrics) else 0
    raw = max(by_metric, wake, policy.buffer_floor or 0)
    return min(policy.max_replicas, max(policy.min_replicas, raw))


def test_runners_without_the_gauge_are_each_kept() -> None:
    """Issue 14.4: a runner whose app serves without the gauge writes no count, which a per-group sum reads as
    idle; it writes gauge_missing = 1 instead, and a policy assigning one runner to each keeps it."""
    missing = _policy(settings(min_runners=0), backend="acme-app").metrics[-1]
    assert (missing.metric, missing.single_instance_assignment, missing.utilization_type) == (
        "custom.googleapis.com/fleetform/in_flight_gauge_missing", 1.0, None)
    assert missing.filter == _policy(ISSUE_EXAMPLE).metrics[0].filter, "the same series identity as the count"


def test_issue_example() -> None:
    policy = _policy(ISSUE_EXAMPLE)
    assert (policy.min_replicas, policy.max_replicas) == (1, 10)
    assert [(m.metric, m.filter, m.single_instance_assignment, m.utilization_type) for m in policy.metrics] == [
        ("custom.googleapis.com/fleetform/in_flight_requests",
         'resource.type = "generic_node" AND resource.label.location = "us-east4" AND '
         'resource.label.namespace = "acme-app"', 4.0, None),
        ("custom.googleapis.com/fleetform/in_flight_gauge_missing",
         'resource.type = "generic_node" AND resource.label.location = "us-east4" AND '
         'resource.label.namespace = "acme-app"', 1.0, None)]
    assert policy.buffer_floor == 2
    assert policy.scale_in_window_seconds is None and policy.scale_in_after_seconds == STABILIZATION_SECONDS


@pytest.mark.parametrize(("mux", "perc", "share"), [(4, 0, 4.0), (4, 25, 3.2), (1, 100, 0.5), (3, 33, 2.255639)])
def test_percentage_buffer_lowers_requests_per_runner(mux: int, perc: int, share: float) -> None:
    assert requests_per_runner(settings(max_multiplexing=mux, concurrency_buffer_perc=perc)) == share


@given(runner_settings, st.integers(0, 400))
def test_recommendation_is_within_the_documented_bound(case: ScaleSettings, in_flight: int) -> None:
    fal = target_runners(in_flight, case)
    gcp = _recommended(case, in_flight)
    assert gcp <= fal
    assert fal - gcp <= case.concurrency_buffer + (2 if case.concurrency_buffer_perc else 0)
    if not case.concurrency_buffer and not case.concurrency_buffer_perc:
        assert gcp == fal  # demand alone: exact


@pytest.mark.parametrize(("scope", "metric", "resource", "region_term"), [
    ("regional", "loadbalancing.googleapis.com/https/external/regional/request_count",
     "http_external_regional_lb_rule", ' AND resource.label.region = "europe-west4"'),
    ("internal", "loadbalancing.googleapis.com/https/internal/request_count", "internal_http_lb_rule",
     ' AND resource.label.region = "europe-west4"'),
    ("global", "loadbalancing.googleapis.com/https/request_count", "https_lb_rule", ""),
])
def test_wake_metric_per_load_balancer_kind(scope: str, metric: str, resource: str, region_term: str) -> None:
    """Issue 14.2: every region's backend service has the group's name, so a regional filter names the region."""
    case = settings()
    wake = gcp_scaling_policy(case, boot_model(case), group_name="g", region="europe-west4", backend_service="bs",
                              load_balancer_scope=scope).metrics[1]
    assert (wake.metric, wake.filter) == (
        metric, f'resource.type = "{resource}" AND resource.label.backend_target_name = "bs"{region_term}')


def test_scale_to_zero_reads_the_load_balancer() -> None:
    policy = _policy(settings(min_runners=0), backend="acme-app")
    wake = policy.metrics[1]
    assert (wake.metric, wake.filter, wake.utilization_type) == (
        "loadbalancing.googleapis.com/https/external/regional/request_count",
        'resource.type = "http_external_regional_lb_rule" AND resource.label.backend_target_name = "acme-app" '
        'AND resource.label.region = "us-east4"',
        "DELTA_PER_SECOND")
    kept = _policy(settings(min_runners=0, concurrency_buffer=1)).metrics  # the schedule keeps one runner
    assert [metric.utilization_type for metric in kept] == [None, None], "no wake policy"


@pytest.mark.parametrize(("keep_alive", "window", "after"), [(60, None, 600), (600, None, 600), (900, 900, 900)])
def test_keep_alive_beyond_stabilization_becomes_a_scale_in_window(keep_alive: int, window: int | None,
                                                                    after: int) -> None:
    policy = _policy(settings(keep_alive_seconds=keep_alive))
    assert (policy.scale_in_window_seconds, policy.scale_in_after_seconds) == (window, after)
