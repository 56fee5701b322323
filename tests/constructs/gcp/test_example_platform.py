"""The example platform on GCP alone: targeted assertions on every kind of resource, real Terraform on
every stack, and no secret value anywhere in the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetform.check import check_stacks
from tests.constructs.aws.synthesized import Stack, read_stacks
from tests.constructs.gcp.platforms import US_EAST4_CERTIFICATE, gcp_example, synth

SECRET_VALUES = {name: f"sentinel-value-of-{name}" for name in
                 ("DOCKERHUB_TOKEN", "EXAMPLE_REGISTRY_TOKEN", "GH_TOKEN", "HF_TOKEN", "PIP_TOKEN")}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gcp-example") / "cdktf.out"


@pytest.fixture(scope="module")
def stacks(tmp_path_factory, out) -> dict[str, Stack]:
    """Synthesized with every secret's name set in the environment to a value that must never show up."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SECRET_VALUES.items():
            patch.setenv(name, value)
        return synth(gcp_example(tmp_path_factory.mktemp("examples")), out)


@pytest.fixture(scope="module")
def us_east(stacks) -> Stack:
    return stacks["gcp-us-east"]


@pytest.fixture(scope="module")
def us_central(stacks) -> Stack:
    return stacks["gcp-us-central"]


@pytest.fixture(scope="module")
def warnings(out) -> list[tuple[str, str]]:
    manifest = json.loads((out / "manifest.json").read_text())
    return [(note["constructPath"], note["message"])
            for stack in manifest["stacks"].values() for note in stack["annotations"]]


def test_a_base_stack_per_region_a_stack_per_app_a_routes_stack_and_a_shared_one(out, stacks):
    assert sorted(stacks) == ["gcp-eu-north", "gcp-eu-west", "gcp-shared", "gcp-us-central", "gcp-us-east",
                              "gcp-us-west"]
    assert stacks["gcp-us-east"].members == ("gcp-us-east", "gcp-us-east--captioner", "gcp-us-east--image-generator",
                                             "gcp-us-east--upscaler", "gcp-us-east-routes")
    separate = read_stacks(out)
    assert sorted(separate["gcp-us-east"].types()) == ["google_compute_router", "google_compute_router_nat",
                                                       "google_compute_subnetwork"]
    assert sorted(separate["gcp-us-east-routes"].types()) == [
        "google_compute_address", "google_compute_forwarding_rule", "google_compute_region_target_http_proxy",
        "google_compute_region_target_https_proxy", "google_compute_region_url_map"]
    dependencies = {name: entry["dependencies"]
                    for name, entry in json.loads((out / "manifest.json").read_text())["stacks"].items()}
    assert dependencies["gcp-us-east"] == ["gcp-shared"]
    assert dependencies["gcp-us-east--upscaler"] == ["gcp-shared", "gcp-us-east"]
    assert dependencies["gcp-us-east-routes"] == ["gcp-us-east", "gcp-us-east--captioner",
                                                  "gcp-us-east--image-generator", "gcp-us-east--upscaler"]


@pytest.mark.terraform
def test_every_stack_validates_and_plans_with_real_terraform(out, stacks):
    report = check_stacks(out)
    assert report.ok, report.render()
    assert sorted(result.name for result in report.stacks) == sorted(read_stacks(out))


def test_transcriber_in_us_central1_runs_a2_on_demand_and_cannot_fall_back_to_spot_only_a3(us_central, warnings):
    template = us_central.resource("google_compute_instance_template", "region/transcriber/Template")
    group = us_central.resource("google_compute_region_instance_group_manager", "region/transcriber/InstanceGroup")
    assert template["machine_type"] == "a2-highgpu-2g"
    assert "guest_accelerator" not in template
    assert "instance_flexibility_policy" not in group
    assert group["distribution_policy_zones"] == ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"]
    assert group["distribution_policy_target_shape"] == "BALANCED"
    assert template["scheduling"] == {"provisioning_model": "STANDARD", "automatic_restart": True,
                                      "on_host_maintenance": "TERMINATE"}
    assert ("gcp-us-central--transcriber/region/transcriber",
            "transcriber in us-central1 cannot fall back to a3-highgpu-2g: it is sold only as Spot or Flex-start, "
            "and the group's preferred type runs on demand") in warnings


