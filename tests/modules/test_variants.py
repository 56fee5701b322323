"""The modules' other settings, planned together in one root module: what each choice adds or leaves out.

The examples cover the full feature set; these calls cover the alternatives (a single NAT gateway
or none, a given KMS key, no lock table, Google-managed encryption, firewall logging), each with
the resources that must and must not appear.
"""

from __future__ import annotations

import json

import pytest

from tests.modules.roots import Checked, CheckOnce, Resources, checked, planned, write_root

pytestmark = pytest.mark.terraform

GIVEN_AWS_KEY = "arn:aws:kms:us-east-2:123456789012:key/0b6e7c1a-5d2f-4c3e-9a8b-7f6e5d4c3b2a"
GIVEN_GCP_KEY = "projects/acme-security/locations/us-east4/keyRings/state/cryptoKeys/terraform"

ROOT = f"""
provider "aws" {{
  region = "us-east-2"
}}

provider "google" {{
  project = "acme-gpu-platform"
}}

module "single_nat" {{
  source = "{{modules}}/aws-network"

  name                          = "single"
  cidr_block                    = "10.30.0.0/20"
  availability_zone_ids         = ["use2-az3", "use2-az1"]
  nat_gateways                  = "single"
  manage_default_security_group = false
  flow_log_kms_key_arn          = "{GIVEN_AWS_KEY}"
  flow_log_traffic_type         = "REJECT"
}}

module "no_nat" {{
  source = "{{modules}}/aws-network"

  name                  = "isolated"
  availability_zone_ids = ["use2-az2"]
  nat_gateways          = "none"
  interface_endpoints   = ["ecr.api"]
}}

module "state_given_key" {{
  source = "{{modules}}/aws-state"

  bucket_name                 = "acme-state-given-key"
  state_prefix                = "platform/fleetform"
  kms_key_arn                 = "{GIVEN_AWS_KEY}"
  noncurrent_versions_to_keep = 0
}}

module "gcp_defaults" {{
  source = "{{modules}}/gcp-network"

  project_id       = "acme-gpu-platform"
  regions          = {{ us-central1 = {{ ip_cidr_range = "10.50.0.0/20", proxy_only_ip_cidr_range = "10.50.16.0/23" }} }}
  firewall_logging = true
}}

module "gcs_given_key" {{
  source = "{{modules}}/gcp-state"

  project_id   = "acme-gpu-platform"
  bucket_name  = "acme-state-given-key"
  location     = "us-east4"
  kms_key_name = "{GIVEN_GCP_KEY}"
}}

module "gcs_google_managed" {{
  source = "{{modules}}/gcp-state"

  project_id  = "acme-gpu-platform"
  bucket_name = "acme-state-google-managed"
  location    = "EU"
}}
"""


@pytest.fixture(scope="module")
def variants(check_once: CheckOnce) -> Checked:
    return check_once("variants", lambda folder: checked(write_root(folder / "root", ROOT), folder / "plans"))


@pytest.fixture(scope="module")
def resources(variants: Checked) -> Resources:
    return planned(variants[1])


def _under(resources: Resources, module: str) -> list[str]:
    return sorted(
        address.removeprefix(f"module.{module}.") for address in resources if address.startswith(f"module.{module}.")
    )


def test_every_variant_validates_and_plans(variants: Checked) -> None:
    assert (variants[0].ok, variants[0].diagnostics) == (True, ())


def test_single_nat_gateway_serves_every_az_from_the_first_az_id(resources: Resources) -> None:
    names = _under(resources, "single_nat")
    assert [name for name in names if name.startswith(("aws_nat_gateway", "aws_eip"))] == [
        'aws_eip.nat["use2-az1"]',
        'aws_nat_gateway.this["use2-az1"]',
    ]
    assert [name for name in names if name.startswith("aws_route.private_nat")] == [
        'aws_route.private_nat["use2-az1"]',
        'aws_route.private_nat["use2-az3"]',
    ]


def test_subnets_of_a_small_vpc_are_carved_by_az_number(resources: Resources) -> None:
    cidrs = {
        address.removeprefix("module.single_nat."): after["cidr_block"]
        for address, after in resources.items()
        if address.startswith("module.single_nat.aws_subnet.")
    }
    assert cidrs == {
        'aws_subnet.private["use2-az1"]': "10.30.0.0/23",
        'aws_subnet.private["use2-az3"]': "10.30.4.0/23",
        'aws_subnet.public["use2-az1"]': "10.30.14.0/26",
        'aws_subnet.public["use2-az3"]': "10.30.14.128/26",
    }


