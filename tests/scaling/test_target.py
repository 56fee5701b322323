"""fal's target runner count: a table of worked cases and properties over every setting."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetform.scaling import ScaleSettings, buffer_runners, demand_runners, target_runners, unclamped_target
from fleetform.scaling.timing import idle_limit_seconds, scale_up_due
from tests.scaling.settings import ISSUE_EXAMPLE, settings


@pytest.mark.parametrize(("case", "in_flight", "expected"), [
    (ISSUE_EXAMPLE, 0, 2),            # no demand: the buffer (2) is above min (1)
    (ISSUE_EXAMPLE, 1, 3),            # one runner of demand plus two warm
    (ISSUE_EXAMPLE, 4, 3),
    (ISSUE_EXAMPLE, 5, 4),
    (ISSUE_EXAMPLE, 32, 10),          # 8 + 2
    (ISSUE_EXAMPLE, 40, 10),          # 10 + 2, clamped to max_concurrency
    (settings(max_multiplexing=4, concurrency_buffer=2, concurrency_buffer_perc=25), 40, 10),  # buffer max(2, 3)
    (settings(max_runners=20, max_multiplexing=4, concurrency_buffer=2, concurrency_buffer_perc=25), 40, 13),
    (settings(max_runners=20, max_multiplexing=4, concurrency_buffer=2, concurrency_buffer_perc=25), 12, 5),
    (settings(max_runners=20, concurrency_buffer_perc=50), 0, 0),    # no percentage buffer at zero traffic
    (settings(max_runners=20, concurrency_buffer_perc=50), 3, 5),    # 3 + ceil(1.5)
    (settings(), 0, 0),
    (settings(), 0.5, 1),             # a fractional mean still needs a whole runner
    (settings(max_multiplexing=3), 6.000001, 3),
    (settings(min_runners=3), 1, 3),
])
def test_target_table(case: ScaleSettings, in_flight: float, expected: int) -> None:
    assert target_runners(in_flight, case) == expected


runner_settings = st.builds(
    lambda minimum, extra, mux, buffer, perc: settings(min_runners=minimum, max_runners=max(1, minimum + extra),
                                                       max_multiplexing=mux, concurrency_buffer=buffer,
                                                       concurrency_buffer_perc=perc),
    st.integers(0, 8), st.integers(0, 40), st.integers(1, 16), st.integers(0, 8), st.integers(0, 100))


@given(runner_settings, st.integers(0, 2000))
def test_target_is_the_formula_clamped(case: ScaleSettings, in_flight: int) -> None:
    demand = math.ceil(in_flight / case.max_multiplexing)
    buffer = max(case.concurrency_buffer, math.ceil(case.concurrency_buffer_perc * demand / 100))
    assert demand_runners(in_flight, case.max_multiplexing) == demand
    assert buffer_runners(demand, case) == buffer
    assert unclamped_target(in_flight, case) == demand + buffer
    assert target_runners(in_flight, case) == min(case.max_runners, max(case.min_runners, demand + buffer))


@given(runner_settings, st.floats(0, 500, allow_nan=False), st.floats(0, 500, allow_nan=False))
def test_more_requests_never_mean_fewer_runners(case: ScaleSettings, low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert target_runners(low, case) <= target_runners(high, case)


@given(runner_settings, st.integers(0, 2000))
def test_enough_runners_for_the_requests_unless_at_max(case: ScaleSettings, in_flight: int) -> None:
    target = target_runners(in_flight, case)
    assert case.min_runners <= target <= case.max_runners or target == case.max_runners < case.min_runners
    assert target * case.max_multiplexing >= in_flight or target == case.max_runners


@given(runner_settings)
def test_zero_traffic_keeps_the_floor(case: ScaleSettings) -> None:
    assert target_runners(0, case) == case.floor_runners
    assert case.can_reach_zero == (case.floor_runners == 0)


@pytest.mark.parametrize(("unmet_since", "now", "delay", "due"), [
    (None, 100, 0, False), (100, 100, 0, True), (100, 129, 30, False), (100, 130, 30, True),
])
def test_scale_up_waits_scaling_delay(unmet_since: float | None, now: float, delay: int, due: bool) -> None:
    assert scale_up_due(unmet_since, now, settings(scaling_delay_seconds=delay)) is due


@pytest.mark.parametrize(("case", "ever_served", "limit"), [
    (settings(keep_alive_seconds=300), True, 300),
    (settings(keep_alive_seconds=300), False, 10),                          # fal's 10-s rule for unused runners
    (settings(keep_alive_seconds=5), False, 5),
    (settings(keep_alive_seconds=300, min_runners=1), False, 300),           # not for apps with a minimum...
    (settings(keep_alive_seconds=300, concurrency_buffer=1), False, 300),    # ...or a buffer
])
def test_idle_limit(case: ScaleSettings, ever_served: bool, limit: int) -> None:
    assert idle_limit_seconds(case, ever_served=ever_served) == limit
