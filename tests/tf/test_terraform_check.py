"""Real Terraform (validate + plan, offline, pinned schemas) accepts what fleetform.tf synthesizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.check import check_stacks
from fleetform.tf import App, Construct, LocalBackend, TerraformIterator, TerraformStack, aws

from .sample_stacks import build_sample_app

pytestmark = pytest.mark.terraform


def _meta_argument_stack(app: App) -> None:
    stack = TerraformStack(app, "meta-arguments")
    LocalBackend(stack, path="terraform.tfstate")
    aws.AwsProvider(stack, "aws", region="us-east-1")
    west = aws.AwsProvider(stack, "west", alias="west", region="us-west-2")
    scope = Construct(stack, "app-sd")
    zones = TerraformIterator.from_list(["use1-az1", "use1-az2"])
    aws.Subnet(scope, "Subnet", for_each=zones, vpc_id="vpc-1", availability_zone_id=zones.value,
               cidr_block="10.0.0.0/24")
    launch_template = aws.LaunchTemplate(scope, "Lt", image_id="ami-1",
                                         lifecycle={"ignore_changes": "all", "prevent_destroy": True})
    aws.AutoscalingGroup(
        scope,
        "Asg",
        min_size=0,
        max_size=1,
        availability_zones=["us-east-1a"],
        launch_template={"id": launch_template.id, "version": launch_template.latest_version},
        lifecycle={"replace_triggered_by": [launch_template], "create_before_destroy": True},
    )
    aws.data.Ami(scope, "Ami", most_recent=True, owners=["amazon"], provider=west, depends_on=[launch_template])
    aws.SsmParameter(scope, "Copies", count=2, name="/copies", type="String", value="x")


@pytest.mark.cdktf_api  # TerraformIterator
def test_sample_and_meta_argument_stacks_validate_and_plan(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    app = build_sample_app(str(outdir))
    _meta_argument_stack(app)
    app.synth()
    report = check_stacks(outdir)
    assert report.ok, report.render()
    assert [stack.name for stack in report.stacks] == ["aws-us-east", "gcp-us-central", "meta-arguments"]