def test_image_generator_prefers_spot_h100_then_falls_back_to_a100(stacks, warnings):
    us_west = stacks["gcp-us-west"]
    template = us_west.resource("google_compute_instance_template", "region/image-generator/Template")
    group = us_west.resource("google_compute_region_instance_group_manager", "region/image-generator/InstanceGroup")
    assert template["machine_type"] == "a3-highgpu-1g"
    assert group["instance_flexibility_policy"] == {"instance_selections": [
        {"name": "a3-highgpu-1g", "rank": 0, "machine_types": ["a3-highgpu-1g"]},
        {"name": "a2-highgpu-1g", "rank": 1, "machine_types": ["a2-highgpu-1g"]}]}
    assert group["distribution_policy_zones"] == ["us-west1-a", "us-west1-b"]  # a3-highgpu-1g's or a2-highgpu-1g's
    assert template["scheduling"] == {"provisioning_model": "SPOT", "preemptible": True, "automatic_restart": False,
                                      "on_host_maintenance": "TERMINATE", "instance_termination_action": "DELETE"}
    assert ("gcp-us-west--image-generator/region/image-generator",
            "image-generator runs Spot VMs in us-west1: a3-highgpu-1g is not sold on demand, and Spot runners can be "
            "preempted at any time (30 s notice)") in warnings


