"""Small platforms that exercise what the example does not: the default VPC, CPU groups, an app's own
ECR image, a private registry on its own port, probes that only gate traffic, fal's
``app_scale_settings``, and the network settings fleetform refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.check import check_stacks
from fleetform.errors import FleetformError, Problem
from tests.constructs.aws.synthesized import Stack, policy_statements, small_platform, synth

DEFAULT_VPC_APPS = """\
[tool.fal.apps.echo]
machine_type = "M"
auth = "public"
app_scale_settings = true
[tool.fal.apps.echo.image]
image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/team/echo:1.0"

[tool.fal.apps.mirror]
machine_type = "aws:g6.xlarge"
auth = "private"
regions = ["us-east", "us-west"]
[tool.fal.apps.mirror.image]
image = "registry.example.com:5000/ml/mirror:2"
registries = { "registry.example.com:5000" = { username = "bot", password = "$MIRROR_TOKEN" } }
[tool.fal.apps.mirror.health_check]
path = "/ready"
call_regularly = false
failure_threshold = 1
timeout_seconds = 1
"""


@pytest.fixture(scope="module")
def default_vpc(tmp_path_factory) -> tuple[Path, dict[str, Stack]]:
    root = tmp_path_factory.mktemp("default-vpc")
    out = root / "cdktf.out"
    return out, synth(small_platform(root, DEFAULT_VPC_APPS), out)


@pytest.fixture(scope="module")
def us_east(default_vpc) -> Stack:
    return default_vpc[1]["aws-us-east"]


def test_default_vpc_stacks_validate_and_plan_with_real_terraform(default_vpc):
    out, stacks = default_vpc
    report = check_stacks(out)
    assert report.ok, report.render()
    assert sorted(stacks) == ["aws-shared", "aws-us-east", "aws-us-west"]


def test_default_vpc_is_found_through_data_sources(us_east):
    assert us_east.data("aws_vpc", "region/Network/Vpc") == {"default": True}
    vpc_id = us_east.ref("aws_vpc", "region/Network/Vpc", "id", kind="data")
    assert us_east.data("aws_subnets", "region/Network/DefaultSubnets") == {"filter": [
        {"name": "vpc-id", "values": [vpc_id]}, {"name": "default-for-az", "values": ["true"]}]}
    all_subnets = us_east.ref("aws_subnets", "region/Network/DefaultSubnets", "ids", kind="data")
    for balancer in ("InternalLoadBalancer", "PublicLoadBalancer"):
        assert us_east.resource("aws_lb", f"region/{balancer}/LoadBalancer")["subnets"] == all_subnets
    group = us_east.resource("aws_autoscaling_group", "region/echo/InstanceGroup/AutoScalingGroup")
    zones = ["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"]
    assert group["vpc_zone_identifier"] == [
        us_east.ref("aws_subnet", f"region/Network/DefaultSubnet-{zone}", "id", kind="data") for zone in zones]
    assert us_east.data("aws_subnet", "region/Network/DefaultSubnet-use1-az5") == {
        "vpc_id": vpc_id, "availability_zone_id": "use1-az5", "default_for_az": True}


def test_cpu_groups_boot_amazon_linux_with_a_plain_gp3_root(us_east):
    template = us_east.resource("aws_launch_template", "region/echo/InstanceGroup/LaunchTemplate")
    assert template["instance_type"] == "t3.medium"
    assert template["image_id"] == us_east.ref("aws_ssm_parameter", "region/Ami-AmazonLinux2023", "insecure_value",
                                               kind="data")
    assert us_east.data("aws_ssm_parameter", "region/Ami-AmazonLinux2023") == {
        "name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}
    assert template["block_device_mappings"] == [{"device_name": "/dev/xvda", "ebs": {
        "volume_size": 50, "volume_type": "gp3", "encrypted": "true", "delete_on_termination": "true"}}]


def test_an_apps_own_ecr_image_is_pulled_with_rights_on_that_repository_only(us_east):
    statements = policy_statements(us_east, "echo")
    assert statements["PullAppImage"] == {
        "sid": "PullAppImage", "actions": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "resources": [f"arn:{us_east.ref('aws_partition', 'region/Account/Partition', 'partition', kind='data')}"
                      ":ecr:us-west-2:123456789012:repository/team/echo"]}
    assert statements["LogInToEcr"]["resources"] == ["*"]
    assert "ReadAppSecrets" not in statements


def test_a_private_registry_is_reached_on_its_port_with_its_password_secret(us_east):
    statements = policy_statements(us_east, "mirror")
    assert "PullAppImage" not in statements and "LogInToEcr" not in statements
    assert statements["ReadAppSecrets"]["resources"][0].endswith(":secret:acme/MIRROR_TOKEN-??????")
    egress = {path.rsplit("/", 1)[1]: rule["from_port"]
              for path, rule in us_east.resources("aws_vpc_security_group_egress_rule").items()
              if path.startswith("region/mirror/Firewall/Egress")}
    assert egress == {"Egress-443": 443, "Egress-80": 80, "Egress-5000": 5000}


def test_probes_that_only_gate_traffic_keep_ec2_health_checks(us_east):
    group = us_east.resource("aws_autoscaling_group", "region/mirror/InstanceGroup/AutoScalingGroup")
    assert group["health_check_type"] == "EC2"
    health = us_east.resource("aws_lb_target_group", "region/mirror/Route/TargetGroup")["health_check"]
    assert (health["path"], health["port"], health["timeout"], health["unhealthy_threshold"]) == (
        "/ready", "traffic-port", 2, 2)


@pytest.mark.parametrize("app, ignored", [
    ("echo", ["desired_capacity"]),
    ("mirror", ["desired_capacity", "max_size", "min_size"]),
])
def test_app_scale_settings_decides_whether_applies_reset_the_size_limits(us_east, app, ignored):
    group = us_east.resource("aws_autoscaling_group", f"region/{app}/InstanceGroup/AutoScalingGroup")
    assert group["lifecycle"]["ignore_changes"] == ignored


def test_shared_stack_without_built_images_holds_only_secret_containers(default_vpc):
    shared = default_vpc[1]["aws-shared"]
    assert shared.types() == {"aws_secretsmanager_secret"}
    assert shared.resource("aws_secretsmanager_secret", "shared/Secrets/MIRROR_TOKEN") == {
        "name": "acme/MIRROR_TOKEN", "recovery_window_in_days": 30, "replica": [{"region": "us-west-2"}],
        "description": "fleetform acme: MIRROR_TOKEN, exposed to the apps that list it (value set outside "
                       "Terraform)"}


ONE_PUBLIC_APP = """\
[tool.fal.apps.echo]
machine_type = "M"
auth = "public"
[tool.fal.apps.echo.image]
image = "python:3.12-slim"
"""


@pytest.mark.parametrize("network, problem", [
    pytest.param(
        """
        [tool.fleetform.networks.aws.us-east-1]
        vpc_id = "vpc-0a1b2c3d4e5f60718"
        private_subnets = { use1-az1 = "subnet-0aa1", use1-az2 = "subnet-0aa2" }
        public_subnets = { use1-az1 = "subnet-0ba1" }
        """,
        Problem("plan/load-balancer-zones", "tool.fleetform.networks.aws.us-east-1.public_subnets",
                "the internet-facing load balancer in us-east-1 needs subnets in at least 2 AZ IDs; public_subnets "
                "has 1", "2 or more AZ ID = subnet pairs", "add subnets in other AZ IDs to public_subnets"),
        id="one-public-subnet"),
    pytest.param(
        """
        [tool.fleetform.networks.aws.us-east-1]
        vpc_id = "vpc-0a1b2c3d4e5f60718"
        private_subnets = { use1-az1 = "subnet-0aa1", use1-az2 = "subnet-0aa2" }
        public_subnets = { use1-az4 = "subnet-0ba4", use1-az6 = "subnet-0ba6" }
        """,
        Problem("plan/no-subnet", "tool.fleetform.networks.aws.us-east-1.public_subnets",
                "app 'echo' (public) runs t3.medium, offered in us-east-1 only in AZ IDs use1-az1, use1-az2, "
                "use1-az4, use1-az5, use1-az6, and none of them has a private subnet and a public subnet (its "
                "internet-facing load balancer's)",
                "use1-az1, use1-az2, use1-az4, use1-az5, use1-az6",
                "add a private subnet (and, for public or shared apps, a public subnet) in one of those AZ IDs"),
        id="no-zone-with-both-subnets"),
])
def test_fails_on_networks_a_load_balancer_cannot_serve(tmp_path, network, problem):
    """Refused by the plan (so `validate` and `explain` say it too), at the platform file's key."""
    with pytest.raises(FleetformError) as raised:
        synth(small_platform(tmp_path, ONE_PUBLIC_APP, platform_extra=network), tmp_path / "cdktf.out")
    (found,) = raised.value.problems
    assert found.where.endswith(f"platform/pyproject.toml: {problem.where}")
    assert found == Problem(problem.code, found.where, problem.message, problem.allowed, problem.fix)


def test_public_apps_run_only_where_the_public_load_balancer_has_a_subnet(tmp_path):
    network = """
        [tool.fleetform.networks.aws.us-east-1]
        vpc_id = "vpc-0a1b2c3d4e5f60718"
        private_subnets = { use1-az1 = "subnet-0aa1", use1-az2 = "subnet-0aa2", use1-az4 = "subnet-0aa4" }
        public_subnets = { use1-az2 = "subnet-0ba2", use1-az4 = "subnet-0ba4" }
        """
    stacks = synth(small_platform(tmp_path, ONE_PUBLIC_APP, platform_extra=network), tmp_path / "cdktf.out")
    group = stacks["aws-us-east"].resource("aws_autoscaling_group", "region/echo/InstanceGroup/AutoScalingGroup")
    assert group["vpc_zone_identifier"] == ["subnet-0aa2", "subnet-0aa4"]
    assert stacks["aws-us-east"].resource("aws_lb", "region/PublicLoadBalancer/LoadBalancer")["subnets"] == [
        "subnet-0ba2", "subnet-0ba4"]
