"""Every kind of broken Terraform configuration is rejected when the construct is created.

Each case is one category of what real Terraform rejects (the offline spike's
``results_broken.txt``) or one more check fleetform makes; the message names the construct path,
the Terraform type, the argument with its nested path and the nearest valid name, exactly as
asserted here. Nothing is added to the construct tree when construction fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fleetform.errors import FleetformError
from fleetform.tf import Construct, TerraformIterator, aws, element_class, google

_ASG = {"min_size": 0, "max_size": 3}
_TYPE_FIX = "  fix: use one of the resource types in provider_schema/aws.json, or add the type there (see provider_schema/PROVENANCE.md)"


def _mixed_policy(*overrides: dict[str, Any]) -> dict[str, Any]:
    return {"launch_template": {"launch_template_specification": {"launch_template_id": "lt-1"},
                                "override": list(overrides)}}


def _google_provider(scope: Construct) -> Any:
    return google.GoogleProvider(scope, "other", alias="other", project="p")


Case = tuple[str, Callable[[Construct], object], str]

ARGUMENT_CASES: list[Case] = [
    (
        "unknown argument",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG, max_sise=3),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: unknown argument 'max_sise'; did you mean 'max_size' or 'min_size'?",
    ),
    (
        "unknown nested argument, named by its full path",
        lambda scope: aws.AutoscalingGroup(
            scope, "Asg", **_ASG,
            mixed_instances_policy=_mixed_policy({"instance_type": "g5.xlarge"}, {"instance_typ": "g6.xlarge"})
        ),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: unknown argument 'mixed_instances_policy.launch_template.override[1].instance_typ'; "
        "did you mean 'instance_type' or 'instance_requirements'?",
    ),
    (
        "unknown argument with nothing close lists what is allowed",
        lambda scope: aws.SsmParameter(scope, "Param", name="/x", type="String", zzz=1),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Param\n"
        "  aws_ssm_parameter: unknown argument 'zzz'\n"
        "  allowed: allowed_pattern, arn, data_type, description, id, insecure_value, key_id, name, overwrite, region, "
        "tags, tags_all, tier, type, value, value_wo, value_wo_version",
    ),
    (
        "string for a number",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", min_size="three", max_size=3),
        "error[tf/wrong-type] aws-us-east/app-sd/Asg\n  aws_autoscaling_group: 'min_size' must be a number, got str 'three'",
    ),
    (
        "bool for a number",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", min_size=True, max_size=3),
        "error[tf/wrong-type] aws-us-east/app-sd/Asg\n  aws_autoscaling_group: 'min_size' must be a number, got bool True",
    ),
    (
        "list for a string",
        lambda scope: aws.LaunchTemplate(scope, "Lt", image_id=["ami-1"]),
        "error[tf/wrong-type] aws-us-east/app-sd/Lt\n  aws_launch_template: 'image_id' must be a string, got list ['ami-1']",
    ),
    (
        "word for a bool",
        lambda scope: aws.LaunchTemplate(scope, "Lt", disable_api_stop="yes"),
        "error[tf/wrong-type] aws-us-east/app-sd/Lt\n  aws_launch_template: 'disable_api_stop' must be a bool, got str 'yes'",
    ),
    (
        "list inside a map of strings",
        lambda scope: aws.LaunchTemplate(scope, "Lt", tags={"team": ["ml"]}),
        "error[tf/wrong-type] aws-us-east/app-sd/Lt\n  aws_launch_template: 'tags[\"team\"]' must be a string, got list ['ml']",
    ),
    (
        "wrong type inside a nested block",
        lambda scope: google.ComputeRegionAutoscaler(
            scope, "As", name="a", target="t", autoscaling_policy={"max_replicas": "many", "min_replicas": 0}
        ),
        "error[tf/wrong-type] aws-us-east/app-sd/As\n"
        "  google_compute_region_autoscaler: 'autoscaling_policy.max_replicas' must be a number, got str 'many'",
    ),
    (
        "a block given as a string",
        lambda scope: aws.LaunchTemplate(scope, "Lt", metadata_options="required"),
        "error[tf/wrong-type] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: block 'metadata_options' must be a dict of its arguments, got str 'required'",
    ),
    (
        "unknown attribute inside an object-typed value",
        lambda scope: aws.SecurityGroup(scope, "Sg", ingress=[{"from_prt": 80}]),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Sg\n"
        "  aws_security_group: unknown attribute 'ingress[0].from_prt' in an object value; did you mean 'from_port' or 'to_port'?\n"
        "  allowed: cidr_blocks, description, from_port, ipv6_cidr_blocks, prefix_list_ids, protocol, security_groups, self, to_port",
    ),
    (
        "object-typed value without every attribute",
        lambda scope: aws.SecurityGroup(
            scope, "Sg", ingress=[{"from_port": 80, "to_port": 80, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]
        ),
        "error[tf/wrong-type] aws-us-east/app-sd/Sg\n"
        "  aws_security_group: 'ingress[0].description' (a string) is missing: Terraform's object type needs every attribute\n"
        "  fix: give an empty value ('', [] or false) for the attributes you do not use",
    ),
    (
        "missing required argument",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", min_size=0),
        "error[tf/missing-required] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: required argument 'max_size' is missing\n"
        "  fix: pass max_size=... to the constructor",
    ),
    (
        "missing required argument inside a block",
        lambda scope: google.ComputeRegionAutoscaler(scope, "As", name="a", target="t",
                                                     autoscaling_policy={"min_replicas": 0}),
        "error[tf/missing-required] aws-us-east/app-sd/As\n"
        "  google_compute_region_autoscaler: required argument 'autoscaling_policy.max_replicas' is missing\n"
        "  fix: pass max_replicas=... to the 'autoscaling_policy' block",
    ),
    (
        "missing required single block",
        lambda scope: google.ComputeRegionAutoscaler(scope, "As", name="a", target="t"),
        "error[tf/missing-block] aws-us-east/app-sd/As\n"
        "  google_compute_region_autoscaler: block 'autoscaling_policy' is required (at least 1), none given\n"
        "  fix: pass autoscaling_policy={...}",
    ),
    (
        "missing required list block",
        lambda scope: google.ComputeInstanceTemplate(scope, "It", machine_type="g2-standard-4"),
        "error[tf/missing-block] aws-us-east/app-sd/It\n"
        "  google_compute_instance_template: block 'disk' is required (at least 1), none given\n"
        "  fix: pass disk={...}",
    ),
    (
        "too many blocks of a max-1 list",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG, launch_template=[{"id": "lt-1"}, {"id": "lt-2"}]),
        "error[tf/too-many-blocks] aws-us-east/app-sd/Asg\n  aws_autoscaling_group: 'launch_template' allows at most 1 block, 2 given",
    ),
    (
        "too many blocks of a single-mode block",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG, timeouts=[{"delete": "5m"}, {"delete": "6m"}]),
        "error[tf/too-many-blocks] aws-us-east/app-sd/Asg\n  aws_autoscaling_group: 'timeouts' allows at most 1 block, 2 given",
    ),
    (
        "computed-only attribute set",
        lambda scope: aws.LaunchTemplate(scope, "Lt", arn="arn:aws:ec2:x"),
        "error[tf/computed-only] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: 'arn' is computed by the provider and cannot be set\n"
        "  fix: remove it; to use its value, reference it as an attribute (.arn)",
    ),
    (
        "unknown data source argument",
        lambda scope: aws.data.SsmParameter(scope, "Ami", nme="/aws/service/x"),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Ami\n"
        "  aws_ssm_parameter: unknown argument 'nme'; did you mean 'name'?\n"
        "error[tf/missing-required] aws-us-east/app-sd/Ami\n"
        "  aws_ssm_parameter: required argument 'name' is missing\n"
        "  fix: pass name=... to the constructor",
    ),
    (
        "unknown provider argument",
        lambda scope: aws.AwsProvider(scope, "west", alias="west", regin="us-west-2"),
        "error[tf/unknown-attribute] aws-us-east/app-sd/west\n"
        "  provider aws: unknown argument 'regin'; did you mean 'region' or 'sts_region'?",
    ),
    (
        "wrong type in a provider block",
        lambda scope: google.GoogleProvider(scope, "g", alias="g",
                                            batching={"send_after": 10, "enable_batching": "maybe"}),
        "error[tf/wrong-type] aws-us-east/app-sd/g\n"
        "  provider google: 'batching.enable_batching' must be a bool, got str 'maybe'",
    ),
    (
        "provider alias that is not a name",
        lambda scope: aws.AwsProvider(scope, "west", alias="us west"),
        "error[tf/wrong-type] aws-us-east/app-sd/west\n"
        "  provider aws: alias must be a name (letters, digits, _ and -), got str 'us west'",
    ),
    (
        "every problem at once",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", min_size="x", arn="y", launch_template=[{}, {}]),
        "error[tf/wrong-type] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: 'min_size' must be a number, got str 'x'\n"
        "error[tf/computed-only] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: 'arn' is computed by the provider and cannot be set\n"
        "  fix: remove it; to use its value, reference it as an attribute (.arn)\n"
        "error[tf/missing-required] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: required argument 'max_size' is missing\n"
        "  fix: pass max_size=... to the constructor\n"
        "error[tf/too-many-blocks] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: 'launch_template' allows at most 1 block, 2 given",
    ),
]

META_ARGUMENT_CASES: list[Case] = [
    (
        "unknown lifecycle argument",
        lambda scope: aws.LaunchTemplate(scope, "Lt", lifecycle={"create_before_destory": True}),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: unknown lifecycle argument 'create_before_destory'; did you mean 'create_before_destroy'?\n"
        "  allowed: create_before_destroy, ignore_changes, prevent_destroy, replace_triggered_by",
    ),
    (
        "ignore_changes naming an unknown argument",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG, lifecycle={"ignore_changes": ["desired_capacty"]}),
        "error[tf/unknown-attribute] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: lifecycle.ignore_changes[0] names unknown argument 'desired_capacty'; "
        "did you mean 'desired_capacity' or 'desired_capacity_type' or 'min_elb_capacity'?",
    ),
    (
        "provider block of another provider",
        lambda scope: aws.LaunchTemplate(scope, "Lt", provider=_google_provider(scope)),
        "error[tf/wrong-provider] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: provider must be a block of the aws provider, got one of the google provider (GoogleProvider)\n"
        "  fix: pass the aws provider block this resource should use (e.g. an aliased one)",
    ),
    (
        "depends_on given a name",
        lambda scope: aws.LaunchTemplate(scope, "Lt", depends_on=["aws_launch_template.x"]),
        "error[tf/wrong-type] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: depends_on[0] must be a resource or data source object, got str 'aws_launch_template.x'\n"
        "  fix: pass the construct itself, not its name",
    ),
    (
        "replace_triggered_by given an attribute token",
        lambda scope: aws.AutoscalingGroup(
            scope, "Asg", **_ASG, lifecycle={"replace_triggered_by": [aws.LaunchTemplate(scope, "Lt").latest_version]}
        ),
        "error[tf/wrong-type] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: lifecycle.replace_triggered_by[0] must be a resource or its address, got a reference (a value only Terraform knows)\n"
        '  fix: pass the resource object, or write its address ("aws_launch_template.x.id")',
    ),
    (
        "negative count",
        lambda scope: aws.LaunchTemplate(scope, "Lt", count=-1),
        "error[tf/wrong-type] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: count must be a whole number >= 0 or a reference, got int -1",
    ),
]

REFERENCE_CASES: list[Case] = [
    (
        "attribute the type does not have",
        lambda scope: aws.LaunchTemplate(scope, "Lt").latest_versoin,
        "error[tf/unknown-reference] aws-us-east/app-sd/Lt\n"
        "  aws_launch_template: no attribute 'latest_versoin' to reference; "
        "did you mean 'latest_version' or 'default_version' or 'update_default_version'?",
    ),
    (
        "attribute of a nested block the block does not have",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG).launch_template[0].ids,
        "error[tf/unknown-reference] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: no attribute 'launch_template[0].ids' to reference; did you mean 'id'?",
    ),
    (
        "attribute of a list block without an index",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG).launch_template.id,
        "error[tf/unknown-reference] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: 'launch_template' is a list of blocks; it has no attribute 'id' of its own\n"
        "  fix: index it first: launch_template[0].id",
    ),
    (
        "index into a set of blocks",
        lambda scope: aws.AutoscalingGroup(scope, "Asg", **_ASG).tag[0],
        "error[tf/unknown-reference] aws-us-east/app-sd/Asg\n"
        "  aws_autoscaling_group: 'tag' is a set of blocks and cannot be indexed with 0\n"
        "  fix: sets have no order; pass the whole value (tag) or convert it in Terraform (tolist)",
    ),
    (
        "attribute of a data source the type does not have",
        lambda scope: google.data.ComputeImage(scope, "Image", family="debian-12").self_link_uri,
        "error[tf/unknown-reference] aws-us-east/app-sd/Image\n"
        "  google_compute_image: no attribute 'self_link_uri' to reference; did you mean 'self_link'?",
    ),
]

TYPE_CASES: list[Case] = [
    (
        "resource class the pinned schema does not have",
        lambda scope: aws.AutoscalingGrup,
        "error[tf/unknown-resource-type] fleetform.tf.aws.AutoscalingGrup\n"
        "  the pinned aws provider (6.47.0) has no resource type 'AutoscalingGrup'; "
        "did you mean 'AutoscalingGroup' or 'AutoscalingPolicy' or 'AutoscalingSchedule'?\n" + _TYPE_FIX,
    ),
    (
        "data source class used as a resource",
        lambda scope: aws.Ami,
        "error[tf/unknown-resource-type] fleetform.tf.aws.Ami\n"
        "  Ami is a data source type of the aws provider, not a resource type\n"
        "  fix: use fleetform.tf.aws.data.Ami",
    ),
    (
        "Terraform type the pinned schema does not have",
        lambda scope: element_class("aws_instance"),
        "error[tf/unknown-resource-type] aws_instance\n"
        "  the pinned aws provider (6.47.0) has no resource type 'aws_instance'; "
        "did you mean 'aws_iam_instance_profile' or 'aws_sns_topic' or 'aws_subnet'?\n" + _TYPE_FIX,
    ),
]

ALL_CASES = ARGUMENT_CASES + META_ARGUMENT_CASES + REFERENCE_CASES + TYPE_CASES


@pytest.mark.parametrize(("build", "expected"), [case[1:] for case in ALL_CASES], ids=[case[0] for case in ALL_CASES])
def test_fails_at_construction_with_exact_message(scope: Construct, build: Callable[[Construct], object],
                                                  expected: str) -> None:
    with pytest.raises(FleetformError) as caught:
        build(scope)
    assert str(caught.value) == expected


@pytest.mark.cdktf_api
def test_count_and_for_each_together(scope: Construct) -> None:
    with pytest.raises(FleetformError) as caught:
        aws.LaunchTemplate(scope, "Lt", count=2, for_each=TerraformIterator.from_list(["a"]))
    assert str(caught.value) == ("error[tf/conflicting-meta-arguments] aws-us-east/app-sd/Lt\n"
                                 "  aws_launch_template: count and for_each cannot both be set\n"
                                 "  fix: keep one of them")


def test_fails_without_adding_to_the_construct_tree(scope: Construct) -> None:
    # GIVEN a resource whose arguments are wrong
    with pytest.raises(FleetformError):
        aws.LaunchTemplate(scope, "Lt", arn="x")
    # THEN the id is still free and a correct resource can take it
    assert aws.LaunchTemplate(scope, "Lt", image_id="ami-1").node.path == "aws-us-east/app-sd/Lt"


def test_lookup_errors_are_attribute_errors(scope: Construct) -> None:
    launch_template = aws.LaunchTemplate(scope, "Lt")
    assert not hasattr(launch_template, "nope")
    assert getattr(aws, "Instance", None) is None
    with pytest.raises(ImportError):
        from fleetform.tf.aws import Instance  # noqa: F401
