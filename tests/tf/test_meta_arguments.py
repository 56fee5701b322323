"""count, for_each, lifecycle and provider= reach the JSON the way Terraform reads them."""

from __future__ import annotations

import pytest

from fleetform.tf import App, Construct, TerraformIterator, aws

from .conftest import data_source, resource, synth


def test_count_and_lifecycle_variants(app: App, scope: Construct) -> None:
    aws.LaunchTemplate(scope, "Lt", count=2, lifecycle={"ignore_changes": "all", "prevent_destroy": True})
    body = resource(synth(app), "aws_launch_template", "aws-us-east/app-sd/Lt")
    assert body["count"] == 2
    assert body["lifecycle"] == {"ignore_changes": "all", "prevent_destroy": True}


@pytest.mark.cdktf_api
def test_for_each_over_an_iterator(app: App, scope: Construct) -> None:
    zones = TerraformIterator.from_list(["use1-az1", "use1-az2"])
    aws.Subnet(scope, "Subnet", for_each=zones, vpc_id="vpc-1", availability_zone_id=zones.value)
    body = resource(synth(app), "aws_subnet", "aws-us-east/app-sd/Subnet")
    assert body["for_each"] == '${toset(["use1-az1", "use1-az2"])}'
    assert body["availability_zone_id"] == "${each.value}"


def test_replace_triggered_by_another_resource(app: App, scope: Construct) -> None:
    parameter = aws.data.SsmParameter(scope, "Ami", name="/ami")
    launch_template = aws.LaunchTemplate(scope, "Lt", image_id=parameter.value)
    aws.AutoscalingGroup(scope, "Asg", min_size=0, max_size=1, lifecycle={"replace_triggered_by": [launch_template]})
    body = resource(synth(app), "aws_autoscaling_group", "aws-us-east/app-sd/Asg")
    assert body["lifecycle"] == {"replace_triggered_by": ["aws_launch_template.app-sd_Lt_6656171C"]}


def test_data_source_with_provider_and_depends_on(app: App, scope: Construct) -> None:
    west = aws.AwsProvider(scope, "West", alias="west", region="us-west-2")
    launch_template = aws.LaunchTemplate(scope, "Lt")
    aws.data.Ami(scope, "Ami", most_recent=True, owners=["amazon"], provider=west, depends_on=[launch_template])
    body = data_source(synth(app), "aws_ami", "aws-us-east/app-sd/Ami")
    assert body["provider"] == "aws.west"
    assert body["depends_on"] == ["aws_launch_template.app-sd_Lt_6656171C"]


def test_an_argument_named_self(app: App, scope: Construct) -> None:
    # aws_security_group_rule has an argument called "self": the constructor's receiver is positional-only
    aws.SecurityGroupRule(scope, "Rule", type="ingress", from_port=0, to_port=0, protocol="-1",
                          security_group_id="sg-1", self=True)
    assert resource(synth(app), "aws_security_group_rule", "aws-us-east/app-sd/Rule")["self"] is True
