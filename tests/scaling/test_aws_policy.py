"""The AWS policy: the metric math computes fal's target exactly; alarms, steps and periods."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetform.scaling import ScaleSettings, boot_model, target_runners, unclamped_target
from fleetform.scaling.aws_policy import (
    MAX_STEP_ADJUSTMENTS,
    aws_scaling_policy,
    capacity_bucket,
    tracking_period,
)
from fleetform.scaling.metric_math import evaluate, render
from tests.scaling.settings import ISSUE_EXAMPLE, settings
from tests.scaling.test_target import runner_settings


def _policy(case: ScaleSettings):
    return aws_scaling_policy(case, boot_model(case), group_name="acme-app", load_balancer="app/acme-public/1",
                              target_group="targetgroup/acme-app/1")


def kept_capacity(target: int, case: ScaleSettings) -> int:
    """What the keep-alive policy should set for ``target``: at least min, rounded up to the step width, at most max."""
    bucket = capacity_bucket(case)
    kept = max(target, case.min_runners)
    return min(case.max_runners, case.min_runners + bucket * math.ceil((kept - case.min_runners) / bucket))


def _returned(queries, **metrics) -> float | None:
    results = evaluate(queries, {key: [value] for key, value in metrics.items()})
    values = next(results[query.id] for query in queries if query.return_data)
    return values[-1]


def test_issue_example_metric_math_encodes_demand_and_buffer() -> None:
    policy = _policy(ISSUE_EXAMPLE)
    assert [(query.id, render(query.expression) if query.expression else query.stat.metric_name)
            for query in policy.tracking_queries] == [
        ("inflight", "InFlightRequests"),
        ("demand", "CEIL(inflight / 4)"),
        ("target", "demand + 2"),
        ("inservice", "GroupInServiceCapacity"),
        ("runners", "FILL(inservice, REPEAT)"),
        ("perrunner", "target / runners"),
    ]
    assert (policy.min_size, policy.max_size, policy.tracking_period_seconds) == (1, 10, 10)
    assert policy.wake is None


def test_percentage_buffer_is_the_larger_of_both() -> None:
    policy = _policy(settings(max_multiplexing=4, concurrency_buffer=2, concurrency_buffer_perc=25))
    assert {query.id: render(query.expression) for query in policy.tracking_queries if query.expression} == {
        "demand": "CEIL(inflight / 4)",
        "percent": "CEIL(demand * 25 / 100)",
        "buffer": "IF(percent > 2, percent, 2)",
        "target": "demand + buffer",
        "runners": "FILL(inservice, REPEAT)",
        "perrunner": "target / runners",
    }


@given(runner_settings, st.integers(0, 400), st.integers(1, 40), st.sampled_from([0, 20, 60, 200]))
def test_tracked_metric_times_runners_is_fals_target(case: ScaleSettings, in_flight: int, runners: int,
                                                    delay: int) -> None:
    case = settings(**{**case.__dict__, "scaling_delay_seconds": delay})
    policy = _policy(case)
    samples = policy.tracking_period_seconds // 10
    per_runner = _returned(policy.tracking_queries, inflight=in_flight * samples, inservice=runners)
    assert per_runner * runners == pytest.approx(unclamped_target(in_flight, case))


def test_no_in_service_runner_drops_the_data_point() -> None:
    # Why target tracking cannot leave zero: target / 0 is dropped, so the alarm has no data.
    assert _returned(_policy(ISSUE_EXAMPLE).tracking_queries, inflight=8, inservice=0) is None


@pytest.mark.parametrize(("delay", "period"), [(0, 10), (30, 10), (31, 30), (90, 30), (91, 60), (600, 60)])
def test_scaling_delay_picks_the_tracking_period(delay: int, period: int) -> None:
    assert tracking_period(settings(scaling_delay_seconds=delay)) == period


@given(runner_settings, st.integers(0, 400), st.integers(0, 48))
def test_keep_alive_alarm_asks_for_the_kept_capacity(case: ScaleSettings, in_flight: int, runners: int) -> None:
    """``runners`` are the target group's healthy hosts: only runners that are up can be surplus."""
    policy = _policy(case).keep_alive
    if policy is None:
        assert case.min_runners == case.max_runners
        return
    runners = min(runners, case.max_runners)  # an ASG never has more in service than max_size
    kept = kept_capacity(target_runners(in_flight, case), case)
    value = _returned(policy.queries, inflight=in_flight, healthy=runners, missing=None)
    assert value == (kept if runners > kept else -1)
    assert _returned(policy.queries, inflight=in_flight, healthy=runners, missing=0.0) == value
    assert _returned(policy.queries, inflight=in_flight, healthy=runners, missing=1.0) == -1, (
        "a runner without the gauge holds scale-in (issue 14.4)")
    assert kept >= target_runners(in_flight, case)
    assert [step.capacity for step in policy.steps if step.lower is not None and step.lower <= kept
            and (step.upper is None or kept < step.upper)] == [kept]


@given(runner_settings)
def test_steps_fit_the_quota_cover_min_to_max_without_gaps(case: ScaleSettings) -> None:
    policy = _policy(case).keep_alive
    if policy is None:
        return
    steps = policy.steps
    assert len(steps) <= MAX_STEP_ADJUSTMENTS
    assert steps[0].lower == 0 and steps[-1].upper is None
    assert all(earlier.upper == later.lower for earlier, later in itertools.pairwise(steps))
    assert steps[0].capacity == case.min_runners and steps[-1].capacity == case.max_runners
    if case.max_runners - case.min_runners < MAX_STEP_ADJUSTMENTS:  # every capacity has its own step: exact
        assert capacity_bucket(case) == 1
        assert [step.capacity for step in steps] == list(range(case.min_runners, case.max_runners + 1))


@pytest.mark.parametrize(("keep_alive", "period", "periods"), [
    (0, 10, 1), (30, 10, 3), (60, 10, 6), (305, 10, 31), (3600, 10, 360), (7200, 60, 120), (200_000, 60, 1440),
])
def test_keep_alive_window(keep_alive: int, period: int, periods: int) -> None:
    policy = _policy(settings(keep_alive_seconds=keep_alive)).keep_alive
    assert (policy.period_seconds, policy.evaluation_periods) == (period, periods)


@pytest.mark.parametrize(("desired", "rejected", "buffer", "woken"), [
    (0, 12, 0, True),      # at zero, the load balancer turned requests away
    (0, None, 0, False),   # at zero, no traffic (ELB reports no zero values)
    (1, 12, 0, False),     # runners exist (or are booting): target tracking's job
    (0, None, 2, True),    # at zero with a buffer to restore (a new group starts at min_size = 0)
])
def test_wake_alarm(desired: int, rejected: int | None, buffer: int, woken: bool) -> None:
    case = settings(concurrency_buffer=buffer)
    wake = _policy(case).wake
    value = _returned(wake.queries, desired=desired, rejected=rejected)
    assert (value > wake.threshold) is woken
    assert [step.capacity for step in wake.steps] == [max(1, buffer)]


def test_min_above_zero_has_no_wake_and_fixed_size_no_keep_alive() -> None:
    fixed = _policy(settings(min_runners=3, max_runners=3))
    assert fixed.wake is None and fixed.keep_alive is None
