"""The issue's acceptance bar on every bundled trace: each cloud within 1.15× of fal's GPU-hours, extra
waiting within scaling_delay + boot per scale-up, and scale-to-zero working both ways.

Where a cloud cannot meet the bar, docs/scaling.md names the field and why; the exceptions below are
exactly those, and each must still miss the bar (so a model change that fixes one is noticed).
"""

from __future__ import annotations

from functools import cache

import pytest

from fleetform.scaling import app_scale_settings, boot_model
from fleetform.simulate import Simulation, load_trace, simulate_groups
from tests.scaling.groups import TRACE_APPS, trace_app_groups

APPS = ("llm-chat", "image-burst", "batch-zero", "llm-pair")
TRACES = ("steady", "diurnal", "bursty", "spike_then_idle")
GPU_HOURS_BAR = 1.15
DOCUMENTED_EXCEPTIONS = {
    ("image-burst", "bursty", "aws"): "keep_alive: fal drops a new runner that never served after 10 s",
    ("image-burst", "bursty", "gcp"): "keep_alive below the autoscaler's fixed 10-minute stabilization",
    ("batch-zero", "bursty", "gcp"): "keep_alive below the autoscaler's fixed 10-minute stabilization",
    ("batch-zero", "spike_then_idle", "gcp"): "keep_alive below the autoscaler's fixed 10-minute stabilization",
    **{("llm-pair", trace, "aws"): "packed hosts: capacity rounds up to whole 4-runner p5.48xlarge hosts"
       for trace in ("steady", "diurnal", "bursty", "spike_then_idle")},
}


@cache
def _simulation(app: str, trace: str) -> Simulation:
    groups = trace_app_groups(app)
    first = {group.cloud: group for group in reversed(groups)}  # the first group of each cloud
    return simulate_groups([first["aws"], first["gcp"]], load_trace(TRACE_APPS / f"{trace}.csv"),
                           boot_model(app_scale_settings(groups[0].scaling)))


@pytest.mark.parametrize("trace", TRACES)
@pytest.mark.parametrize("app", APPS)
def test_gpu_hours_and_waiting_within_the_bar(app: str, trace: str) -> None:
    simulation = _simulation(app, trace)
    for cloud in simulation.clouds:
        ratio = simulation.gpu_hours_ratio(cloud)
        if (app, trace, cloud.group.cloud) in DOCUMENTED_EXCEPTIONS:
            assert ratio > GPU_HOURS_BAR, f"{cloud.group.cloud} now meets the bar: update docs/scaling.md"
        else:
            assert ratio <= GPU_HOURS_BAR, f"{cloud.group.cloud}: {ratio:.3f}"
        assert simulation.extra_wait_per_scale_up(cloud) <= simulation.wait_bound_seconds


def test_scale_to_zero_app_leaves_zero_and_returns_to_it_on_both_clouds() -> None:
    simulation = _simulation("batch-zero", "spike_then_idle")
    assert simulation.settings.min_runners == 0
    for run in (simulation.reference, *(cloud.run for cloud in simulation.clouds)):
        assert (run.peak_runners, run.final_runners) == (6, 0), run.policy


def test_packed_hosts_come_and_go_whole_and_are_billed_whole() -> None:
    """Issue 14.7: llm-pair's two-GPU runners pack four to a p5.48xlarge on AWS; GCP runs one per a3-highgpu-2g."""
    simulation = _simulation("llm-pair", "diurnal")
    aws, gcp = (next(cloud for cloud in simulation.clouds if cloud.group.cloud == name) for name in ("aws", "gcp"))
    assert (aws.runners_per_host, aws.gpus_per_runner, gcp.runners_per_host, gcp.gpus_per_runner) == (4, 2, 1, 2)
    assert aws.run.peak_runners % 4 == 0 and aws.run.final_runners % 4 == 0, "whole hosts"
    assert aws.run.peak_runners > simulation.settings.max_runners, "an ASG with weights may overshoot max_size"
    assert aws.gpu_hours(aws.run) == pytest.approx(aws.run.runner_hours * 2)
    host = aws.group.packing.preferred
    assert host.hourly_usd is not None
    assert aws.cost_usd(aws.run) == pytest.approx(aws.run.runner_hours / 4 * host.hourly_usd)
