"""The example platform on AWS alone: targeted assertions on every kind of resource, real Terraform on
every stack, and no secret value anywhere in the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetform.check import check_stacks
from tests.constructs.aws.synthesized import Stack, aws_example, boot_script, policy_statements, read_stacks, synth

OTHER_REGIONS = ["eu-north-1", "eu-west-2", "us-east-2", "us-west-2"]
US_EAST_PRIVATE_SUBNETS = ["subnet-0aa1", "subnet-0aa2", "subnet-0aa4", "subnet-0aa6"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("aws-example") / "cdktf.out"


@pytest.fixture(scope="module")
def stacks(tmp_path_factory, out) -> dict[str, Stack]:
    return synth(aws_example(tmp_path_factory.mktemp("examples")), out)


@pytest.fixture(scope="module")
def us_east(stacks) -> Stack:
    return stacks["aws-us-east"]


def test_a_base_stack_per_region_a_stack_per_app_and_a_shared_one(out, stacks):
    assert sorted(stacks) == ["aws-eu-north", "aws-eu-west", "aws-shared", "aws-us-central", "aws-us-east",
                              "aws-us-west"]
    assert stacks["aws-us-east"].members == ("aws-us-east", "aws-us-east--captioner", "aws-us-east--image-generator",
                                             "aws-us-east--upscaler")
    # The base stack holds what the region's apps share, each app's stack that app's resources only.
    assert sorted(read_stacks(out)["aws-us-east"].types()) == [
        "aws_kms_alias", "aws_kms_key", "aws_lb", "aws_lb_listener", "aws_security_group",
        "aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"]
    captioner = read_stacks(out)["aws-us-east--captioner"]
    assert all(body["//"]["metadata"]["path"].startswith("aws-us-east--captioner/region/captioner/")
               for blocks in captioner.config["resource"].values() for body in blocks.values())


def test_every_stack_validates_and_plans_with_real_terraform(out, stacks):
    report = check_stacks(out)
    assert report.ok, report.render()
    assert sorted(result.name for result in report.stacks) == sorted(read_stacks(out))


def test_image_generator_prefers_p5_then_falls_back_to_p4d_in_its_zones(us_east):
    group = us_east.resource("aws_autoscaling_group", "region/image-generator/InstanceGroup/AutoScalingGroup")
    template = us_east.resource("aws_launch_template", "region/image-generator/InstanceGroup/LaunchTemplate")
    policy = group["mixed_instances_policy"]
    # Issue 14.7: one runner per GPU, so a p4d.24xlarge counts as 8 runners of capacity (min/max are runners)
    assert [(o["instance_type"], o["weighted_capacity"]) for o in policy["launch_template"]["override"]] == [
        ("p5.4xlarge", "1"), ("p4d.24xlarge", "8")]
    assert policy["instances_distribution"]["on_demand_allocation_strategy"] == "prioritized"
    assert policy["launch_template"]["launch_template_specification"] == {
        "launch_template_id": us_east.ref("aws_launch_template", "region/image-generator/InstanceGroup/LaunchTemplate",
                                          "id"),
        "version": us_east.ref("aws_launch_template", "region/image-generator/InstanceGroup/LaunchTemplate",
                               "latest_version"),
    }
    assert template["instance_type"] == "p5.4xlarge"
    assert group["vpc_zone_identifier"] == US_EAST_PRIVATE_SUBNETS
    assert (group["name"], group["min_size"], group["max_size"]) == ("acme-image-generator", 0, 10)
    assert group["wait_for_capacity_timeout"] == "0"
    assert "desired_capacity" not in group
    assert "desired_capacity" in group["lifecycle"]["ignore_changes"]


def test_launch_template_requires_imdsv2_and_encrypts_the_root_volume(us_east):
    template = us_east.resource("aws_launch_template", "region/image-generator/InstanceGroup/LaunchTemplate")
    assert template["metadata_options"] == {"http_endpoint": "enabled", "http_tokens": "required",
                                            "http_put_response_hop_limit": 1,  # containers cannot reach IMDS
                                            "instance_metadata_tags": "enabled"}  # the runner reads the digest tag
    assert template["block_device_mappings"] == [{"device_name": "/dev/sda1", "ebs": {
        "volume_size": 250, "volume_type": "gp3", "encrypted": "true", "delete_on_termination": "true",
        "iops": 6000, "throughput": 500}}]
    assert template["image_id"] == us_east.ref("aws_ssm_parameter", "region/Ami-DeepLearningBaseGpu",
                                               "insecure_value", kind="data")
    assert us_east.data("aws_ssm_parameter", "region/Ami-DeepLearningBaseGpu") == {
        "name": "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"}
    assert template["name_prefix"] == "acme-image-generator-"
    assert template["update_default_version"] is True
    assert template["iam_instance_profile"] == {
        "arn": us_east.ref("aws_iam_instance_profile", "region/image-generator/Identity/InstanceProfile", "arn")}
    for specification in template["tag_specifications"]:
        assert specification["tags"]["fleetform:app"] == "image-generator"
        assert specification["tags"]["fleetform:team"] == "imaging"


def test_the_boot_script_is_the_groups_own(us_east):
    script = boot_script(us_east, "image-generator")
    assert script.startswith("#!")
    assert "acme/image-generator" in script


def test_rolling_launches_before_terminating_and_recreate_replaces_everything_at_once(us_east):
    rolling = us_east.resource("aws_autoscaling_group", "region/captioner/InstanceGroup/AutoScalingGroup")
    recreate = us_east.resource("aws_autoscaling_group", "region/upscaler/InstanceGroup/AutoScalingGroup")
    assert rolling["instance_refresh"] == {"strategy": "Rolling", "preferences": {
        "min_healthy_percentage": 100, "max_healthy_percentage": 200, "instance_warmup": "600",
        "skip_matching": True, "auto_rollback": True, "scale_in_protected_instances": "Refresh"}}
    assert recreate["instance_refresh"] == {"strategy": "Rolling", "preferences": {
        "min_healthy_percentage": 0, "max_healthy_percentage": 100, "instance_warmup": "600",
        "skip_matching": True, "auto_rollback": True, "scale_in_protected_instances": "Refresh"}}


@pytest.mark.parametrize("app, request_timeout, heartbeat", [
    ("image-generator", 300, 300 + 20 + 65),  # request_timeout + grace + poll and margin
    ("captioner", 3600, 3600 + 5 + 65),
])
def test_terminating_runners_finish_their_requests_before_they_stop(us_east, app, request_timeout, heartbeat):
    """Issue 14.3: a 5-20 s deregistration delay and a hook of grace + 65 s cut requests of up to request_timeout."""
    hook = us_east.resource("aws_autoscaling_lifecycle_hook", f"region/{app}/InstanceGroup/DrainHook")
    assert hook == {
        "autoscaling_group_name": us_east.ref("aws_autoscaling_group", f"region/{app}/InstanceGroup/AutoScalingGroup",
                                              "name"),
        "name": "fleetform-drain",
        "lifecycle_transition": "autoscaling:EC2_INSTANCE_TERMINATING",
        "heartbeat_timeout": heartbeat,
        "default_result": "CONTINUE",
    }
    target_group = us_east.resource("aws_lb_target_group", f"region/{app}/Route/TargetGroup")
    assert target_group["deregistration_delay"] == str(request_timeout)


@pytest.mark.parametrize("app, load_balancer", [
    ("captioner", "InternalLoadBalancer"), ("image-generator", "InternalLoadBalancer"),
    ("upscaler", "PublicLoadBalancer"),
])
def test_private_apps_sit_behind_the_internal_load_balancer(us_east, app, load_balancer):
    rule = us_east.resource("aws_lb_listener_rule", f"region/{app}/Route/ListenerRule")
    # The app's stack finds the base stack's load balancer by name and its listener by port.
    assert rule["listener_arn"] == us_east.ref("aws_lb_listener", f"region/{load_balancer}/Listener", "arn",
                                               kind="data")
    assert us_east.data("aws_lb_listener", f"region/{load_balancer}/Listener") == {
        "load_balancer_arn": us_east.ref("aws_lb", f"region/{load_balancer}/LoadBalancer", "arn", kind="data"),
        "port": us_east.resource("aws_lb_listener", f"region/{load_balancer}/Listener")["port"]}
    assert us_east.data("aws_lb", f"region/{load_balancer}/LoadBalancer") == {
        "name": us_east.resource("aws_lb", f"region/{load_balancer}/LoadBalancer")["name"]}


def test_load_balancers_by_exposure(us_east):
    internal = us_east.resource("aws_lb", "region/InternalLoadBalancer/LoadBalancer")
    public = us_east.resource("aws_lb", "region/PublicLoadBalancer/LoadBalancer")
    assert (internal["internal"], internal["name"], internal["subnets"]) == (True, "acme-internal",
                                                                               US_EAST_PRIVATE_SUBNETS)
    assert (public["internal"], public["name"], public["subnets"]) == (False, "acme-public",
                                                                        ["subnet-0ba1", "subnet-0ba2"])
    for balancer in (internal, public):
        assert balancer["drop_invalid_header_fields"] is True
        assert balancer["load_balancer_type"] == "application"
    # captioner keeps fal's default 3600 s; image-generator asks 300 s: the internal one waits 3600.
    assert internal["idle_timeout"] == 3600
    ingress = {path: rule for path, rule in us_east.resources("aws_vpc_security_group_ingress_rule").items()
               if path.endswith("LoadBalancer/ListenerIngress")}
    assert ingress["region/InternalLoadBalancer/ListenerIngress"]["cidr_ipv4"] == us_east.ref(
        "aws_vpc", "region/Network/Vpc", "cidr_block", kind="data")
    assert ingress["region/PublicLoadBalancer/ListenerIngress"]["cidr_ipv4"] == "0.0.0.0/0"
    assert {rule["from_port"] for rule in ingress.values()} == {443}


def test_https_listener_answers_404_for_unknown_paths(us_east):
    listener = us_east.resource("aws_lb_listener", "region/PublicLoadBalancer/Listener")
    assert (listener["protocol"], listener["port"], listener["ssl_policy"]) == (
        "HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")
    assert listener["certificate_arn"].startswith("arn:aws:acm:us-east-1:111111111111:certificate/")
    assert listener["default_action"] == [{"type": "fixed-response", "fixed_response": {
        "content_type": "application/json", "message_body": '{"detail":"no app is served at this path"}',
        "status_code": "404"}}]


def test_without_a_certificate_the_load_balancer_speaks_http_and_warns(stacks, out):
    eu_north = stacks["aws-eu-north"]
    listener = eu_north.resource("aws_lb_listener", "region/PublicLoadBalancer/Listener")
    assert (listener["protocol"], listener["port"]) == ("HTTP", 80)
    assert "certificate_arn" not in listener and "ssl_policy" not in listener
    ingress = eu_north.resource("aws_vpc_security_group_ingress_rule", "region/PublicLoadBalancer/ListenerIngress")
    assert (ingress["from_port"], ingress["to_port"], ingress["cidr_ipv4"]) == (80, 80, "0.0.0.0/0")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stacks"]["aws-eu-north"]["annotations"] == [{
        "constructPath": "aws-eu-north/region/PublicLoadBalancer",
        "level": "@cdktf/warn",
        "message": "no certificate for this region: the load balancer listens on plain HTTP (port 80), fit for "
                   "trying fleetform out only; set [tool.fleetform.aws.certificates]",
    }]


def test_shared_apps_pass_jwt_validation_before_forward(us_east):
    """Issue 14.6: issuer and JWKS alone admit any token of the identity provider, for any audience; the rule also
    requires the platform's audience and its group membership claim."""
    rule = us_east.resource("aws_lb_listener_rule", "region/upscaler/Route/ListenerRule")
    assert rule["action"] == [
        {"type": "jwt-validation", "order": 1, "jwt_validation": {
            "issuer": "https://login.acme.example/oauth2/default",
            "jwks_endpoint": "https://login.acme.example/oauth2/default/v1/keys",
            "additional_claim": [
                {"name": "aud", "format": "single-string", "values": ["api://acme-fleet"]},
                {"name": "groups", "format": "string-array", "values": ["ml-platform"]}]}},
        {"type": "forward", "order": 2,
         "target_group_arn": us_east.ref("aws_lb_target_group", "region/upscaler/Route/TargetGroup", "arn")},
    ]