def test_template_boots_the_deep_learning_image_shielded_without_external_address(us_east):
    template = us_east.resource("google_compute_instance_template", "region/image-generator/Template")
    assert template["disk"] == [{
        "boot": True, "auto_delete": True, "disk_size_gb": 250, "disk_type": "pd-balanced",
        "source_image": us_east.ref("google_compute_image", "region/image-generator/BootImage", "self_link",
                                    kind="data"),
        "labels": {"fleetform-app": "image-generator", "fleetform-team": "imaging"}}]
    assert us_east.data("google_compute_image", "region/image-generator/BootImage") == {
        "project": "deeplearning-platform-release", "family": "common-cu128-ubuntu-2204-nvidia-570"}
    assert template["network_interface"] == [{
        "subnetwork": us_east.ref("google_compute_subnetwork", "region/Network/Subnetwork", "self_link", kind="data"),
        "stack_type": "IPV4_ONLY", "nic_type": "GVNIC"}]
    assert template["shielded_instance_config"] == {"enable_secure_boot": False, "enable_vtpm": True,
                                                    "enable_integrity_monitoring": True}
    assert template["service_account"] == {
        "email": us_east.ref("google_service_account", "region/image-generator/ServiceAccount/Resource", "email"),
        "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
    assert template["name_prefix"] == "acme-image-generator-"
    assert template["lifecycle"] == {"create_before_destroy": True}
    assert template["labels"] == {"fleetform-app": "image-generator", "fleetform-team": "imaging"}
    assert template["tags"] == ["fleetform-runner"]


def test_template_metadata_runs_the_groups_boot_script(us_east):
    metadata = us_east.resource("google_compute_instance_template", "region/captioner/Template")["metadata"]
    assert sorted(metadata) == ["block-project-ssh-keys", "enable-oslogin", "fleetform-image", "install-nvidia-driver",
                                "startup-script"]  # fleetform-image: the digest-pinned reference
    assert (metadata["enable-oslogin"], metadata["block-project-ssh-keys"]) == ("TRUE", "true")
    script = metadata["startup-script"]
    assert script.startswith("#!/bin/bash")
    assert "acme-captioner" in script and "$${" in script and "${" not in script.replace("$${", "")


def test_b200_boots_from_hyperdisk(us_east):
    template = us_east.resource("google_compute_instance_template", "region/captioner/Template")
    assert template["machine_type"] == "a4-highgpu-8g"
    assert template["disk"][0]["disk_type"] == "hyperdisk-balanced"


@pytest.mark.parametrize(("stack", "app", "port", "path", "timeout"), [
    ("gcp-us-east", "image-generator", 8079, "/fleetform/health", 10),  # POST /healthz through the agent
    ("gcp-us-east", "captioner", 8000, "/health", 5),
    ("gcp-us-central", "transcriber", 8080, "/health", 5),  # fal's built-in GET /health, probed directly
])
def test_health_check_probes_what_the_plan_says(stacks, stack, app, port, path, timeout):
    check = stacks[stack].resource("google_compute_region_health_check", f"region/{app}/HealthCheck")
    assert check["http_health_check"] == {"port": port, "request_path": path}
    assert (check["check_interval_sec"], check["timeout_sec"]) == (15, timeout)
    assert (check["healthy_threshold"], check["unhealthy_threshold"]) == (2, 3)
    assert check["name"] == f"acme-{app}"


def test_autohealing_waits_for_the_startup_grace(us_east):
    group = us_east.resource("google_compute_region_instance_group_manager", "region/image-generator/InstanceGroup")
    assert group["auto_healing_policies"] == {
        "health_check": us_east.ref("google_compute_region_health_check", "region/image-generator/HealthCheck", "id"),
        "initial_delay_sec": 900}
    assert group["instance_lifecycle_policy"] == {"force_update_on_repair": "YES"}


def test_rolling_surges_one_runner_per_zone_and_recreate_replaces_everything_at_once(us_east):
    rolling = us_east.resource("google_compute_region_instance_group_manager", "region/image-generator/InstanceGroup")
    recreate = us_east.resource("google_compute_region_instance_group_manager", "region/upscaler/InstanceGroup")
    common = {"type": "PROACTIVE", "minimal_action": "REPLACE", "most_disruptive_allowed_action": "REPLACE",
              "instance_redistribution_type": "NONE"}
    assert rolling["update_policy"] == common | {"replacement_method": "SUBSTITUTE", "max_surge_fixed": 3,
                                                 "max_unavailable_fixed": 0}
    assert recreate["update_policy"] == common | {"replacement_method": "RECREATE", "max_surge_fixed": 0,
                                                  "max_unavailable_percent": 100}


def test_instance_group_follows_the_template_and_leaves_its_size_to_the_autoscaler(us_east):
    group = us_east.resource("google_compute_region_instance_group_manager", "region/image-generator/InstanceGroup")
    assert group["version"] == [{"name": "current", "instance_template": us_east.ref(
        "google_compute_instance_template", "region/image-generator/Template", "self_link_unique")}]
    assert (group["name"], group["base_instance_name"]) == ("acme-image-generator", "acme-image-generator")
    assert group["named_port"] == [{"name": "http", "port": 8080}]
    assert group["wait_for_instances"] is False
    assert "target_size" not in group
    assert group["lifecycle"] == {"ignore_changes": ["target_size"]}
    autoscaler = us_east.resource("google_compute_region_autoscaler", "region/image-generator/Autoscaler")
    assert autoscaler["target"] == us_east.ref("google_compute_region_instance_group_manager",
                                               "region/image-generator/InstanceGroup", "id")


@pytest.mark.parametrize(("stack", "app", "scheme", "timeout", "draining"), [
    ("gcp-us-east", "image-generator", "INTERNAL_MANAGED", 300, 300),  # draining = request_timeout (issue 14.3)
    ("gcp-us-east", "upscaler", "EXTERNAL_MANAGED", 3600, 3600),
    ("gcp-us-central", "transcriber", "EXTERNAL_MANAGED", 120, 120),
])
def test_backend_service_times_out_and_drains_as_the_app_says(stacks, stack, app, scheme, timeout, draining):
    backend = stacks[stack].resource("google_compute_region_backend_service", f"region/{app}/BackendService")
    assert backend["load_balancing_scheme"] == scheme
    assert (backend["timeout_sec"], backend["connection_draining_timeout_sec"]) == (timeout, draining)
    assert (backend["protocol"], backend["port_name"], backend["locality_lb_policy"]) == ("HTTP", "http",
                                                                                         "LEAST_REQUEST")
    assert backend["health_checks"] == [stacks[stack].ref("google_compute_region_health_check",
                                                          f"region/{app}/HealthCheck", "id")]
    assert backend["backend"] == [{"group": stacks[stack].ref("google_compute_region_instance_group_manager",
                                                              f"region/{app}/InstanceGroup", "instance_group"),
                                   "balancing_mode": "UTILIZATION", "capacity_scaler": 1}]
    assert backend["log_config"] == {"enable": True, "sample_rate": 1}


def test_only_shared_apps_are_behind_identity_aware_proxy(us_east):
    assert us_east.resource("google_compute_region_backend_service", "region/upscaler/BackendService")["iap"] == {
        "enabled": True}
    assert "iap" not in us_east.resource("google_compute_region_backend_service",
                                         "region/image-generator/BackendService")
    access = us_east.resource("google_iap_web_region_backend_service_iam_member", "region/upscaler/IapAccess0")
    assert access == {**access, "member": "domain:acme.example", "role": "roles/iap.httpsResourceAccessor",
                      "region": "us-east4", "web_region_backend_service": us_east.ref(
                          "google_compute_region_backend_service", "region/upscaler/BackendService", "name")}


def test_private_apps_sit_behind_the_internal_load_balancer_and_the_rest_behind_the_external_one(us_east):
    internal = us_east.resource("google_compute_forwarding_rule", "region/InternalLoadBalancer/ForwardingRule")
    external = us_east.resource("google_compute_forwarding_rule", "region/PublicLoadBalancer/ForwardingRule")
    network = us_east.ref("google_compute_subnetwork", "region/Network/Subnetwork", "network", kind="data")
    subnetwork = us_east.ref("google_compute_subnetwork", "region/Network/Subnetwork", "self_link", kind="data")
    assert internal == {
        "name": "acme-internal", "region": "us-east4", "load_balancing_scheme": "INTERNAL_MANAGED",
        "ip_protocol": "TCP", "port_range": "80", "network": network, "subnetwork": subnetwork,
        "ip_address": us_east.ref("google_compute_address", "region/InternalLoadBalancer/Address", "id"),
        "target": us_east.ref("google_compute_region_target_http_proxy", "region/InternalLoadBalancer/HttpProxy", "id")}
    # The proxy-only subnetwork is the base stack's, applied before the routes stack (manifest dependencies).
    assert us_east.resource("google_compute_subnetwork", "region/Network/ProxyOnlySubnet")["purpose"] == \
        "REGIONAL_MANAGED_PROXY"
    assert external["load_balancing_scheme"] == "EXTERNAL_MANAGED"
    assert (external["port_range"], external["network_tier"]) == ("443", "STANDARD")
    assert "subnetwork" not in external
    paths = lambda lb: [rule["paths"][0] for rule in us_east.resource(  # noqa: E731
        "google_compute_region_url_map", f"region/{lb}/UrlMap")["path_matcher"][0]["path_rule"]]
    assert paths("InternalLoadBalancer") == ["/captioner", "/image-generator"]
    assert paths("PublicLoadBalancer") == ["/upscaler"]
    assert us_east.resource("google_compute_address", "region/InternalLoadBalancer/Address")["subnetwork"] == subnetwork


def test_https_with_the_regions_certificate_and_port_80_redirects(us_east, stacks):
    https = us_east.resource("google_compute_region_target_https_proxy", "region/PublicLoadBalancer/HttpsProxy")
    assert https["ssl_certificates"] == [US_EAST4_CERTIFICATE]
    redirect = us_east.resource("google_compute_region_url_map", "region/PublicLoadBalancer/RedirectUrlMap")
    assert redirect["default_url_redirect"] == {"https_redirect": True, "strip_query": False,
                                                "redirect_response_code": "MOVED_PERMANENTLY_DEFAULT"}
    redirect_rule = us_east.resource("google_compute_forwarding_rule",
                                     "region/PublicLoadBalancer/RedirectForwardingRule")
    assert redirect_rule["port_range"] == "80"
    assert redirect_rule["ip_address"] == us_east.ref("google_compute_address", "region/PublicLoadBalancer/Address",
                                                      "id")
    assert us_east.config["output"]["upscaler_url"]["value"] == (
        f"https://{us_east.ref('google_compute_address', 'region/PublicLoadBalancer/Address', 'address')}/upscaler")
    transcriber = stacks["gcp-us-central"]  # no certificate there: plain HTTP, no redirect
    assert "google_compute_region_target_https_proxy" not in transcriber.types()
    assert transcriber.config["output"]["transcriber_url"]["value"].startswith("http://")


def test_url_map_strips_the_prefix_retries_as_fal_and_answers_404_otherwise(us_central):
    url_map = us_central.resource("google_compute_region_url_map", "region/PublicLoadBalancer/UrlMap")
    # The routes stack names the app stack's backend service by its id: project, region and name.
    service = us_central.resource("google_compute_region_backend_service", "region/transcriber/BackendService")
    backend = f"projects/acme-gpu-platform/regions/{service['region']}/backendServices/{service['name']}"
    not_found = {"weighted_backend_services": [{"backend_service": backend, "weight": 100}],
                 "fault_injection_policy": {"abort": {"http_status": 404, "percentage": 100}}}
    assert url_map["default_route_action"] == not_found
    assert url_map["host_rule"] == [{"hosts": ["*"], "path_matcher": "apps"}]
    assert url_map["path_matcher"] == [{"name": "apps", "default_route_action": not_found, "path_rule": [{
        "paths": ["/transcriber", "/transcriber/*"], "service": backend,
        "route_action": {"url_rewrite": {"path_prefix_rewrite": "/"}, "timeout": {"seconds": "120"},
                         # skip_retry_conditions = ["timeout"]; retry_config: server_error 3, connection_error 5:
                         # 3 for both (never more than the app allows), and never GCP's 5xx (500s, broken streams)
                         "retry_policy": {"num_retries": 3,
                                          "retry_conditions": ["connect-failure", "gateway-error",
                                                               "refused-stream"]}}}]}]


def test_firewall_opens_only_the_groups_ports_to_proxies_and_health_checkers(us_east, us_central):
    rule = us_east.resource("google_compute_firewall", "region/image-generator/Firewall")
    assert rule == {
        "name": "acme-image-generator-us-east4-lb",
        "description": "Load balancer proxies and health checks to image-generator's runners in us-east4",
        "network": us_east.ref("google_compute_subnetwork", "region/Network/Subnetwork", "network", kind="data"),
        "direction": "INGRESS", "priority": 1000,
        "source_ranges": ["130.211.0.0/22", "35.191.0.0/16", "10.126.10.0/23"],
        "target_service_accounts": [us_east.ref("google_service_account", "region/image-generator/ServiceAccount/"
                                                "Resource", "email")],
        "allow": [{"protocol": "tcp", "ports": ["8079", "8080"]}]}
    assert us_east.resource("google_compute_firewall", "region/captioner/Firewall")["allow"] == [
        {"protocol": "tcp", "ports": ["8000"]}]
    configured = us_central.resource("google_compute_firewall", "region/transcriber/Firewall")
    assert configured["source_ranges"][2] == us_central.ref(
        "google_compute_subnetwork", "region/Network/ProxyOnlySubnet", "ip_cidr_range", kind="data")


def test_default_network_gets_a_proxy_only_subnet_and_nat(us_east):
    assert us_east.resource("google_compute_subnetwork", "region/Network/ProxyOnlySubnet") == {
        "name": "acme-us-east4-proxy-only", "network": "default", "region": "us-east4",
        "ip_cidr_range": "10.126.10.0/23", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}
    assert us_east.data("google_compute_subnetwork", "region/Network/Subnetwork") == {
        "name": "default", "region": "us-east4"}
    nat = us_east.resource("google_compute_router_nat", "region/Network/Nat")
    assert nat["source_subnetwork_ip_ranges_to_nat"] == "LIST_OF_SUBNETWORKS"
    assert nat["subnetwork"] == [{"name": us_east.ref("google_compute_subnetwork", "region/Network/Subnetwork",
                                                      "self_link", kind="data"),
                                  "source_ip_ranges_to_nat": ["PRIMARY_IP_RANGE"]}]


def test_configured_network_is_looked_up_not_created(us_central):
    assert us_central.data("google_compute_subnetwork", "region/Network/Subnetwork") == {
        "name": "acme-gpu-us-central1", "region": "us-central1"}
    assert us_central.data("google_compute_subnetwork", "region/Network/ProxyOnlySubnet") == {
        "name": "acme-gpu-us-central1-proxy-only", "region": "us-central1"}
    assert not {"google_compute_subnetwork", "google_compute_router", "google_compute_router_nat"} & us_central.types()


@pytest.mark.parametrize(("app", "secrets"), [
    ("captioner", []),  # its Docker Hub login serves its build (base image), not its runners
    ("image-generator", []),
    ("upscaler", []),  # its registry login serves its build too
])
def test_runners_read_only_their_own_secrets(us_east, app, secrets):
    bindings = {path: binding for path, binding in us_east.resources("google_secret_manager_secret_iam_member").items()
                if path.startswith(f"region/{app}/")}
    assert sorted(binding["secret_id"] for binding in bindings.values()) == [f"acme-{name}" for name in secrets]
    member = us_east.ref("google_service_account", f"region/{app}/ServiceAccount/Resource", "member")
    assert all(binding == {"secret_id": binding["secret_id"], "role": "roles/secretmanager.secretAccessor",
                           "member": member} for binding in bindings.values())


def test_service_account_pulls_images_writes_logs_and_metrics_and_finds_the_data_volume(stacks):
    central = stacks["gcp-us-central"]
    account = central.resource("google_service_account", "region/transcriber/ServiceAccount/Resource")
    assert account["account_id"] == "acme-transcriber-us-central1"
    member = central.ref("google_service_account", "region/transcriber/ServiceAccount/Resource", "member")
    assert central.resource("google_artifact_registry_repository_iam_member",
                            "region/transcriber/ServiceAccount/RegistryReader") == {
        "repository": "acme", "location": "us", "role": "roles/artifactregistry.reader", "member": member}
    project_roles = {binding["role"] for binding in central.resources("google_project_iam_member").values()
                     if binding["member"] == member and binding["project"] == "acme-gpu-platform"}
    assert project_roles == {"roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/file.viewer"}
    assert sorted(binding["secret_id"] for binding in central.resources(
        "google_secret_manager_secret_iam_member").values()) == ["acme-GH_TOKEN", "acme-HF_TOKEN"]


def test_data_volume_is_a_filestore_instance_open_to_the_runners_subnetwork_only(stacks):
    central = stacks["gcp-us-central"]
    volume = central.resource("google_filestore_instance", "region/DataVolume")
    assert volume == {
        "name": "acme-data", "location": "us-central1-a", "tier": "BASIC_HDD",
        "description": "/data of acme's runners in us-central1",
        "file_shares": {"name": "data", "capacity_gb": 1024, "nfs_export_options": [{
            "ip_ranges": [central.ref("google_compute_subnetwork", "region/Network/Subnetwork", "ip_cidr_range",
                                      kind="data")],
            "access_mode": "READ_WRITE", "squash_mode": "NO_ROOT_SQUASH"}]},
        "networks": [{"network": "acme-gpu", "modes": ["MODE_IPV4"], "connect_mode": "DIRECT_PEERING"}],
        "deletion_protection_enabled": True, "deletion_protection_reason": "holds the runners' /data"}
    assert stacks["gcp-eu-north"].resource("google_filestore_instance", "region/DataVolume")["location"] == (
        "europe-north1-c")
    assert "google_filestore_instance" not in stacks["gcp-us-east"].types()  # no app there mounts /data


def test_shared_stack_holds_secret_containers_repositories_and_the_private_logs_route(stacks):
    shared = stacks["gcp-shared"]
    secrets = shared.resources("google_secret_manager_secret")
    assert sorted(secrets) == [f"shared/Secrets/{name}" for name in sorted(SECRET_VALUES)]
    for path, secret in secrets.items():
        secret = {key: value for key, value in secret.items() if key != "depends_on"}  # the project's APIs
        assert secret == {"secret_id": f"acme-{path.rsplit('/', 1)[1]}", "replication": {"auto": {}},
                          "deletion_protection": True}
    repositories = shared.resources("google_artifact_registry_repository")
    assert sorted(repositories) == ["shared/Registry/europe", "shared/Registry/us"]
    for path, repository in repositories.items():
        assert (repository["repository_id"], repository["location"], repository["format"]) == (
            "acme", path.rsplit("/", 1)[1], "DOCKER")
        assert repository["docker_config"] == {"immutable_tags": True}
        assert [policy["id"] for policy in repository["cleanup_policies"]] == ["keep-newest", "delete-untagged",
                                                                               "delete-old"]
    sink = shared.resource("google_logging_project_sink", "shared/PrivateLogs/Sink")
    assert sink["destination"] == "logging.googleapis.com/" + shared.ref(
        "google_logging_project_bucket_config", "shared/PrivateLogs/Bucket", "name")
    # Every private app's log name (image-generator, transcriber) starts with the prefix; no app is named, so
    # the filter stays short at any number of apps and the stack does not change when one comes or goes.
    assert sink["filter"] == (
        'log_id("gcplogs-docker-driver") AND jsonPayload.container.metadata.fleetform_log=~"^/acme/private/"')
    assert sink["description"] == "Private logs of acme's apps to acme-private-logs"
    assert "image-generator" not in json.dumps(shared.config)
    exclusion = shared.resource("google_logging_project_exclusion", "shared/PrivateLogs/DefaultExclusion")
    assert exclusion["filter"] == sink["filter"], "what goes to the private bucket stays out of _Default"
    bucket = shared.resource("google_logging_project_bucket_config", "shared/PrivateLogs/Bucket")
    assert (bucket["bucket_id"], bucket["location"], bucket["retention_days"]) == ("acme-private-logs", "global", 30)
    assert shared.resource("google_monitoring_metric_descriptor", "shared/InFlightMetric")["type"] == (
        "custom.googleapis.com/fleetform/in_flight_requests")


def test_no_secret_value_reaches_the_output(stacks, out):
    assert all("google_secret_manager_secret_version" not in stack.types() for stack in stacks.values())
    text = "".join(path.read_text() for path in sorted(out.rglob("*.json")))
    for value in SECRET_VALUES.values():
        assert value not in text
    assert "secret_data" not in text


def test_autoscaler_limits_follow_app_scale_settings(stacks):
    """fal's app_scale_settings = false keeps runtime-tuned limits on deploy; true re-applies the code's."""
    kept = stacks["gcp-us-east"].resource("google_compute_region_autoscaler", "region/image-generator/Autoscaler")
    assert kept["lifecycle"] == {"ignore_changes": ["autoscaling_policy[0].min_replicas",
                                                    "autoscaling_policy[0].max_replicas"]}
    reset = stacks["gcp-us-central"].resource("google_compute_region_autoscaler", "region/transcriber/Autoscaler")
    assert "lifecycle" not in reset


GCP_APIS = {"artifactregistry", "cloudbuild", "cloudresourcemanager", "compute", "file", "iam", "iap", "logging",
            "monitoring", "secretmanager", "storage"}


def test_shared_stack_enables_the_apis_the_platform_uses_and_every_shared_resource_waits_for_them(stacks):
    """Issue 14.9: a fresh project has none of these on; disabling one on destroy would break other workloads."""
    shared = stacks["gcp-shared"]
    services = shared.resources("google_project_service")
    assert services == {f"shared/Service-{api}": {"service": f"{api}.googleapis.com", "project": "acme-gpu-platform",
                                                  "disable_on_destroy": False, "disable_dependent_services": False}
                        for api in GCP_APIS}
    addresses = sorted(shared.address("google_project_service", path) for path in services)
    for type_name in shared.types() - {"google_project_service"}:
        for path, body in shared.resources(type_name).items():
            assert body["depends_on"] == addresses, f"{type_name} {path} does not wait for the project's APIs"


def _agent_config(stack: Stack, app: str) -> dict:
    script = stack.resource("google_compute_instance_template", f"region/{app}/Template")["metadata"]["startup-script"]
    return json.loads(script.split("<<'FLEETFORM_AGENT_CONFIG'\n", 1)[1].split("\nFLEETFORM_AGENT_CONFIG", 1)[0])


def test_each_region_scales_on_its_own_runners_only(stacks):
    """Issue 14.2: image-generator runs a MIG named acme-image-generator in three regions, and Cloud Monitoring sums
    every series a filter matches, so each region's filters name the region its runners publish."""
    regions = {}
    for stack in stacks.values():
        autoscalers = stack.resources("google_compute_region_autoscaler")
        if "region/image-generator/Autoscaler" not in autoscalers:
            continue
        policy = autoscalers["region/image-generator/Autoscaler"]
        region = stack.resource("google_compute_region_instance_group_manager", "region/image-generator/InstanceGroup")[
            "region"]
        regions[stack.name] = region
        in_flight = policy["autoscaling_policy"]["metric"][0]
        assert in_flight["filter"] == ('resource.type = "generic_node" AND resource.label.location = '
                                       f'"{region}" AND resource.label.namespace = "acme-image-generator"')
        labels = _agent_config(stack, "image-generator")["in_flight"]["publish"]["resource_labels"]
        assert labels == {"location": region, "namespace": "acme-image-generator"}
    assert len(set(regions.values())) == 3, regions


def test_each_wake_policy_reads_its_own_regions_load_balancer(stacks):
    """Every region's backend service has the group's name: the wake filter names the region too (issue 14.2)."""
    wakes = []
    for stack in stacks.values():
        for path, autoscaler in stack.resources("google_compute_region_autoscaler").items():
            for metric in autoscaler["autoscaling_policy"]["metric"]:
                if not metric["name"].startswith("loadbalancing.googleapis.com/"):
                    continue  # the runners' in-flight and gauge-missing series
                backend = autoscaler["name"]
                wakes.append(metric["filter"])
                assert metric["filter"].endswith(f'resource.label.backend_target_name = "{backend}" AND '
                                                 f'resource.label.region = "{autoscaler["region"]}"'), path
    assert wakes, "the example has a GCP group that scales to zero"
