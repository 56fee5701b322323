"""Small GCP platforms that exercise what the example does not: a CPU group, an app's own image, a probe
that only gates traffic, a server probed for any answer, a platform without a project id (refused), networks
given as self links, and the shared-auth setting fleetform refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.check import check_stacks
from fleetform.errors import FleetformError, Problem
from tests.constructs.aws.synthesized import Stack
from tests.constructs.gcp.platforms import small_platform, synth

APPS = """\
[tool.fal.apps.echo]
machine_type = "M"
auth = "public"
[tool.fal.apps.echo.image]
image = "us-docker.pkg.dev/acme-tools/team/echo:1.0"

[tool.fal.apps.mirror]
machine_type = "gcp:g2-standard-8"
auth = "private"
team = "Vision Team"
[tool.fal.apps.mirror.image]
image = "registry.example.com:5000/ml/mirror:2"
registries = { "registry.example.com:5000" = { username = "bot", password = "$MIRROR_TOKEN" } }
[tool.fal.apps.mirror.health_check]
path = "/ready"
method = "GET"
call_regularly = false
failure_threshold = 1
timeout_seconds = 20
"""

SELF_LINK_NETWORK = """
[tool.fleetform.networks.gcp.us-central1]
network = "projects/acme-host/global/networks/shared-vpc"
subnetwork = "projects/acme-host/regions/us-central1/subnetworks/gpu"
"""


@pytest.fixture(scope="module")
def default_network(tmp_path_factory) -> tuple[Path, dict[str, Stack]]:
    root = tmp_path_factory.mktemp("default-network")
    out = root / "cdktf.out"
    return out, synth(small_platform(root, APPS), out)


@pytest.fixture(scope="module")
def central(default_network) -> Stack:
    return default_network[1]["gcp-us-central"]


@pytest.mark.terraform
def test_small_platform_validates_and_plans_with_real_terraform(default_network):
    out, stacks = default_network
    report = check_stacks(out)
    assert report.ok, report.render()
    assert sorted(stacks) == ["gcp-shared", "gcp-us-central"]


def test_cpu_runners_live_migrate_and_boot_the_cpu_image_with_secure_boot(central):
    template = central.resource("google_compute_instance_template", "region/echo/Template")
    assert template["machine_type"].startswith("e2-")
    assert template["scheduling"] == {"provisioning_model": "STANDARD", "automatic_restart": True,
                                      "on_host_maintenance": "MIGRATE"}
    assert central.data("google_compute_image", "region/echo/BootImage") == {
        "project": "deeplearning-platform-release", "family": "common-cpu"}
    assert template["shielded_instance_config"]["enable_secure_boot"] is True
    assert "install-nvidia-driver" not in template["metadata"]
    assert template["network_interface"][0] == {
        "subnetwork": central.ref("google_compute_subnetwork", "region/Network/Subnetwork", "self_link", kind="data"),
        "stack_type": "IPV4_ONLY"}
    assert template["disk"][0]["disk_size_gb"] == 50


def test_g2_group_gets_gvnic_and_its_team_label(central):
    template = central.resource("google_compute_instance_template", "region/mirror/Template")
    assert (template["machine_type"], template["network_interface"][0]["nic_type"]) == ("g2-standard-8", "GVNIC")
    assert template["labels"] == {"fleetform-app": "mirror", "fleetform-team": "vision-team"}
    assert central.resource("google_compute_instance_template", "region/echo/Template")["labels"] == {
        "fleetform-app": "echo"}


def test_an_images_own_server_is_probed_for_any_answer_with_tcp(central):
    check = central.resource("google_compute_region_health_check", "region/echo/HealthCheck")
    assert check["tcp_health_check"] == {"port": 8080}
    assert "http_health_check" not in check


def test_a_probe_that_only_gates_traffic_never_replaces_runners(central):
    check = central.resource("google_compute_region_health_check", "region/mirror/HealthCheck")
    assert check["http_health_check"] == {"port": 8080, "request_path": "/ready"}
    assert (check["check_interval_sec"], check["timeout_sec"], check["unhealthy_threshold"]) == (21, 20, 1)
    group = central.resource("google_compute_region_instance_group_manager", "region/mirror/InstanceGroup")
    assert "auto_healing_policies" not in group


def test_an_apps_own_image_needs_no_registry_grant_but_its_login_secret(central):
    assert not any(path.startswith("region/echo/") for path in
                   central.resources("google_artifact_registry_repository_iam_member"))
    assert [binding["secret_id"] for binding in central.resources("google_secret_manager_secret_iam_member").values()
            ] == ["acme-MIRROR_TOKEN"]


def test_the_shared_stack_holds_only_what_the_apps_use(default_network):
    _, stacks = default_network
    central, shared = stacks["gcp-us-central"], stacks["gcp-shared"]
    assert {binding["project"] for binding in central.resources("google_project_iam_member").values()} == {
        "acme-gpu-test"}
    assert "google_logging_project_sink" not in shared.types()  # no private_logs app
    assert sorted(shared.resources("google_secret_manager_secret")) == ["shared/Secrets/MIRROR_TOKEN"]
    assert "google_artifact_registry_repository" not in shared.types()  # no image the platform builds


def test_a_platform_without_a_gcp_project_is_refused(tmp_path):
    platform = small_platform(tmp_path, APPS)
    text = (platform / "pyproject.toml").read_text().replace('[tool.fleetform.gcp]\nproject = "acme-gpu-test"\n', "")
    (platform / "pyproject.toml").write_text(text)
    with pytest.raises(FleetformError) as raised:
        synth(platform, tmp_path / "cdktf.out")
    (found,) = raised.value.problems
    assert (found.code, found.where.split(": ")[-1]) == ("plan/gcp-project-unset", "tool.fleetform.gcp.project")


def test_a_shared_vpc_of_another_project_is_looked_up_there_and_joined_by_filestore_through_psa(tmp_path):
    apps = APPS.replace('[tool.fal.apps.echo.image]', 'data_mounts = ["/data"]\n[tool.fal.apps.echo.image]')
    stacks = synth(small_platform(tmp_path, apps, platform_extra=SELF_LINK_NETWORK), tmp_path / "cdktf.out")
    central = stacks["gcp-us-central"]
    assert central.data("google_compute_subnetwork", "region/Network/Subnetwork") == {
        "self_link": "projects/acme-host/regions/us-central1/subnetworks/gpu"}
    assert central.data("google_compute_subnetwork", "region/Network/ProxyOnlySubnet") == {
        "name": "shared-vpc-us-central1-proxy-only", "region": "us-central1", "project": "acme-host"}
    assert central.resource("google_filestore_instance", "region/DataVolume")["networks"] == [{
        "network": "projects/acme-host/global/networks/shared-vpc", "modes": ["MODE_IPV4"],
        "connect_mode": "PRIVATE_SERVICE_ACCESS"}]


def test_fails_shared_apps_without_a_certificate(tmp_path):
    apps = APPS.replace('auth = "public"', 'auth = "shared"')
    with pytest.raises(FleetformError) as raised:
        synth(small_platform(tmp_path, apps), tmp_path / "cdktf.out")
    (found,) = raised.value.problems
    assert found.where.endswith("platform/pyproject.toml: tool.fleetform.gcp.certificates.us-central1")
    assert found == Problem(
        "plan/shared-auth-needs-https", found.where,
        'app(s) echo use auth = "shared"; on GCP Identity-Aware Proxy checks callers, which runs on HTTPS only, '
        "and us-central1 has no certificate",
        fix='set [tool.fleetform.gcp.certificates] us-central1 = '
            '"projects/<project>/regions/us-central1/sslCertificates/<name>"')


def test_the_shared_stack_enables_only_the_apis_the_platform_uses(default_network):
    """No Filestore, builds or Identity-Aware Proxy here, so their APIs stay as the project has them."""
    _, stacks = default_network
    services = stacks["gcp-shared"].resources("google_project_service")
    assert sorted(body["service"] for body in services.values()) == [
        f"{api}.googleapis.com" for api in ("cloudresourcemanager", "compute", "iam", "logging", "monitoring",
                                            "secretmanager")]
    assert {body["project"] for body in services.values()} == {"acme-gpu-test"}
