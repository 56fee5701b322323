"""Issue 14.3: a leaving runner finishes its requests up to request_timeout, within what each cloud allows."""

from __future__ import annotations

import pytest

from fleetform.plan.draining import plan_draining


@pytest.mark.parametrize(("request_timeout", "grace", "draining", "wait", "heartbeat"), [
    (300, 25, 300, 300, 390),  # wait 300 + grace 25 + poll 5 + margin 60
    (3600, 30, 3600, 3600, 3695),
    (7200, 30, 3600, 7105, 7200),  # the hook's 7200-s heartbeat caps the wait at 7200 - 30 - 65
    (1, 0, 1, 1, 66),
])
def test_aws_waits_for_requests_inside_the_hook_and_deregisters_for_request_timeout(
        request_timeout: int, grace: int, draining: int, wait: int, heartbeat: int) -> None:
    plan = plan_draining("aws", request_timeout=request_timeout, grace=grace, provisioning="on-demand")
    assert (plan.load_balancer_draining_seconds, plan.request_wait_seconds, plan.hook_heartbeat_seconds) == (
        draining, wait, heartbeat)
    assert plan.stop_timeout_seconds == grace, "termination_grace_period_seconds still bounds SIGTERM to SIGKILL"
    assert plan.request_wait_seconds + grace + 65 <= plan.hook_heartbeat_seconds <= 7200
    assert plan.protect_busy_runners and plan.shutdown_window_seconds is None


@pytest.mark.parametrize(("provisioning", "request_timeout", "grace", "wait"), [
    ("on-demand", 300, 25, 60),   # 90 - 25 - 5
    ("on-demand", 30, 25, 30),
    ("spot", 300, 20, 5),         # 30 - 20 - 5
    ("spot", 300, 60, 0),         # the grace alone exceeds Spot's window
])
def test_gcp_drains_on_the_backend_service_and_waits_within_the_shutdown_window(
        provisioning: str, request_timeout: int, grace: int, wait: int) -> None:
    plan = plan_draining("gcp", request_timeout=request_timeout, grace=grace, provisioning=provisioning)  # type: ignore[arg-type]
    assert plan.load_balancer_draining_seconds == min(request_timeout, 3600)
    assert plan.request_wait_seconds == wait
    assert plan.hook_heartbeat_seconds is None and not plan.protect_busy_runners
    assert plan.shutdown_window_seconds == {"on-demand": 90, "spot": 30}[provisioning]
    assert str(plan.shutdown_window_seconds) in plan.bound