def test_only_a_load_balancer_with_shared_apps_reaches_out_for_the_jwks(stacks, us_east):
    egress = us_east.resource("aws_vpc_security_group_egress_rule", "region/PublicLoadBalancer/JwksEgress")
    assert (egress["from_port"], egress["cidr_ipv4"], egress["security_group_id"]) == (
        443, "0.0.0.0/0", us_east.ref("aws_security_group", "region/PublicLoadBalancer/SecurityGroup", "id"))
    load_balancer_egress = [path for stack in stacks.values()
                            for path in stack.resources("aws_vpc_security_group_egress_rule")
                            if path.endswith("LoadBalancer/JwksEgress")]
    assert load_balancer_egress == ["region/PublicLoadBalancer/JwksEgress"]


def test_listener_rule_matches_the_prefix_and_strips_it(us_east):
    rule = us_east.resource("aws_lb_listener_rule", "region/captioner/Route/ListenerRule")
    assert rule["priority"] == 14407
    assert rule["condition"] == [{"path_pattern": {"values": ["/captioner", "/captioner/*"]}}]
    assert rule["transform"] == [{"type": "url-rewrite", "url_rewrite_config": {
        "rewrite": {"regex": "^/captioner/?(.*)$", "replace": "/$1"}}}]
    assert rule["action"] == [{"type": "forward", "order": 1, "target_group_arn": us_east.ref(
        "aws_lb_target_group", "region/captioner/Route/TargetGroup", "arn")}]


