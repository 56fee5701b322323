"""modules/gcp-network: its example validates and plans offline, with the network fleetform expects.

The example serves three regions (us-east4, us-west1, europe-west4) with jumbo frames and allows
SSH through Identity-Aware Proxy.
"""

from __future__ import annotations

import pytest

from tests.modules.module_docs import expected_readme
from tests.modules.roots import MODULES_DIR, Checked, CheckOnce, Resources, checked_example, planned

pytestmark = pytest.mark.terraform

REGIONS = {"us-east4": "10.40", "us-west1": "10.41", "europe-west4": "10.42"}
M = "module.network"


@pytest.fixture(scope="module")
def example(check_once: CheckOnce) -> Checked:
    return check_once("gcp-network-example", lambda folder: checked_example("gcp-network", folder))


@pytest.fixture(scope="module")
def resources(example: Checked) -> Resources:
    return planned(example[1])


def test_example_validates_and_plans_without_diagnostics(example: Checked) -> None:
    result, plan = example
    assert (result.ok, result.diagnostics, result.resource_count) == (True, (), 16)
    assert plan["errored"] is False


def test_a_custom_mode_network_that_keeps_its_internet_route(resources: Resources) -> None:
    network = resources[f"{M}.google_compute_network.this"]
    assert (
        network["name"],
        network["auto_create_subnetworks"],
        network["delete_default_routes_on_create"],
        network["mtu"],
    ) == ("acme-gpu", False, False, 8896)


def test_runner_subnetworks_have_flow_logs_and_private_google_access(resources: Resources) -> None:
    subnetworks = {
        after["region"]: (after["name"], after["ip_cidr_range"], after["private_ip_google_access"], after["log_config"])
        for address, after in resources.items()
        if address.startswith(f"{M}.google_compute_subnetwork.this[")
    }
    flow_logs = [
        {
            "aggregation_interval": "INTERVAL_5_SEC",
            "filter_expr": None,
            "flow_sampling": 0.5,
            "metadata": "INCLUDE_ALL_METADATA",
            "metadata_fields": None,
        }
    ]
    assert subnetworks == {
        region: (f"acme-gpu-{region}", f"{prefix}.0.0/18", True, flow_logs) for region, prefix in REGIONS.items()
    }


def test_one_proxy_only_subnetwork_per_region(resources: Resources) -> None:
    proxies = {
        after["region"]: (after["ip_cidr_range"], after["purpose"], after["role"])
        for address, after in resources.items()
        if address.startswith(f"{M}.google_compute_subnetwork.proxy_only[")
    }
    assert proxies == {
        region: (f"{prefix}.192.0/23", "REGIONAL_MANAGED_PROXY", "ACTIVE") for region, prefix in REGIONS.items()
    }


def test_cloud_nat_per_region_for_the_runner_subnetwork_only(resources: Resources) -> None:
    for region in REGIONS:
        router = resources[f'{M}.google_compute_router.this["{region}"]']
        nat = resources[f'{M}.google_compute_router_nat.this["{region}"]']
        assert (router["region"], nat["router"]) == (region, f"acme-gpu-{region}")
        assert (nat["nat_ip_allocate_option"], nat["source_subnetwork_ip_ranges_to_nat"]) == (
            "AUTO_ONLY",
            "LIST_OF_SUBNETWORKS",
        )
        assert [subnetwork["source_ip_ranges_to_nat"] for subnetwork in nat["subnetwork"]] == [["ALL_IP_RANGES"]]
        assert (nat["enable_dynamic_port_allocation"], nat["enable_endpoint_independent_mapping"]) == (True, False)
        assert nat["log_config"] == [{"enable": True, "filter": "ERRORS_ONLY"}]


def test_firewall_admits_health_checkers_and_proxies_to_runner_ports_only(resources: Resources) -> None:
    rules = {
        after["name"]: (after["direction"], after["source_ranges"], after["allow"], after["target_tags"])
        for address, after in resources.items()
        if address.startswith(f"{M}.google_compute_firewall.")
    }
    runner_ports = [{"ports": ["8079", "8080"], "protocol": "tcp"}]
    assert rules == {
        "acme-gpu-allow-health-checks": (
            "INGRESS",
            ["130.211.0.0/22", "35.191.0.0/16"],
            runner_ports,
            ["fleetform-runner"],
        ),
        "acme-gpu-allow-proxy-only": (
            "INGRESS",
            ["10.40.192.0/23", "10.41.192.0/23", "10.42.192.0/23"],
            runner_ports,
            ["fleetform-runner"],
        ),
        "acme-gpu-allow-iap-ssh": (
            "INGRESS",
            ["35.235.240.0/20"],
            [{"ports": ["22"], "protocol": "tcp"}],
            ["fleetform-runner"],
        ),
    }


def test_nothing_is_open_to_the_internet(resources: Resources) -> None:
    sources = [
        source
        for address, after in resources.items()
        if ".google_compute_firewall." in address
        for source in after["source_ranges"]
    ]
    assert "0.0.0.0/0" not in sources


def test_outputs_for_the_platform(example: Checked) -> None:
    assert sorted(example[1]["output_changes"]) == ["fleetform_settings", "network", "subnetworks"]


def test_readme_documents_exactly_the_module_s_inputs_outputs_and_resources(example: Checked) -> None:
    readme = MODULES_DIR / "gcp-network" / "README.md"
    assert readme.read_text(encoding="utf-8") == expected_readme("gcp-network", example[1]), (
        "run: .venv/bin/python -m tests.modules.module_docs"
    )
