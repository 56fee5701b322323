"""Issue 14.7: runners per host: fal runs one runner per ``num_gpus`` GPUs, so a bigger host carries several."""

from __future__ import annotations

import pytest

from fleetform.errors import FleetformError
from fleetform.plan.platform import plan_workspace
from fleetform.spec.workspace import open_workspace
from tests.conftest import EXAMPLES
from tests.plan.test_plan import APP_FILE, only_group, plan_of


@pytest.fixture(scope="module")
def example():
    return plan_workspace(open_workspace(EXAMPLES / "platform"))


BOTH_CLOUDS = """
clouds = ["aws", "gcp"]
default_regions = ["us-east"]
[tool.fleetform.gcp]
project = "acme-gpu-platform"
"""
H100_APP = """
[tool.fal.apps.gen]
ref = "app.py::Generator"
num_gpus = {gpus}
"""
"""The app class asks for GPU-H100 (test_plan.APP_FILE); the TOML sets num_gpus."""


def test_the_example_packs_one_and_two_gpu_runners_onto_eight_gpu_hosts(example):
    transcriber = next(g for g in example.groups("transcriber") if g.cloud_region == "eu-north-1")
    assert [(h.instance_type, h.gpus, h.runners, h.used_gpus, h.idle_gpus) for h in transcriber.packing.hosts] == [
        ("p4d.24xlarge", 8, 4, 8, 0), ("p5.48xlarge", 8, 4, 8, 0)]
    assert transcriber.packing.packs
    # capacity counts runners: 8 runners at max are two hosts; 1 runner at min still bills one whole host
    host = transcriber.packing.preferred.hourly_usd
    assert host is not None
    assert transcriber.hourly_usd_per_runner == pytest.approx(host / 4)
    assert transcriber.hourly_usd_at_max == pytest.approx(2 * host)
    assert transcriber.hourly_usd_at_min == pytest.approx(host)
    generator = next(g for g in example.groups("image-generator") if g.cloud_region == "us-east-1")
    assert [(h.instance_type, h.runners) for h in generator.packing.hosts] == [("p5.4xlarge", 1), ("p4d.24xlarge", 8)]


def test_gcp_runs_one_runner_per_vm_on_a_shape_with_exactly_num_gpus(example):
    for group in example.groups():
        if group.cloud == "gcp":
            assert not group.packing.packs
            assert all(host.runners == 1 and not host.idle_gpus for host in group.packing.hosts), group.app
    transcriber = next(g for g in example.groups("transcriber") if g.cloud_region == "us-central1")
    assert [(h.instance_type, h.gpus) for h in transcriber.packing.hosts] == [("a2-highgpu-2g", 2)]


def test_gpus_left_over_by_num_gpus_are_a_warning_naming_their_cost(tmp_path):
    plan = plan_of(tmp_path, BOTH_CLOUDS, H100_APP.format(gpus=3))
    aws, gcp = only_group(plan, "gen", "aws"), only_group(plan, "gen", "gcp")
    assert [(h.gpus, h.runners, h.idle_gpus) for h in aws.packing.hosts] == [(8, 2, 2)]  # p5.48xlarge
    assert [(h.gpus, h.runners, h.idle_gpus) for h in gcp.packing.hosts] == [(4, 1, 1)]  # a3-highgpu-4g, one runner
    idle = [w for w in plan.warnings if w.code == "plan/idle-gpus"]
    assert len(idle) == 2
    aws_idle = aws.packing.preferred.idle_hourly_usd
    assert aws_idle is not None and aws_idle == pytest.approx(aws.packing.preferred.hourly_usd * 2 / 8)
    host_type = aws.packing.preferred.instance_type
    (aws_warning,) = [w for w in idle if host_type in w.message]
    assert aws_warning.where.endswith("tool.fal.apps.gen.num_gpus")
    assert (f"{host_type} has 8 GPUs and carries 2 runner(s) of 3 GPU(s), so 2 GPU(s) per host are paid for and "
            f"idle (${aws_idle:,.2f}/h of each host's price)") in aws_warning.message


def test_num_gpus_dividing_the_host_leaves_nothing_idle(tmp_path):
    plan = plan_of(tmp_path, 'clouds = ["aws"]\ndefault_regions = ["us-east"]\n', H100_APP.format(gpus=4))
    group = only_group(plan, "gen")
    assert [(h.gpus, h.runners, h.idle_gpus) for h in group.packing.hosts] == [(8, 2, 0)]
    assert not [w for w in plan.warnings if w.code == "plan/idle-gpus"]


def test_cpu_hosts_carry_one_runner(tmp_path):
    plan = plan_of(tmp_path, 'clouds = ["aws"]\ndefault_regions = ["us-east"]\n',
                   '[tool.fal.apps.gen]\nref = "app.py::Generator"\n',
                   {"app.py": APP_FILE.replace('"GPU-H100"', '"M"')})
    group = only_group(plan, "gen")
    assert group.machine.gpus_per_instance == 0
    assert [(h.runners, h.gpus_per_runner, h.idle_gpus) for h in group.packing.hosts] == [(1, 0, 0)]


def test_a_cloud_native_eight_gpu_runner_owns_its_host(tmp_path):
    """``aws:p4d.24xlarge`` with ``num_gpus = 8`` (a cloud-native type must state its count): one 8-GPU runner."""
    plan = plan_of(tmp_path, 'clouds = ["aws"]\ndefault_regions = ["us-east"]\n',
                   '[tool.fal.apps.gen]\nref = "app.py::Generator"\nnum_gpus = 8\n',
                   {"app.py": APP_FILE.replace('"GPU-H100"', '"aws:p4d.24xlarge"')})
    group = only_group(plan, "gen")
    assert [(h.gpus, h.runners, h.gpus_per_runner, h.idle_gpus) for h in group.packing.hosts] == [(8, 1, 8, 0)]


def test_slot_ports_that_overlap_are_refused_at_plan_time(tmp_path):
    """Slot k publishes exposed_port + k and metrics_port + k: 4 runners on 8080 and 8082 would share ports."""
    with pytest.raises(FleetformError) as raised:
        plan_of(tmp_path, 'clouds = ["aws"]\ndefault_regions = ["us-east"]\n',
                H100_APP.format(gpus=2) + "exposed_port = 8080\nmetrics_port = 8082\n")
    (problem,) = [p for p in raised.value.problems if p.code == "plan/slot-ports-overlap"]
    assert problem.where.endswith("tool.fal.apps.gen.exposed_port")
    assert problem.message == ("a host carries 4 runners, which publish exposed_port 8080-8083 (one port per runner), "
                               "overlapping metrics_port")