@pytest.mark.parametrize("app, port, probe, grace", [
    ("image-generator", 8080, {"port": "8079", "path": "/fleetform/health", "matcher": "200-399", "timeout": 10}, 900),
    ("captioner", 8000, {"port": "traffic-port", "path": "/health", "matcher": "200-399", "timeout": 5}, 600),
])
def test_target_groups_probe_what_the_plan_says(us_east, app, port, probe, grace):
    target_group = us_east.resource("aws_lb_target_group", f"region/{app}/Route/TargetGroup")
    assert (target_group["port"], target_group["protocol"], target_group["target_type"]) == (port, "HTTP", "instance")
    assert target_group["load_balancing_algorithm_type"] == "least_outstanding_requests"
    assert target_group["health_check"] == {"enabled": True, "protocol": "HTTP", "interval": 15,
                                            "healthy_threshold": 2, "unhealthy_threshold": 3, **probe}
    group = us_east.resource("aws_autoscaling_group", f"region/{app}/InstanceGroup/AutoScalingGroup")
    assert group["target_group_arns"] == [us_east.ref("aws_lb_target_group", f"region/{app}/Route/TargetGroup",
                                                      "arn")]
    assert (group["health_check_type"], group["health_check_grace_period"]) == ("ELB", grace)


def test_runners_take_traffic_from_their_load_balancer_only(us_east):
    ingress = {path.rsplit("/", 1)[1]: rule
               for path, rule in us_east.resources("aws_vpc_security_group_ingress_rule").items()
               if path.startswith("region/image-generator/")}
    internal_group = us_east.ref("aws_security_group", "region/InternalLoadBalancer/SecurityGroup", "id", kind="data")
    created = us_east.resource("aws_security_group", "region/InternalLoadBalancer/SecurityGroup")
    assert us_east.data("aws_security_group", "region/InternalLoadBalancer/SecurityGroup")["filter"] == [
        {"name": "vpc-id", "values": [created["vpc_id"]]},
        {"name": "group-name", "values": [created["name_prefix"] + "*"]},
        {"name": "description", "values": [created["description"]]}]
    # Issue 14.7: its p4d.24xlarge fallback carries 8 runners on ports 8080-8087
    assert {name: (rule["from_port"], rule["to_port"], rule["referenced_security_group_id"])
            for name, rule in ingress.items()} == {
        "LoadBalancerIngress-8079": (8079, 8079, internal_group),
        "LoadBalancerIngress-8080": (8080, 8087, internal_group)}
    egress = us_east.resource("aws_vpc_security_group_egress_rule",
                              "region/image-generator/Firewall/LoadBalancerEgress-8080")
    assert (egress["from_port"], egress["to_port"]) == (8080, 8087)
    for rule in us_east.resources("aws_vpc_security_group_ingress_rule").values():
        assert rule["from_port"] != 22
        assert "cidr_ipv4" not in rule or rule["from_port"] == 443


