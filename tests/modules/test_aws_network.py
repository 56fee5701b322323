"""modules/aws-network: its example validates and plans offline, with the network fleetform expects.

The example places three AZs by AZ ID in us-east-1, overrides one private subnet's CIDR, keeps one
NAT gateway per AZ and adds five interface endpoints.
"""

from __future__ import annotations

import json

import pytest

from tests.modules.module_docs import expected_readme
from tests.modules.roots import MODULES_DIR, Checked, CheckOnce, Resources, checked_example, example_dir, planned

pytestmark = pytest.mark.terraform

AZ_IDS = ("use1-az1", "use1-az2", "use1-az3")
ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts")
M = "module.network"


@pytest.fixture(scope="module")
def example(check_once: CheckOnce) -> Checked:
    return check_once("aws-network-example", lambda folder: checked_example("aws-network", folder))


@pytest.fixture(scope="module")
def resources(example: Checked) -> Resources:
    return planned(example[1])


def test_example_validates_and_plans_without_diagnostics(example: Checked) -> None:
    result, plan = example
    assert (result.ok, result.diagnostics, result.resource_count) == (True, (), 43)
    assert plan["errored"] is False


def test_nothing_was_written_into_the_example(example: Checked) -> None:
    assert sorted(path.name for path in example_dir("aws-network").iterdir()) == [
        "main.tf",
        "outputs.tf",
        "versions.tf",
    ]


def test_one_private_and_one_public_subnet_per_az_id(resources: Resources) -> None:
    subnets = {
        address: (
            after["availability_zone_id"],
            after["cidr_block"],
            after["map_public_ip_on_launch"],
            after["tags"]["Tier"],
        )
        for address, after in resources.items()
        if address.startswith(f"{M}.aws_subnet.")
    }
    assert subnets == {
        f'{M}.aws_subnet.private["use1-az1"]': ("use1-az1", "10.20.0.0/19", False, "private"),
        f'{M}.aws_subnet.private["use1-az2"]': ("use1-az2", "10.20.32.0/19", False, "private"),
        f'{M}.aws_subnet.private["use1-az3"]': ("use1-az3", "10.20.128.0/18", False, "private"),  # given
        f'{M}.aws_subnet.public["use1-az1"]': ("use1-az1", "10.20.224.0/22", False, "public"),
        f'{M}.aws_subnet.public["use1-az2"]': ("use1-az2", "10.20.228.0/22", False, "public"),
        f'{M}.aws_subnet.public["use1-az3"]': ("use1-az3", "10.20.232.0/22", False, "public"),
    }
    assert all("availability_zone" not in after for address, after in resources.items() if ".aws_subnet." in address)


def test_every_private_subnet_routes_to_the_nat_gateway_of_its_az(resources: Resources) -> None:
    assert _keys(resources, "aws_nat_gateway.this") == set(AZ_IDS)
    assert _keys(resources, "aws_eip.nat") == set(AZ_IDS)
    assert {resources[f'{M}.aws_eip.nat["{az}"]']["domain"] for az in AZ_IDS} == {"vpc"}
    assert _keys(resources, "aws_route_table.private") == set(AZ_IDS)
    assert _keys(resources, "aws_route.private_nat") == set(AZ_IDS)
    assert {resources[f'{M}.aws_route.private_nat["{az}"]']["destination_cidr_block"] for az in AZ_IDS} == {"0.0.0.0/0"}
    assert resources[f"{M}.aws_route.public_internet"]["destination_cidr_block"] == "0.0.0.0/0"


def test_the_nat_route_of_an_az_names_that_az_s_gateway(example: Checked) -> None:
    route = next(
        resource
        for resource in example[1]["configuration"]["root_module"]["module_calls"]["network"]["module"]["resources"]
        if resource["address"] == "aws_route.private_nat"
    )
    assert route["expressions"]["nat_gateway_id"]["references"][:2] == ["aws_nat_gateway.this", "each.value"]


def test_the_default_security_group_loses_every_rule(resources: Resources) -> None:
    group = resources[f"{M}.aws_default_security_group.this[0]"]
    assert (group["ingress"], group["egress"]) == ([], [])


