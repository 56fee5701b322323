"""A valid two-cloud app synthesizes to the Terraform JSON real Terraform expects.

Targeted assertions on the sample stacks (``sample_stacks.py``): references, data sources, and
nested blocks of every nesting mode, in the shape cdktf's prebuilt providers emit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fleetform.tf import App, Construct, Fn, aws

from .conftest import data_source, resource, synth
from .sample_stacks import build_sample_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
    build_sample_app(str(outdir)).synth()
    stacks = outdir / "stacks"
    return {path.name: json.loads((path / "cdk.tf.json").read_text(encoding="utf-8")) for path in stacks.iterdir()}


@pytest.fixture
def aws_json(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["aws-us-east"]


@pytest.fixture
def gcp_json(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["gcp-us-central"]


def test_arguments_are_snake_case_with_unset_ones_omitted(aws_json: dict[str, Any]) -> None:
    launch_template = resource(aws_json, "aws_launch_template", "aws-us-east/app-sd/Lt")
    assert set(launch_template) == {
        "//", "block_device_mappings", "image_id", "instance_type", "metadata_options", "name_prefix", "tags",
        "vpc_security_group_ids",
    }
    assert launch_template["//"] == {"metadata": {"path": "aws-us-east/app-sd/Lt", "uniqueId": "app-sd_Lt_6656171C"}}


def test_references_resolve_to_terraform_expressions(aws_json: dict[str, Any]) -> None:
    group = resource(aws_json, "aws_autoscaling_group", "aws-us-east/app-sd/Asg")
    specification = group["mixed_instances_policy"]["launch_template"]["launch_template_specification"]
    assert specification == {
        "launch_template_id": "${aws_launch_template.app-sd_Lt_6656171C.id}",
        "version": "${aws_launch_template.app-sd_Lt_6656171C.latest_version}",
    }
    policy = resource(aws_json, "aws_autoscaling_policy", "aws-us-east/app-sd/Scaling")
    assert policy["autoscaling_group_name"] == "${aws_autoscaling_group.app-sd_Asg_61245CB5.name}"
    launch_template = resource(aws_json, "aws_launch_template", "aws-us-east/app-sd/Lt")
    assert launch_template["vpc_security_group_ids"] == ["${aws_security_group.app-sd_Sg_57FCD56D.id}"]


def test_data_sources_are_declared_and_referenced(aws_json: dict[str, Any], gcp_json: dict[str, Any]) -> None:
    ami = data_source(aws_json, "aws_ssm_parameter", "aws-us-east/app-sd/Ami")
    assert ami["name"].endswith("/latest/ami-id")
    launch_template = resource(aws_json, "aws_launch_template", "aws-us-east/app-sd/Lt")
    assert launch_template["image_id"] == "${data.aws_ssm_parameter.app-sd_Ami_97652AD4.value}"
    template = resource(gcp_json, "google_compute_region_instance_template", "gcp-us-central/app-sd/Template")
    assert template["disk"][0]["source_image"] == "${data.google_compute_image.app-sd_Image_D08199C6.self_link}"


def test_blocks_take_the_shape_of_their_nesting_mode(aws_json: dict[str, Any], gcp_json: dict[str, Any]) -> None:
    group = resource(aws_json, "aws_autoscaling_group", "aws-us-east/app-sd/Asg")
    assert group["timeouts"] == {"delete": "15m"}  # single: one object
    assert group["mixed_instances_policy"]["launch_template"]["override"] == [  # list, max_items 1 above it: objects
        {"instance_type": "g5.xlarge"},
        {"instance_type": "g6.xlarge"},
    ]
    assert group["tag"] == [{"key": "app", "propagate_at_launch": True, "value": "sd"}]  # set: a list
    launch_template = resource(aws_json, "aws_launch_template", "aws-us-east/app-sd/Lt")
    assert launch_template["metadata_options"] == {"http_tokens": "required"}  # list, max_items 1: one object
    assert launch_template["block_device_mappings"] == [  # list: a list
        {"device_name": "/dev/sda1", "ebs": {"volume_size": 200, "volume_type": "gp3"}}
    ]
    group_manager = resource(gcp_json, "google_compute_region_instance_group_manager", "gcp-us-central/app-sd/Mig")
    assert group_manager["named_port"] == [{"name": "http", "port": 8080}]  # set
    assert group_manager["version"] == [  # list with min_items 1
        {"instance_template": "${google_compute_region_instance_template.app-sd_Template_1D06892B.self_link}",
         "name": "primary"}
    ]


def test_values_reach_the_json_as_written(aws_json: dict[str, Any]) -> None:
    group = resource(aws_json, "aws_autoscaling_group", "aws-us-east/app-sd/Asg")
    assert group["min_size"] == "0"  # Terraform converts a numeric string itself
    assert group["vpc_zone_identifier"] == ["subnet-a", "subnet-b"]  # a Python set, sorted
    security_group = resource(aws_json, "aws_security_group", "aws-us-east/app-sd/Sg")
    assert security_group["ingress"][0]["self"] is False
    assert security_group["ingress"][0]["security_groups"] == []


def test_meta_arguments(aws_json: dict[str, Any]) -> None:
    group = resource(aws_json, "aws_autoscaling_group", "aws-us-east/app-sd/Asg")
    assert group["lifecycle"] == {"create_before_destroy": True, "ignore_changes": ["desired_capacity"]}
    target_group = resource(aws_json, "aws_lb_target_group", "aws-us-east/app-sd/Tg")
    assert target_group["depends_on"] == ["aws_autoscaling_group.app-sd_Asg_61245CB5"]
    assert target_group["provider"] == "aws.west"


def test_provider_blocks_and_pinned_versions(aws_json: dict[str, Any], gcp_json: dict[str, Any]) -> None:
    assert aws_json["provider"]["aws"] == [
        {"default_tags": [{"tags": {"managed-by": "fleetform"}}], "region": "us-east-1"},
        {"alias": "west", "region": "us-west-2"},
    ]
    assert aws_json["terraform"]["required_providers"] == {"aws": {"source": "hashicorp/aws", "version": "6.47.0"}}
    assert gcp_json["terraform"]["required_providers"] == {
        "google": {"source": "hashicorp/google", "version": "6.50.0"}
    }


def test_no_overrides_metadata_and_a_relative_backend(aws_json: dict[str, Any]) -> None:
    assert "overrides" not in aws_json["//"]["metadata"]
    assert aws_json["terraform"]["backend"] == {"local": {"path": "terraform.tfstate"}}


@pytest.mark.cdktf_api  # Fn.jsonencode
def test_nested_references(app: App, scope: Construct) -> None:
    group = aws.AutoscalingGroup(scope, "Asg", min_size=0, max_size=1)
    aws.AutoscalingAttachment(scope, "Attach", autoscaling_group_name=group.name,
                              lb_target_group_arn=group.launch_template[0].id)
    aws.SsmParameter(scope, "Tags", name="/tags", type="String", value=Fn.jsonencode(group.tag.token()))
    config = synth(app)
    attachment = resource(config, "aws_autoscaling_attachment", "aws-us-east/app-sd/Attach")
    assert attachment["lb_target_group_arn"] == "${aws_autoscaling_group.app-sd_Asg_61245CB5.launch_template[0].id}"
    parameter = resource(config, "aws_ssm_parameter", "aws-us-east/app-sd/Tags")
    assert parameter["value"] == "${jsonencode(aws_autoscaling_group.app-sd_Asg_61245CB5.tag)}"


def test_synth_is_byte_identical_across_processes(tmp_path: Path) -> None:
    # GIVEN two fresh interpreters with different hash seeds, writing to different folders
    outputs = []
    for seed in ("1", "2"):
        outdir = tmp_path / f"run-{seed}"
        code = f"from tests.tf.sample_stacks import build_sample_app; build_sample_app({str(outdir)!r}).synth()"
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environment, check=True)
        outputs.append(outdir)
    # THEN every synthesized file is the same, and none mentions where it was written
    for relative in ("stacks/aws-us-east/cdk.tf.json", "stacks/gcp-us-central/cdk.tf.json", "manifest.json"):
        first, second = (out / relative for out in outputs)
        assert first.read_bytes() == second.read_bytes(), relative
        assert str(tmp_path) not in first.read_text(encoding="utf-8")