def test_iam_policies_name_only_the_apps_own_secrets_and_repository(stacks, us_east):
    captioner = policy_statements(us_east, "captioner")
    # The captioner's Docker Hub login is for its build's base image; its runners pull from the platform's ECR.
    assert "ReadAppSecrets" not in captioner
    assert captioner["PullAppImage"]["resources"] == [
        f"arn:{us_east.ref('aws_partition', 'region/Account/Partition', 'partition', kind='data')}:ecr:us-east-1:"
        f"{us_east.ref('aws_caller_identity', 'region/Account/CallerIdentity', 'account_id', kind='data')}:"
        "repository/acme/captioner"]
    assert "ReadAppSecrets" not in policy_statements(us_east, "image-generator")
    transcriber = policy_statements(stacks["aws-us-central"], "transcriber")
    assert [arn.rsplit(":", 1)[1] for arn in transcriber["ReadAppSecrets"]["resources"]] == [
        "acme/GH_TOKEN-??????", "acme/HF_TOKEN-??????"]
    assert transcriber["PublishInFlightMetric"]["condition"] == [
        {"test": "StringEquals", "variable": "cloudwatch:namespace", "values": ["Fleetform/Runners"]}]


def test_runners_may_protect_only_their_own_group_from_scale_in(us_east):
    """Issue 14.3: the agent protects its busy instance; least privilege: its own ASG, one action."""
    for app in ("image-generator", "captioner"):
        statements = policy_statements(us_east, app)
        assert statements["ProtectOwnBusyRunner"]["actions"] == ["autoscaling:SetInstanceProtection"]
        assert statements["ProtectOwnBusyRunner"]["resources"] == statements["CompleteOwnTerminationHook"][
            "resources"]
        assert statements["ProtectOwnBusyRunner"]["resources"][0].endswith(f":autoScalingGroupName/acme-{app}")