def test_s3_gateway_and_interface_endpoints(resources: Resources) -> None:
    s3 = resources[f"{M}.aws_vpc_endpoint.s3"]
    assert (s3["vpc_endpoint_type"], s3["service_name"], len(s3["route_table_ids"])) == (
        "Gateway",
        "com.amazonaws.us-east-1.s3",
        len(AZ_IDS),
    )
    interfaces = {
        address: (after["vpc_endpoint_type"], after["service_name"], after["private_dns_enabled"])
        for address, after in resources.items()
        if address.startswith(f"{M}.aws_vpc_endpoint.interface")
    }
    assert interfaces == {
        f'{M}.aws_vpc_endpoint.interface["{service}"]': ("Interface", f"com.amazonaws.us-east-1.{service}", True)
        for service in ENDPOINTS
    }
    https = resources[f"{M}.aws_vpc_security_group_ingress_rule.endpoints_https[0]"]
    assert (https["ip_protocol"], https["from_port"], https["to_port"]) == ("tcp", 443, 443)


def test_flow_log_to_an_encrypted_log_group(resources: Resources) -> None:
    flow_log = resources[f"{M}.aws_flow_log.this"]
    assert (flow_log["traffic_type"], flow_log["log_destination_type"], flow_log["max_aggregation_interval"]) == (
        "ALL",
        "cloud-watch-logs",
        60,
    )
    group = resources[f"{M}.aws_cloudwatch_log_group.flow_log"]
    assert (group["name"], group["retention_in_days"]) == ("/aws/vpc-flow-logs/acme-gpu", 90)
    key = resources[f"{M}.aws_kms_key.flow_log[0]"]
    assert (key["enable_key_rotation"], key["deletion_window_in_days"]) == (True, 30)
    statements = {statement["Sid"]: statement for statement in json.loads(key["policy"])["Statement"]}
    assert statements["CloudWatchLogsUsesTheKeyForTheFlowLogGroup"]["Principal"] == {
        "Service": "logs.us-east-1.amazonaws.com"
    }
    assert statements["CloudWatchLogsUsesTheKeyForTheFlowLogGroup"]["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": (
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/acme-gpu"
            )
        }
    }


def test_flow_log_role_is_least_privilege(resources: Resources) -> None:
    role = resources[f"{M}.aws_iam_role.flow_log"]
    assert role["name"] == "acme-gpu-us-east-1-vpc-flow-logs"
    assert json.loads(role["assume_role_policy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
                "StringEquals": {"aws:SourceAccount": "123456789012"},
            },
        }
    ]
    group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/acme-gpu"
    assert json.loads(resources[f"{M}.aws_iam_role_policy.flow_log"]["policy"])["Statement"] == [
        {
            "Sid": "WriteTheFlowLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": f"{group_arn}:*",
        },
        {
            "Sid": "FindTheFlowLogGroup",
            "Effect": "Allow",
            "Action": "logs:DescribeLogGroups",
            "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:*",
        },
    ]


def test_tags_reach_every_taggable_resource(resources: Resources) -> None:
    untagged = [
        address
        for address, after in resources.items()
        if "tags" in after and (after["tags"] or {}).get("cost-center") != "ml-platform"
    ]
    assert untagged == []


def test_the_az_id_precondition_was_evaluated_and_passed(example: Checked) -> None:
    checks = {check["address"]["to_display"]: check["status"] for check in example[1]["checks"]}
    assert checks[f"{M}.aws_vpc.this"] == "pass"


def test_outputs_for_the_platform(example: Checked) -> None:
    assert sorted(example[1]["output_changes"]) == [
        "fleetform_settings",
        "nat_public_ips",
        "private_subnets",
        "public_subnets",
        "vpc_id",
    ]


def _keys(resources: Resources, prefix: str) -> set[str]:
    start = f'{M}.{prefix}["'
    return {address[len(start) : -2] for address in resources if address.startswith(start)}


def test_readme_documents_exactly_the_module_s_inputs_outputs_and_resources(example: Checked) -> None:
    readme = MODULES_DIR / "aws-network" / "README.md"
    assert readme.read_text(encoding="utf-8") == expected_readme("aws-network", example[1]), (
        "run: .venv/bin/python -m tests.modules.module_docs"
    )
