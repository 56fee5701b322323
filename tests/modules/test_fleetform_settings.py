"""The modules' ``fleetform_settings`` outputs are TOML that ``[tool.fleetform]`` accepts as it is.

In a plan the outputs are unknown (they print ids the clouds assign), so the modules' own templates
are rendered by Terraform with ids as the clouds would return them, and the text is read back with
``tomllib`` and fleetform's platform settings model: what a platform engineer pastes is what
fleetform reads.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from fleetform.spec.platform import PlatformSettings
from tests.modules.roots import CheckOnce, checked, write_root

pytestmark = pytest.mark.terraform

COMPUTE = "https://www.googleapis.com/compute/v1/projects/acme-gpu-platform"
KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/0b6e7c1a-5d2f-4c3e-9a8b-7f6e5d4c3b2a"

ROOT = f"""
locals {{
  templates = "{{modules}}"
}}

output "aws_network" {{
  value = templatefile("${{local.templates}}/aws-network/templates/fleetform_settings.toml.tftpl", {{
    region          = "us-east-1"
    vpc_id          = "vpc-0a1b2c3d4e5f60718"
    private_subnets = {{ use1-az4 = "subnet-0aa4aa4aa4aa4aa4a", use1-az1 = "subnet-0aa1aa1aa1aa1aa1a" }}
    public_subnets  = {{ use1-az1 = "subnet-0ba1ba1ba1ba1ba1b" }}
  }})
}}

output "gcp_network" {{
  value = templatefile("${{local.templates}}/gcp-network/templates/fleetform_settings.toml.tftpl", {{
    network     = "{COMPUTE}/global/networks/acme-gpu"
    subnetworks = {{
      us-east4     = "{COMPUTE}/regions/us-east4/subnetworks/acme-gpu-us-east4"
      europe-west4 = "{COMPUTE}/regions/europe-west4/subnetworks/acme-gpu-europe-west4"
    }}
  }})
}}

output "aws_state" {{
  value = templatefile("${{local.templates}}/aws-state/templates/fleetform_settings.toml.tftpl", {{
    bucket         = "acme-tfstate"
    prefix         = "fleetform"
    region         = "us-east-1"
    kms_key_id     = "{KEY_ARN}"
    dynamodb_table = null
  }})
}}

output "aws_state_with_lock_table" {{
  value = templatefile("${{local.templates}}/aws-state/templates/fleetform_settings.toml.tftpl", {{
    bucket         = "acme-tfstate"
    prefix         = "fleetform"
    region         = "us-east-1"
    kms_key_id     = "{KEY_ARN}"
    dynamodb_table = "acme-tfstate-lock"
  }})
}}

output "gcp_state" {{
  value = templatefile("${{local.templates}}/gcp-state/templates/fleetform_settings.toml.tftpl", {{
    bucket = "acme-tfstate"
    prefix = "platform/fleetform"
  }})
}}
"""


@pytest.fixture(scope="module")
def rendered(check_once: CheckOnce) -> dict[str, str]:
    result, plan = check_once("settings", lambda folder: checked(write_root(folder / "root", ROOT), folder / "plans"))
    assert (result.ok, result.diagnostics) == (True, ())
    return {name: output["value"] for name, output in plan["planned_values"]["outputs"].items()}


def _settings(*snippets: str) -> dict[str, Any]:
    return tomllib.loads("\n".join(snippets))["tool"]["fleetform"]


def test_aws_network_snippet_text(rendered: dict[str, str]) -> None:
    assert rendered["aws_network"] == (
        "[tool.fleetform.networks.aws.us-east-1]\n"
        'vpc_id = "vpc-0a1b2c3d4e5f60718"\n'
        "\n"
        "[tool.fleetform.networks.aws.us-east-1.private_subnets]\n"
        'use1-az1 = "subnet-0aa1aa1aa1aa1aa1a"\n'
        'use1-az4 = "subnet-0aa4aa4aa4aa4aa4a"\n'
        "\n"
        "[tool.fleetform.networks.aws.us-east-1.public_subnets]\n"
        'use1-az1 = "subnet-0ba1ba1ba1ba1ba1b"\n'
    )


def test_network_snippets_are_valid_platform_settings(rendered: dict[str, str]) -> None:
    settings = PlatformSettings.model_validate(_settings(rendered["aws_network"], rendered["gcp_network"]))
    aws = settings.networks.aws["us-east-1"]
    assert (aws.vpc_id, aws.private_subnets, aws.public_subnets) == (
        "vpc-0a1b2c3d4e5f60718",
        {"use1-az1": "subnet-0aa1aa1aa1aa1aa1a", "use1-az4": "subnet-0aa4aa4aa4aa4aa4a"},
        {"use1-az1": "subnet-0ba1ba1ba1ba1ba1b"},
    )
    assert {region: (network.network, network.subnetwork) for region, network in settings.networks.gcp.items()} == {
        "europe-west4": (
            f"{COMPUTE}/global/networks/acme-gpu",
            f"{COMPUTE}/regions/europe-west4/subnetworks/acme-gpu-europe-west4",
        ),
        "us-east4": (
            f"{COMPUTE}/global/networks/acme-gpu",
            f"{COMPUTE}/regions/us-east4/subnetworks/acme-gpu-us-east4",
        ),
    }


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            "aws_state",
            {
                "backend": "s3",
                "bucket": "acme-tfstate",
                "prefix": "fleetform",
                "region": "us-east-1",
                "use_lockfile": True,
                "dynamodb_table": None,
                "kms_key_id": KEY_ARN,
            },
        ),
        (
            "aws_state_with_lock_table",
            {
                "backend": "s3",
                "bucket": "acme-tfstate",
                "prefix": "fleetform",
                "region": "us-east-1",
                "use_lockfile": True,
                "dynamodb_table": "acme-tfstate-lock",
                "kms_key_id": KEY_ARN,
            },
        ),
        (
            "gcp_state",
            {
                "backend": "gcs",
                "bucket": "acme-tfstate",
                "prefix": "platform/fleetform",
                "region": None,
                "use_lockfile": True,
                "dynamodb_table": None,
                "kms_key_id": None,
            },
        ),
    ],
)
def test_state_snippets_are_valid_platform_settings(
    rendered: dict[str, str], output: str, expected: dict[str, Any]
) -> None:
    settings = PlatformSettings.model_validate(_settings(rendered[output]))
    assert settings.state.model_dump() == expected
