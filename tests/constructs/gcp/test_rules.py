"""The GCP rules that need no synth: retries, fallback types, machine families, names, network ranges."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from pathlib import Path

import pytest

from fleetform.catalog.regions import known_cloud_regions
from fleetform.constructs.gcp.data_volume import data_volume_zone
from fleetform.constructs.gcp.instance_template import runner_template
from fleetform.constructs.gcp.naming import base_instance_name, service_account_id, template_name_prefix
from fleetform.constructs.gcp.network import DEFAULT_NETWORK_PROXY_ONLY_RANGES
from fleetform.constructs.gcp.route_action import route_action
from fleetform.constructs.platform import platform_plan
from fleetform.errors import FleetformError, Problem
from fleetform.plan.gcp_machine_family import machine_family
from fleetform.plan.model import GroupPlan, RegionPlan, RoutePlan
from fleetform.tf import App, Construct, TerraformStack, google
from tests.conftest import EXAMPLES

ROUTE = RoutePlan(path_prefix="/app", auth="public", exposure="external", request_timeout_seconds=60,
                  retry_conditions=("connection_error", "server_error", "timeout"), retries=2, listener_priority=1,
                  retry_counts=(("timeout", 2), ("server_error", 2), ("connection_error", 2)))


@pytest.fixture(scope="module")
def example_group() -> GroupPlan:
    """image-generator in us-east4: a POST health check, rolling, three zones, a3-highgpu-1g."""
    plan = platform_plan(EXAMPLES / "platform")
    region = plan.region("gcp", "us-east4")
    assert region is not None
    return next(group for group in region.groups if group.app == "image-generator")


def with_types(group: GroupPlan, *machine_types: str, gpus: int = 1,
               gpu: str | None = "nvidia-tesla-a100") -> GroupPlan:
    return replace(group, machine=replace(group.machine, instance_types=machine_types, gpus_per_instance=gpus, gpu=gpu))


@pytest.mark.parametrize(("conditions", "retries", "expected"), [
    (("connection_error", "server_error", "timeout"), 2, {
        "url_rewrite": {"path_prefix_rewrite": "/"}, "timeout": {"seconds": "180"},
        "retry_policy": {"num_retries": 2, "per_try_timeout": {"seconds": "60"},
                         "retry_conditions": ["connect-failure", "gateway-error", "refused-stream"]}}),
    (("connection_error", "server_error"), 5, {
        "url_rewrite": {"path_prefix_rewrite": "/"}, "timeout": {"seconds": "60"},
        "retry_policy": {"num_retries": 5,
                         "retry_conditions": ["connect-failure", "gateway-error", "refused-stream"]}}),
    (("timeout",), 1, {
        "url_rewrite": {"path_prefix_rewrite": "/"}, "timeout": {"seconds": "120"},
        "retry_policy": {"num_retries": 1, "per_try_timeout": {"seconds": "60"},
                         "retry_conditions": ["gateway-error"]}}),
    ((), 2, {"url_rewrite": {"path_prefix_rewrite": "/"}, "timeout": {"seconds": "60"}}),
    (("server_error", "timeout"), 0, {"url_rewrite": {"path_prefix_rewrite": "/"}, "timeout": {"seconds": "60"}}),
])
def test_route_action_maps_fals_retry_conditions(conditions, retries, expected):
    assert route_action(replace(ROUTE, retry_conditions=conditions, retries=retries)) == expected


def test_n1_templates_attach_the_gpus_themselves(example_group, tmp_path: Path):
    group = with_types(example_group, "n1-standard-8", gpus=2, gpu="nvidia-tesla-t4")
    stack = TerraformStack(App(outdir=str(tmp_path)), "gcp-test")
    google.GoogleProvider(stack, "google", project="acme-test", region="us-east4")
    family = machine_family("n1-standard-8", group.source)
    group = replace(group, machine=replace(group.machine, boot_disk_type=family.boot_disk_type,
                                           nic_type=family.nic_type, gpus_in_template=family.guest_accelerators,
                                           provisioning="on-demand"))
    runner_template(Construct(stack, "n1"), group, platform="acme", subnetwork="default",
                    service_account_email="runner@acme-test.iam.gserviceaccount.com")
    config = stack.to_terraform()["resource"]["google_compute_instance_template"]
    (body,) = config.values()
    assert body["guest_accelerator"] == [{"type": "nvidia-tesla-t4", "count": 2}]
    assert body["scheduling"]["on_host_maintenance"] == "TERMINATE"
    assert "nic_type" not in body["network_interface"][0]


def test_fails_machine_types_of_unknown_families():
    with pytest.raises(FleetformError) as raised:
        machine_family("c3-standard-8", "apps/pyproject.toml: tool.fal.apps.x.machine_type")
    assert raised.value.problems == (Problem(
        "gcp/unknown-machine-family", "apps/pyproject.toml: tool.fal.apps.x.machine_type",
        "fleetform does not know which boot disk and network interface GCP machine type 'c3-standard-8' needs",
        allowed="a2-highgpu-*, a2-megagpu-*, a2-ultragpu-*, a3-edgegpu-*, a3-highgpu-*, a3-megagpu-*, "
                "a3-ultragpu-*, a4-highgpu-*, e2-*, g2-standard-*, n1-*, n2-*",
        fix="choose a machine type of one of these families, or add its family to "
            "fleetform.plan.gcp_machine_family"),)


def test_every_gcp_region_fleetform_places_groups_in_has_a_proxy_only_range():
    assert set(known_cloud_regions("gcp")) <= set(DEFAULT_NETWORK_PROXY_ONLY_RANGES)


def test_default_network_proxy_only_ranges_never_overlap_each_other_or_auto_mode_subnetworks():
    networks = [ipaddress.ip_network(cidr) for cidr in DEFAULT_NETWORK_PROXY_ONLY_RANGES.values()]
    auto_mode = ipaddress.ip_network("10.128.0.0/9")
    assert all(network.prefixlen == 23 and not network.overlaps(auto_mode) for network in networks)
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1:])


RFC1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


@pytest.mark.parametrize(("app", "region"), [
    ("transcriber", "us-central1"),
    ("a-very-long-application-name-for-the-speech-team", "europe-north1"),
])
def test_names_fit_gcp_limits(app, region):
    account = service_account_id("acme", app, region)
    assert 6 <= len(account) <= 30 and RFC1035.match(account)
    assert len(base_instance_name("acme", app)) <= 58 and RFC1035.match(base_instance_name("acme", app))
    prefix = template_name_prefix("acme", app)
    assert len(prefix) <= 37 and prefix.endswith("-") and RFC1035.match(prefix[:-1])
    assert service_account_id("acme", app, region) != service_account_id("acme", app, "us-east4")


def test_data_volume_sits_in_the_zone_most_mounting_groups_use(example_group):
    mounting = replace(example_group, runner=replace(example_group.runner, data_mounts=("/data",)))
    region = RegionPlan("gcp", "us-east4", ("us-east",), network=None, ingress=None, groups=(  # type: ignore[arg-type]
        replace(mounting, app="a", zones=("us-east4-b", "us-east4-c")),
        replace(mounting, app="b", zones=("us-east4-a", "us-east4-c")),
        replace(example_group, app="c", zones=("us-east4-a",)),  # mounts nothing
    ))
    assert data_volume_zone(region) == "us-east4-c"
    tie = replace(region, groups=region.groups[:1])
    assert data_volume_zone(tie) == "us-east4-b"
