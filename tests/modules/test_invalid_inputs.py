"""Bad module inputs are refused by the modules' own validation, with a message that says what is allowed.

Every case is one module call in a shared root module, so one ``terraform validate`` checks all
single-variable rules; the rules that compare two variables only run when Terraform plans, so their
cases share a second root module. Each error is matched to its case by the line Terraform points at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fleetform.check import Diagnostic, check_module
from tests.modules.roots import CheckOnce, write_root

pytestmark = pytest.mark.terraform

REQUIRED = {
    "aws-network": {"availability_zone_ids": '["use1-az1"]'},
    "aws-state": {"bucket_name": '"acme-tfstate"'},
    "gcp-network": {
        "project_id": '"acme-gpu-platform"',
        "regions": '{ us-central1 = { ip_cidr_range = "10.0.0.0/20", proxy_only_ip_cidr_range = "10.0.16.0/23" } }',
    },
    "gcp-state": {"project_id": '"acme-gpu-platform"', "bucket_name": '"acme-tfstate"', "location": '"US"'},
}

# (case, module, the bad argument, its value, Terraform's error message: the module's error_message)
VALIDATE_CASES = [
    (
        "az_name_not_id",
        "aws-network",
        "availability_zone_ids",
        '["us-east-1a"]',
        "availability_zone_ids must be AZ IDs like use1-az4, numbered az1 to az7 (AZ names such as us-east-1a map to "
        "different zones in different accounts; `aws ec2 describe-availability-zones` lists both). Local Zone and "
        "Wavelength Zone IDs are not supported.",
    ),
    (
        "az_number_too_high",
        "aws-network",
        "availability_zone_ids",
        '["use1-az9"]',
        "availability_zone_ids must be AZ IDs like use1-az4, numbered az1 to az7 (AZ names such as us-east-1a map to "
        "different zones in different accounts; `aws ec2 describe-availability-zones` lists both). Local Zone and "
        "Wavelength Zone IDs are not supported.",
    ),
    (
        "az_ids_of_two_regions",
        "aws-network",
        "availability_zone_ids",
        '["use1-az1", "usw2-az2"]',
        "availability_zone_ids must all belong to one region (one AZ ID prefix, like use1).",
    ),
    (
        "az_id_twice",
        "aws-network",
        "availability_zone_ids",
        '["use1-az1", "use1-az1"]',
        "availability_zone_ids must not repeat an AZ ID.",
    ),
    (
        "no_az_ids",
        "aws-network",
        "availability_zone_ids",
        "[]",
        "availability_zone_ids needs at least one AZ ID (two or more for availability-zone failure tolerance).",
    ),
    (
        "vpc_too_small",
        "aws-network",
        "cidr_block",
        '"10.0.0.0/24"',
        "cidr_block must be an IPv4 CIDR block with a prefix length from /16 to /22 (for example 10.0.0.0/16); AWS "
        "allows /16 to /28, and each AZ's default public subnet is 1/64 of the VPC, which must stay at least a /28.",
    ),
    (
        "unknown_nat_choice",
        "aws-network",
        "nat_gateways",
        '"per_az"',
        "nat_gateways must be one of: one_per_az, single, none.",
    ),
    (
        "s3_interface_endpoint",
        "aws-network",
        "interface_endpoints",
        '["ecr.api", "s3"]',
        "interface_endpoints must not list s3: the module always creates the free S3 gateway endpoint.",
    ),
    (
        "retention_cloudwatch_refuses",
        "aws-network",
        "flow_log_retention_in_days",
        "45",
        "flow_log_retention_in_days must be a value CloudWatch Logs accepts: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
        "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
    ),
    (
        "flow_log_key_alias",
        "aws-network",
        "flow_log_kms_key_arn",
        '"alias/flow-logs"',
        "flow_log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not a key id or alias.",
    ),
    (
        "uppercase_name",
        "aws-network",
        "name",
        '"Acme"',
        "name must be 1-32 characters of lowercase letters, digits and '-', starting with a letter (it prefixes IAM "
        "role and log group names).",
    ),
    (
        "bucket_with_dots",
        "aws-state",
        "bucket_name",
        '"acme.tfstate"',
        "bucket_name must be 3-63 lowercase letters, digits and '-', starting and ending with a letter or digit, and "
        "not start with xn-- or end with -s3alias. "
        "Dots are refused: they break TLS for virtual-hosted bucket addresses.",
    ),
    (
        "prefix_with_slashes",
        "aws-state",
        "state_prefix",
        '"/fleetform/"',
        "state_prefix must be path segments of letters, digits, '_', '.' and '-' separated by '/', without a leading "
        "or trailing '/'.",
    ),
    (
        "state_key_id_not_arn",
        "aws-state",
        "kms_key_arn",
        '"0b6e7c1a-5d2f-4c3e-9a8b-7f6e5d4c3b2a"',
        "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not a key id or alias: the S3 "
        "backend's kms_key_id and the access policy need the ARN.",
    ),
    (
        "too_many_versions_kept",
        "aws-state",
        "noncurrent_versions_to_keep",
        "101",
        "noncurrent_versions_to_keep must be a whole number from 0 to 100.",
    ),
    (
        "zone_instead_of_region",
        "gcp-network",
        "regions",
        '{ us-central1-a = { ip_cidr_range = "10.0.0.0/20", proxy_only_ip_cidr_range = "10.0.16.0/23" } }',
        "regions must be keyed by GCP region names like us-central1 or europe-west4 (not zones like us-central1-a).",
    ),
    (
        "proxy_only_range_too_small",
        "gcp-network",
        "regions",
        '{ us-central1 = { ip_cidr_range = "10.0.0.0/20", proxy_only_ip_cidr_range = "10.0.16.0/28" } }',
        "regions.*.proxy_only_ip_cidr_range must be a /26 or larger (Google recommends /23): each load balancer proxy "
        "takes an address from it.",
    ),
    (
        "no_runner_tags",
        "gcp-network",
        "runner_network_tags",
        "[]",
        "runner_network_tags must be one or more network tags (lowercase letters, digits and '-', at most 63 "
        "characters): without one the rules would apply to every instance.",
    ),
    (
        "named_port",
        "gcp-network",
        "runner_ports",
        '["http"]',
        'runner_ports must be one or more TCP ports like "8080" or ranges like "8000-8100".',
    ),
    (
        "nat_ports_not_a_power_of_two",
        "gcp-network",
        "nat_min_ports_per_vm",
        "100",
        "nat_min_ports_per_vm must be a power of two from 64 to 65536.",
    ),
    (
        "project_name_not_id",
        "gcp-network",
        "project_id",
        '"Acme GPU"',
        "project_id must be a project ID (6-30 lowercase letters, digits and '-', starting with a letter), not a "
        "project name or number.",
    ),
    ("mtu_too_large", "gcp-network", "mtu", "9000", "mtu must be between 1300 and 8896."),
    (
        "public_state",
        "gcp-state",
        "state_admins",
        '["allUsers"]',
        "state_admins must be IAM members like serviceAccount:<email>, group:<email>, user:<email> or domain:<domain> "
        "(allUsers and allAuthenticatedUsers are refused).",
    ),
    (
        "zone_as_location",
        "gcp-state",
        "location",
        '"us-central1-a"',
        "location must be a GCS location such as US, EU, NAM4 or us-east4.",
    ),
    (
        "rotation_under_a_day",
        "gcp-state",
        "kms_key_rotation_period",
        '"3600s"',
        "kms_key_rotation_period must be seconds with an s suffix, at least 86400s (one day).",
    ),
    (
        "reserved_bucket_prefix",
        "gcp-state",
        "bucket_name",
        '"google-tfstate"',
        "bucket_name must be 3-63 lowercase letters, digits, '-' and '_', starting and ending with a letter or digit, "
        "and not start with goog. Dots are refused: they need domain verification.",
    ),
]
# Rules that compare two variables run when Terraform plans (validate leaves the other variable unknown).
PLAN_CASES = [
    (
        "subnet_cidr_for_an_unlisted_az",
        "aws-network",
        "private_subnet_cidrs",
        '{ use1-az2 = "10.0.32.0/19" }',
        "private_subnet_cidrs may only name AZ IDs listed in availability_zone_ids.",
    ),
    (
        "lock_table_name_without_table",
        "aws-state",
        "dynamodb_table_name",
        '"locks"',
        "dynamodb_table_name is only used with create_dynamodb_lock_table = true.",
    ),
    (
        "given_and_created_key",
        "gcp-state",
        "create_kms_key",
        "true",
        "Set kms_key_name (use this key) or create_kms_key (create one), not both.",
    ),
]
# Arguments written before the bad one, for cases whose error is about a combination (Terraform
# reports it on the argument whose rule failed, which is one of the case's lines).
CONTEXT = {
    "given_and_created_key": {"kms_key_name": '"projects/p/locations/us/keyRings/r/cryptoKeys/k"'},
}


Case = tuple[str, str, str, str, str]


def _root(cases: list[Case]) -> tuple[str, dict[int, str]]:
    """The root module's text, and line number -> case name for every argument line of each case."""
    lines = ['provider "aws" {', '  region = "us-east-1"', "}", 'provider "google" {}']
    lines_of_case: dict[int, str] = {}
    for case, module, argument, value, _ in cases:
        arguments = {**REQUIRED[module], **CONTEXT.get(case, {}), argument: value}
        lines += ["", f'module "{case}" {{', f'  source = "{{modules}}/{module}"']
        for name, text in arguments.items():
            lines.append(f"  {name} = {text}")
            lines_of_case[len(lines)] = case
        lines.append("}")
    return "\n".join(lines) + "\n", lines_of_case


