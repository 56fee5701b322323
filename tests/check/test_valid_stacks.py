"""Valid stacks validate and plan offline; the saved plans show what the offline provider produced.

One check of an AWS and a GCP stack together (they run side by side), with ``--plan-json``
output: references resolve, data sources return their deterministic fakes (an AMI id, a policy
document built from its statements, zones of the configured region), nested blocks of every
nesting mode plan, and computed attributes are unknown until apply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fleetform.check import CheckReport, check_stacks
from tests.check.stacks import AWS_STACK, GOOGLE_STACK, aws_stack, google_stack, write_out_dir

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckReport, Path]:
    root = tmp_path_factory.mktemp("valid")
    out_dir = write_out_dir(root / "cdktf.out", {AWS_STACK: aws_stack(), GOOGLE_STACK: google_stack()})
    return check_stacks(out_dir, plan_json_dir=root / "plans"), root / "plans"


def _changes(plans: Path, stack: str) -> dict[str, dict[str, Any]]:
    plan = json.loads((plans / f"{stack}.plan.json").read_text(encoding="utf-8"))
    return {change["address"]: change["change"] for change in plan["resource_changes"]}


def _data(plans: Path, stack: str, address: str) -> dict[str, Any]:
    plan = json.loads((plans / f"{stack}.plan.json").read_text(encoding="utf-8"))
    resources = plan["prior_state"]["values"]["root_module"]["resources"]
    return next(resource["values"] for resource in resources if resource["address"] == address)


def test_both_stacks_validate_and_plan(checked: tuple[CheckReport, Path]) -> None:
    report, plans = checked
    assert report.ok
    assert [(stack.name, stack.ok, stack.resource_count, stack.diagnostics) for stack in report.stacks] == [
        (AWS_STACK, True, 4, ()),
        (GOOGLE_STACK, True, 5, ()),
    ]
    for stack in report.stacks:
        assert stack.plan_json == plans / f"{stack.name}.plan.json"
        assert stack.validate_seconds and stack.plan_seconds


def test_every_resource_is_planned_for_creation(checked: tuple[CheckReport, Path]) -> None:
    _, plans = checked
    assert {address: change["actions"] for address, change in _changes(plans, AWS_STACK).items()} == {
        "aws_autoscaling_group.Gpu_Asg_A1B2C3D4": ["create"],
        "aws_iam_instance_profile.Gpu_Profile_9C8B7A6D": ["create"],
        "aws_iam_role.Gpu_Role_1F2E3D4C": ["create"],
        "aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D": ["create"],
    }
    assert len(_changes(plans, GOOGLE_STACK)) == 5


def test_aws_data_sources_feed_the_plan(checked: tuple[CheckReport, Path]) -> None:
    _, plans = checked
    changes = _changes(plans, AWS_STACK)
    ami = _data(plans, AWS_STACK, "data.aws_ssm_parameter.Gpu_Ami_5E1C2B3A")["value"]
    assert ami.startswith("ami-") and len(ami) == 21
    assert changes["aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D"]["after"]["image_id"] == ami
    assert json.loads(changes["aws_iam_role.Gpu_Role_1F2E3D4C"]["after"]["assume_role_policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Ec2Assume",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        }],
    }
    asg = changes["aws_autoscaling_group.Gpu_Asg_A1B2C3D4"]["after"]
    assert asg["availability_zones"] == ["us-east-1a", "us-east-1b"]
    assert asg["desired_capacity"] == 1  # "1" in the stack: Terraform converts numeric strings


def test_nested_blocks_of_every_mode_plan_with_computed_values_unknown(checked: tuple[CheckReport, Path]) -> None:
    _, plans = checked
    changes = _changes(plans, AWS_STACK)
    asg = changes["aws_autoscaling_group.Gpu_Asg_A1B2C3D4"]
    assert asg["after"]["timeouts"] == {"delete": "15m", "update": None}  # single
    assert asg["after"]["tag"] == [{"key": "fleetform:pool", "propagate_at_launch": True, "value": "gpu"}]  # set
    assert asg["after_unknown"]["arn"] is True
    template = changes["aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D"]
    ebs = template["after"]["block_device_mappings"][0]["ebs"][0]  # list inside list
    assert (ebs["volume_size"], ebs["volume_type"]) == (200, "gp3")
    assert template["after_unknown"]["block_device_mappings"][0]["ebs"][0]["iops"] is True
    assert template["after_unknown"]["license_specification"] == [{}]  # set block, nothing computed inside
    assert template["after_unknown"]["arn"] is True and template["after_unknown"]["latest_version"] is True


def test_google_data_sources_feed_the_plan(checked: tuple[CheckReport, Path]) -> None:
    _, plans = checked
    changes = _changes(plans, GOOGLE_STACK)
    template = changes["google_compute_instance_template.Gpu_Template_CCDDEEFF"]
    image = _data(plans, GOOGLE_STACK, "data.google_compute_image.Gpu_Image_11AA22BB")["self_link"]
    assert image == (
        "https://www.googleapis.com/compute/v1/projects/deeplearning-platform-release/global/images/"
        "common-cu128-ubuntu-2204-nvidia-570-v20250101"
    )
    assert template["after"]["disk"][0]["source_image"] == image
    assert template["after_unknown"]["self_link"] is True
    group = changes["google_compute_region_instance_group_manager.Gpu_Group_DDEEFF00"]
    assert group["after"]["distribution_policy_zones"] == ["us-central1-a", "us-central1-b"]
    assert group["after_unknown"]["version"][0]["instance_template"] is True
    member = changes["google_project_iam_member.Gpu_LogWriter_99CCAADD"]
    assert member["after"]["project"] == "acme-gpu"  # google_project reads the provider's project
    assert member["after_unknown"]["member"] is True  # the service account's email is not known yet


def test_a_second_check_reports_and_plans_the_same(checked: tuple[CheckReport, Path], tmp_path: Path) -> None:
    report, plans = checked
    again = check_stacks(write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack()}), plan_json_dir=tmp_path)
    assert again.stacks[0].to_json() | {"file": None} == report.stacks[0].to_json() | {"file": None}
    first = json.loads((plans / f"{AWS_STACK}.plan.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / f"{AWS_STACK}.plan.json").read_text(encoding="utf-8"))
    # Terraform itself varies the timestamp and the order of relevant_attributes; the values must not vary.
    for key in ("planned_values", "resource_changes", "prior_state", "output_changes"):
        assert first[key] == second[key], key


def test_stack_assets_are_readable_by_terraform(tmp_path: Path) -> None:
    config = aws_stack()
    template = config["resource"]["aws_launch_template"]["Gpu_LaunchTemplate_3B2A1C0D"]
    template["user_data"] = '${filebase64("assets/BootScript/0A1B2C/boot.sh")}'
    out_dir = write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: config})
    script = out_dir / "stacks" / AWS_STACK / "assets" / "BootScript" / "0A1B2C" / "boot.sh"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\necho ready\n", encoding="utf-8")
    (stack,) = check_stacks(out_dir, plan_json_dir=tmp_path / "plans").stacks
    assert stack.ok, [diagnostic.to_json() for diagnostic in stack.diagnostics]
    after = _changes(tmp_path / "plans", AWS_STACK)["aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D"]["after"]
    assert after["user_data"] == "IyEvYmluL3NoCmVjaG8gcmVhZHkK"
