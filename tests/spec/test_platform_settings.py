"""``[tool.fleetform]``: defaults, overrides, and exact errors for bad platform settings."""

from __future__ import annotations

import pytest

from fleetform.spec.platform import PlatformSettings
from fleetform.spec.pyproject import load_platform_settings, read_pyproject
from tests.conftest import EXAMPLES


def test_example_platform_settings():
    settings = load_platform_settings(read_pyproject(EXAMPLES / "platform"))

    assert settings.clouds == ("aws", "gcp")
    assert settings.cloud_region("aws", "us-central") == "us-east-2"
    assert settings.cloud_region("gcp", "eu-west") == "europe-west4"  # catalog default
    assert settings.networks.aws["us-east-1"].private_subnets["use1-az4"] == "subnet-0aa4"


def test_defaults_without_a_table():
    settings = PlatformSettings()

    assert (settings.defaults.max_concurrency, settings.default_regions, settings.state.backend) == (10, ("us-east",),
                                                                                                    "local")


@pytest.mark.parametrize(
    ("table", "code", "where", "message"),
    [
        ('clouds = ["aws", "azure"]', "platform/not-allowed", "tool.fleetform.clouds[1]",
         "clouds[1] 'azure' is not allowed"),
        ('default_regions = ["eu-nort"]', "platform/not-allowed", "tool.fleetform.default_regions[0]",
         "default_regions[0] 'eu-nort' is not allowed; did you mean 'eu-north'?"),
        ('regoins = {}', "platform/unknown-key", "tool.fleetform.regoins", "unknown key 'regoins'; did you mean 'regions'?"),
        ('[tool.fleetform.regions.aws]\nus-east = "us-east-9"', "platform/unknown-cloud-region",
         "tool.fleetform.regions.aws.us-east", "aws region 'us-east-9' is not in the catalog; did you mean "),
        ('[tool.fleetform.state]\nbackend = "s3"', "platform/invalid", "tool.fleetform.state",
         "state backend 's3' needs a bucket"),
        ('[tool.fleetform.networks.aws.us-east-1]\nvpc_id = "vpc-1"\nprivate_subnets = {use1-az1 = "subnet-1"}',
         "platform/bad-format", "tool.fleetform.networks.aws.us-east-1.vpc_id", "networks.aws.us-east-1.vpc_id 'vpc-1'"),
        ('[tool.fleetform.networks.aws.us-east-1]\nvpc_id = "vpc-0a1b2c3d"\nprivate_subnets = {us-east-1a = "subnet-1"}',
         "platform/invalid", "tool.fleetform.networks.aws.us-east-1",
         "'us-east-1a' is not an AZ ID (like use1-az4); AZ names differ between accounts"),
        ('[tool.fleetform.defaults]\nrequest_timeout = 5000', "platform/out-of-range",
         "tool.fleetform.defaults.request_timeout", "defaults.request_timeout must be <= 4000, got 5000"),
        ('apps = ["../nowhere/*/pyproject.toml"]', "platform/no-app-projects", "tool.fleetform.apps[0]",
         "'../nowhere/*/pyproject.toml' matches no file below "),
    ],
)
def test_bad_platform_settings(make_project, run_cli, table, code, where, message):
    header = "" if table.startswith("[") else "[tool.fleetform]\n"
    make_project(("[tool.fleetform]\n" if table.startswith("[") else "") + header + table + "\n")

    result = run_cli("validate", "--json")

    assert result.code == 2
    error = result.json["errors"][0]
    assert (error["code"], error["where"].split(": ", 1)[1]) == (code, where)
    assert error["message"].startswith(message)


def test_an_unknown_key_a_wrong_type_and_a_missing_file_are_reported_in_one_run(make_project, run_cli):
    make_project('[tool.fleetform]\nclouds = ["aws"]\ncolour = "blue"\n'
                 '[tool.fleetform.images]\ncpu_base = 3\nca_certificates = ["missing.pem"]\n')

    result = run_cli("validate", "--json")

    assert result.code == 2
    assert [(error["code"], error["where"].split(": ", 1)[1]) for error in result.json["errors"]] == [
        ("platform/unknown-key", "tool.fleetform.colour"),
        ("platform/wrong-type", "tool.fleetform.images.cpu_base"),
        ("platform/ca-certificate-unreadable", "tool.fleetform.images.ca_certificates[0]")]