def _errors_by_case(folder: Path, cases: list[Case]) -> dict[str, list[tuple[str, str]]]:
    """Check a root module of all ``cases``: each error's summary and message, by the case it is in."""
    text, lines_of_case = _root(cases)
    result = check_module(write_root(folder, text))
    assert result.plan_seconds is None  # refused before any plan was made
    found: dict[str, list[tuple[str, str]]] = {}
    for diagnostic in result.errors:
        found.setdefault(lines_of_case[_line(diagnostic)], []).append((diagnostic.summary, _message(diagnostic)))
    return found


def _line(diagnostic: Diagnostic) -> int:
    match = re.search(r"main\.tf:(\d+):\d+$", diagnostic.where)
    assert match, diagnostic.where
    return int(match.group(1))


def _message(diagnostic: Diagnostic) -> str:
    """The module's error message: Terraform follows it with where the validation rule is."""
    return diagnostic.detail.split("\n\nThis was checked by the validation rule at")[0]


@pytest.fixture(scope="module")
def refused_by_validate(check_once: CheckOnce) -> dict[str, list[tuple[str, str]]]:
    return check_once("refused-by-validate", lambda folder: _errors_by_case(folder / "root", VALIDATE_CASES))


@pytest.fixture(scope="module")
def refused_by_plan(check_once: CheckOnce) -> dict[str, list[tuple[str, str]]]:
    return check_once("refused-by-plan", lambda folder: _errors_by_case(folder / "root", PLAN_CASES))


@pytest.mark.parametrize(("case", "expected"), [(case, message) for case, _, _, _, message in VALIDATE_CASES])
def test_bad_input_is_refused_by_validate(
    refused_by_validate: dict[str, list[tuple[str, str]]], case: str, expected: str
) -> None:
    assert refused_by_validate.get(case) == [("Invalid value for variable", expected)]


@pytest.mark.parametrize(("case", "expected"), [(case, message) for case, _, _, _, message in PLAN_CASES])
def test_a_bad_combination_is_refused_by_plan(
    refused_by_plan: dict[str, list[tuple[str, str]]], case: str, expected: str
) -> None:
    assert refused_by_plan.get(case) == [("Invalid value for variable", expected)]


def test_every_case_was_reported_and_nothing_else(
    refused_by_validate: dict[str, Any], refused_by_plan: dict[str, Any]
) -> None:
    assert sorted(refused_by_validate) == sorted(case for case, *_ in VALIDATE_CASES)
    assert sorted(refused_by_plan) == sorted(case for case, *_ in PLAN_CASES)