def test_packed_runners_register_their_slots_in_their_own_target_group_only(us_east):
    """Issue 14.7: a host of several runners registers slots 1.. as targets; a one-runner group has no such right."""
    statements = policy_statements(us_east, "image-generator")
    assert statements["RegisterOwnRunnerSlots"]["actions"] == [
        "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"]
    assert statements["RegisterOwnRunnerSlots"]["resources"] == [
        us_east.ref("aws_lb_target_group", "region/image-generator/Route/TargetGroup", "arn")]
    assert statements["FindOwnTargetGroup"]["actions"] == ["autoscaling:DescribeAutoScalingGroups"]
    assert "RegisterOwnRunnerSlots" not in policy_statements(us_east, "upscaler")


def test_iam_uses_star_only_where_the_api_has_no_resource_level_permission(stacks):
    allowed = {"LogInToEcr", "PublishInFlightMetric", "SessionManagerShell", "FindOwnTargetGroup"}
    documents = [document for stack in stacks.values()
                 for path, document in stack.data_sources("aws_iam_policy_document").items()
                 if path.endswith("/Identity/PolicyDocument")]
    assert len(documents) == 9  # 8 runner roles and the image build role
    for document in documents:
        for statement in document["statement"]:
            assert not any(action.endswith(":*") for action in statement["actions"]), statement
            if "*" in statement["resources"]:
                assert statement["sid"] in allowed, statement


