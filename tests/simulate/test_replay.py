"""Replays worked out by hand: fal's reference, the AWS policy and the GCP autoscaler on small traces.

Boot: 20 s provisioning (in service), 100 s to up. fal's defaults otherwise (1 request per runner,
no buffer, min 0) unless a case says so.
"""

from __future__ import annotations

from fleetform.scaling import BootModel, ScaleSettings
from fleetform.scaling.aws_policy import aws_scaling_policy
from fleetform.scaling.gcp_policy import gcp_scaling_policy
from fleetform.simulate import PolicyRun, replay
from fleetform.simulate.aws import AwsPolicy
from fleetform.simulate.gcp import GcpPolicy
from fleetform.simulate.reference import FalReference
from fleetform.simulate.trace import Trace
from tests.scaling.settings import settings

BOOT = BootModel(20, 30, 50)


def _trace(*rows: tuple[float, float]) -> Trace:
    return Trace("case", tuple(time for time, _ in rows), tuple(value for _, value in rows))


def _fal(case: ScaleSettings, trace: Trace) -> PolicyRun:
    return replay(trace, FalReference(case), case, BOOT)


def test_fal_starts_runners_at_once_and_drains_them_after_keep_alive() -> None:
    # 2 requests at t=10: two runners launched at 10, up at 110 (100 s x 2 requests waiting). Idle from
    # 400 (last busy 399), drained at 399 + 60 = 459: 2 runners x 449 s.
    run = _fal(settings(), _trace((0, 0), (10, 2), (400, 0), (1000, 0)))
    assert run == PolicyRun("fal", 898, 200, 100, 1, 2, 0)


def test_fal_drops_a_new_runner_that_never_served_after_10_seconds() -> None:
    # The request is gone (t=20) before the runner is up (t=110); it goes at 110 + 10, not after keep_alive.
    run = _fal(settings(), _trace((0, 0), (10, 1), (20, 0), (500, 0)))
    assert run == PolicyRun("fal", 110, 10, 10, 1, 1, 0)


def test_fal_waits_scaling_delay_before_starting_runners() -> None:
    # Unmet from 10, launched at 40, up at 140: 130 s waiting.
    run = _fal(settings(scaling_delay_seconds=30), _trace((0, 0), (10, 1), (1000, 1)))
    assert run == PolicyRun("fal", 959, 130, 130, 1, 1, 1)


def test_fal_keeps_the_buffer_warm_at_zero_traffic() -> None:
    run = _fal(settings(concurrency_buffer=2), _trace((0, 0), (600, 0)))
    assert (run.peak_runners, run.final_runners, run.runner_seconds) == (2, 2, 1200)


def test_aws_wakes_from_zero_then_target_tracking_scales_out_then_keep_alive_scales_in() -> None:
    # 3 requests from t=5. The wake alarm's one-minute point at 60 sees 503s and a desired capacity of 0:
    # 1 runner at 60 (up at 160). Its requests reach the metric at 160; three 10-s points above 1 (160,
    # 170, 180) and target tracking sets 3 at 180 (up at 280). Demand ends at 2400; the healthy count
    # (3) is above the target (0) at 2400, 2410, 2420: the keep-alive window of 30 s sets 0 at 2420.
    case = settings(keep_alive_seconds=30)
    policy = aws_scaling_policy(case, BOOT, group_name="g", load_balancer="lb", target_group="tg")
    run = replay(_trace((0, 0), (5, 3), (2400, 0), (3000, 0)), AwsPolicy(case, policy), case, BOOT)
    assert run == PolicyRun("aws", 2360 + 2 * 2240, 155 * 3 + 120 * 2, 275, 2, 3, 0)


def test_aws_never_removes_a_booting_runner() -> None:
    # A runner booting for 1000 s after a wake: the group reports no requests the whole time, but no
    # runner is healthy, so there is no surplus to remove.
    boot = BootModel(20, 30, 950)
    case = settings(keep_alive_seconds=30)
    policy = aws_scaling_policy(case, boot, group_name="g", load_balancer="lb", target_group="tg")
    run = replay(_trace((0, 0), (5, 1), (1500, 1)), AwsPolicy(case, policy), case, boot)
    assert (run.scale_ups, run.final_runners, run.unmet_seconds) == (1, 1, 1060 - 5)


def test_gcp_wakes_on_the_load_balancer_sample_then_follows_the_metric_and_stabilizes() -> None:
    # The load balancer's sample at 60 sees traffic and is visible at 150: 1 runner (up at 250), whose
    # reports recommend 3 at 250 (up at 350). After demand ends at 2400, the peak of the last 600 s
    # holds 3 until 2990; the sample covering the last requests (visible 2490-2540) holds 1 until 3140.
    case = settings(keep_alive_seconds=30)
    policy = gcp_scaling_policy(case, BOOT, group_name="g", region="r", backend_service="bs")
    run = replay(_trace((0, 0), (5, 3), (2400, 0), (4000, 0)), GcpPolicy(case, policy), case, BOOT)
    assert run == PolicyRun("gcp", 2990 + 2 * 2740, 245 * 3 + 100 * 2, 345, 2, 3, 0)


def test_gcp_buffer_schedule_keeps_runners_at_zero_traffic() -> None:
    case = settings(concurrency_buffer=2)
    policy = gcp_scaling_policy(case, BOOT, group_name="g", region="r", backend_service=None)
    run = replay(_trace((0, 0), (600, 0)), GcpPolicy(case, policy), case, BOOT)
    assert (run.peak_runners, run.final_runners) == (2, 2)