def test_a_given_flow_log_key_is_used_and_none_is_created(resources: Resources) -> None:
    names = _under(resources, "single_nat")
    assert not [
        name
        for name in names
        if name.startswith(("aws_kms_", "aws_default_security_group", "aws_vpc_endpoint.interface"))
    ]
    assert resources["module.single_nat.aws_cloudwatch_log_group.flow_log"]["kms_key_id"] == GIVEN_AWS_KEY
    assert resources["module.single_nat.aws_flow_log.this"]["traffic_type"] == "REJECT"


def test_no_nat_leaves_private_subnets_without_a_default_route(resources: Resources) -> None:
    names = _under(resources, "no_nat")
    assert not [name for name in names if name.startswith(("aws_nat_gateway", "aws_eip", "aws_route.private_nat"))]
    assert 'aws_route_table.private["use2-az2"]' in names
    assert (
        resources['module.no_nat.aws_vpc_endpoint.interface["ecr.api"]']["service_name"]
        == "com.amazonaws.us-east-2.ecr.api"
    )


def test_state_with_a_given_key_and_no_lock_table(resources: Resources) -> None:
    names = _under(resources, "state_given_key")
    assert not [name for name in names if name.startswith(("aws_kms_", "aws_dynamodb_table"))]
    (rule,) = resources["module.state_given_key.aws_s3_bucket_server_side_encryption_configuration.this"]["rule"]
    assert rule["apply_server_side_encryption_by_default"] == [
        {"kms_master_key_id": GIVEN_AWS_KEY, "sse_algorithm": "aws:kms"}
    ]
    rules = resources["module.state_given_key.aws_s3_bucket_lifecycle_configuration.this"]["rule"]
    assert rules[0]["noncurrent_version_expiration"] == [{"newer_noncurrent_versions": None, "noncurrent_days": 90}]


def test_state_access_policy_is_limited_to_the_prefix_and_the_key(variants: Checked) -> None:
    document = next(
        resource["values"]
        for resource in variants[1]["prior_state"]["values"]["root_module"]["child_modules"]
        for resource in resource["resources"]
        if resource["address"] == "module.state_given_key.data.aws_iam_policy_document.state_access"
    )
    bucket = "arn:aws:s3:::acme-state-given-key"
    assert json.loads(document["json"])["Statement"] == [
        {"Sid": "ListStateBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
        {
            "Sid": "ReadWriteState",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"{bucket}/platform/fleetform/*",
        },
        {
            "Sid": "ReleaseLockFiles",
            "Effect": "Allow",
            "Action": "s3:DeleteObject",
            "Resource": f"{bucket}/platform/fleetform/*.tflock",
        },
        {
            "Sid": "UseStateKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": GIVEN_AWS_KEY,
        },
    ]


def test_gcp_network_defaults_with_firewall_logging(resources: Resources) -> None:
    rules = {
        after["name"]: (after["allow"], after["log_config"])
        for address, after in resources.items()
        if address.startswith("module.gcp_defaults.google_compute_firewall.")
    }
    ports = [{"ports": ["8079", "8080"], "protocol": "tcp"}]
    logged = [{"metadata": "INCLUDE_ALL_METADATA"}]
    assert rules == {"fleetform-allow-health-checks": (ports, logged), "fleetform-allow-proxy-only": (ports, logged)}
    network = resources["module.gcp_defaults.google_compute_network.this"]
    assert (network["name"], network["mtu"], network["routing_mode"]) == ("fleetform", 1460, "REGIONAL")


def test_gcs_state_with_a_given_key_grants_the_storage_agent_on_it(resources: Resources) -> None:
    names = _under(resources, "gcs_given_key")
    assert names == ["google_kms_crypto_key_iam_member.storage_agent[0]", "google_storage_bucket.this"]
    assert (
        resources["module.gcs_given_key.google_kms_crypto_key_iam_member.storage_agent[0]"]["crypto_key_id"]
        == GIVEN_GCP_KEY
    )
    assert resources["module.gcs_given_key.google_storage_bucket.this"]["encryption"] == [
        {"default_kms_key_name": GIVEN_GCP_KEY}
    ]


def test_gcs_state_with_google_managed_encryption_has_no_key_at_all(resources: Resources) -> None:
    assert _under(resources, "gcs_google_managed") == ["google_storage_bucket.this"]
    assert resources["module.gcs_google_managed.google_storage_bucket.this"]["encryption"] == []