def test_private_logs_are_encrypted_with_the_regions_private_logs_key(us_east):
    private = us_east.resource("aws_cloudwatch_log_group", "region/image-generator/LogGroup")
    open_ = us_east.resource("aws_cloudwatch_log_group", "region/captioner/LogGroup")
    key = us_east.ref("aws_kms_key", "region/PrivateLogsKey", "arn", kind="data")
    assert us_east.data("aws_kms_key", "region/PrivateLogsKey") == {
        "key_id": us_east.resource("aws_kms_alias", "region/PrivateLogsKey/Alias")["name"]}
    assert (private["name"], private["kms_key_id"], private["retention_in_days"]) == (
        "/acme/private/image-generator", key, 30)
    assert open_["name"] == "/acme/apps/captioner" and "kms_key_id" not in open_
    statement = policy_statements(us_east, "image-generator")["EncryptOwnPrivateLogs"]
    assert statement["resources"] == [key]
    key_policy = us_east.data("aws_iam_policy_document", "region/PrivateLogsKey/KeyPolicy")
    logs = next(s for s in key_policy["statement"] if s["sid"] == "CloudWatchLogsEncryptsPrivateLogGroups")
    assert logs["condition"][0]["values"][0].endswith(":log-group:/acme/private/*")
    assert us_east.resource("aws_kms_key", "region/PrivateLogsKey/Key")["enable_key_rotation"] is True


def test_data_volume_is_encrypted_efs_reachable_from_mounting_runners_only(stacks):
    eu_north = stacks["aws-eu-north"]
    file_system = eu_north.resource("aws_efs_file_system", "region/DataVolume/FileSystem")
    assert (file_system["creation_token"], file_system["encrypted"]) == ("acme-data", True)
    targets = eu_north.resources("aws_efs_mount_target")
    assert list(targets) == [f"region/DataVolume/MountTarget-eun1-az{n}" for n in (1, 2, 3)]
    assert targets["region/DataVolume/MountTarget-eun1-az3"]["subnet_id"] == eu_north.ref(
        "aws_subnet", "region/Network/DefaultSubnet-eun1-az3", "id", kind="data")
    assert eu_north.data("aws_subnet", "region/Network/DefaultSubnet-eun1-az3") == {
        "vpc_id": eu_north.ref("aws_vpc", "region/Network/Vpc", "id", kind="data"),
        "availability_zone_id": "eun1-az3", "default_for_az": True}
    nfs = eu_north.resource("aws_vpc_security_group_ingress_rule", "region/transcriber/Firewall/DataVolumeIngress")
    assert (nfs["from_port"], nfs["referenced_security_group_id"], nfs["security_group_id"]) == (
        2049, eu_north.ref("aws_security_group", "region/transcriber/Firewall/SecurityGroup", "id"),
        eu_north.ref("aws_security_group", "region/DataVolume/SecurityGroup", "id", kind="data"))
    assert eu_north.data("aws_security_group", "region/DataVolume/SecurityGroup")["filter"][1:] == [
        {"name": "group-name", "values": ["acme-data-*"]},
        {"name": "description", "values": [eu_north.resource("aws_security_group",
                                                              "region/DataVolume/SecurityGroup")["description"]]}]
    assert policy_statements(eu_north, "transcriber")["MountDataVolume"]["resources"] == [
        eu_north.ref("aws_efs_file_system", "region/DataVolume/FileSystem", "arn", kind="data")]
    assert eu_north.data("aws_efs_file_system", "region/DataVolume/FileSystem") == {"creation_token": "acme-data"}
    assert "aws_efs_file_system" not in stacks["aws-us-east"].types()


def test_outputs_name_each_load_balancer_and_app_url(us_east):
    outputs = us_east.config["output"]
    public = us_east.ref("aws_lb", "region/PublicLoadBalancer/LoadBalancer", "dns_name")
    found = us_east.ref("aws_lb", "region/PublicLoadBalancer/LoadBalancer", "dns_name", kind="data")
    assert outputs["upscaler_url"]["value"] == f"https://{found}/upscaler"
    assert outputs["public_load_balancer_dns"]["value"] == public
    assert sorted(outputs) == ["captioner_url", "image-generator_url", "internal_load_balancer_dns",
                               "public_load_balancer_dns", "upscaler_url"]


def test_shared_stack_holds_secret_containers_replicated_to_every_other_region(stacks):
    shared = stacks["aws-shared"]
    secrets = shared.resources("aws_secretsmanager_secret")
    assert sorted(secrets) == [f"shared/Secrets/{name}" for name in
                               ("DOCKERHUB_TOKEN", "EXAMPLE_REGISTRY_TOKEN", "GH_TOKEN", "HF_TOKEN", "PIP_TOKEN")]
    for path, secret in secrets.items():
        assert secret["name"] == f"acme/{path.rsplit('/', 1)[1]}"
        assert [replica["region"] for replica in secret["replica"]] == OTHER_REGIONS


def test_shared_stack_holds_immutable_scanned_repositories_in_every_region(stacks):
    shared = stacks["aws-shared"]
    repositories = shared.resources("aws_ecr_repository")
    apps = ["captioner", "image-generator", "transcriber", "upscaler"]
    assert sorted(repositories) == sorted(f"shared/Registry/{region}/acme-{app}"
                                          for region in ["us-east-1", *OTHER_REGIONS] for app in apps)
    for path, repository in repositories.items():
        region = path.split("/")[2]
        assert repository.get("region") == (None if region == "us-east-1" else region)
        assert repository["image_tag_mutability"] == "IMMUTABLE"
        assert repository["image_scanning_configuration"] == {"scan_on_push": True}
        assert repository["encryption_configuration"] == [{"encryption_type": "KMS"}]
    assert len(shared.resources("aws_ecr_lifecycle_policy")) == len(repositories)
    rule = shared.resource("aws_ecr_replication_configuration", "shared/Registry/Replication")[
        "replication_configuration"]["rule"]
    assert rule[0]["repository_filter"] == [{"filter": "acme/", "filter_type": "PREFIX_MATCH"}]
    assert [destination["region"] for destination in rule[0]["destination"]] == OTHER_REGIONS


def test_no_secret_value_reaches_the_output(stacks, out):
    assert all("aws_secretsmanager_secret_version" not in stack.types() for stack in stacks.values())
    text = "".join(path.read_text() for path in sorted(out.rglob("*.json")))
    for fragment in ("secret_string", "secret_binary", "$DOCKERHUB_TOKEN", "$PIP_TOKEN", "$EXAMPLE_REGISTRY_TOKEN"):
        assert fragment not in text
    script = boot_script(stacks["aws-us-east"], "captioner")
    # The Docker Hub login is the build's (base image); the runner never reads it.
    assert "acme/DOCKERHUB_TOKEN" not in script and "$DOCKERHUB_TOKEN" not in script


def test_eu_north_transcriber_runs_in_every_zone_offering_one_of_its_types(stacks):
    """Issue 14.8: p4d.24xlarge and p5.48xlarge are offered together only in eun1-az3; a mixed-instances ASG
    launches, per zone, a type that zone offers, so the group spans every zone offering either."""
    eu_north = stacks["aws-eu-north"]
    group = eu_north.resource("aws_autoscaling_group", "region/transcriber/InstanceGroup/AutoScalingGroup")
    assert group["vpc_zone_identifier"] == [
        eu_north.ref("aws_subnet", f"region/Network/DefaultSubnet-eun1-az{n}", "id", kind="data") for n in (1, 2, 3)]
    overrides = group["mixed_instances_policy"]["launch_template"]["override"]
    assert [override["instance_type"] for override in overrides] == ["p4d.24xlarge", "p5.48xlarge"]
    # Issue 14.7: num_gpus = 2 on 8-GPU hosts packs 4 runners per host of either type
    assert [override["weighted_capacity"] for override in overrides] == ["4", "4"]
