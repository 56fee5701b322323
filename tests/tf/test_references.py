"""Attribute access gives the framework's reference tokens, typed as the attribute is."""

from __future__ import annotations

import pytest

from fleetform.tf import App, Construct, Fn, NestedReference, aws, google, is_unresolved

from .conftest import resource, synth


@pytest.mark.parametrize(
    ("attribute", "python_type"),
    [
        ("arn", str),  # string
        ("latest_version", float),  # number
        ("vpc_security_group_ids", list),  # set of string
        ("tags_all", dict),  # map of string
        ("metadata_options", NestedReference),  # block
    ],
)
def test_attribute_reference_types(scope: Construct, attribute: str, python_type: type) -> None:
    launch_template = aws.LaunchTemplate(scope, "Lt")
    value = getattr(launch_template, attribute)
    assert isinstance(value, python_type)
    assert is_unresolved(value) or isinstance(value, NestedReference)


def test_bool_attributes_are_resolvables(scope: Construct) -> None:
    value = aws.LaunchTemplate(scope, "Lt").disable_api_stop
    assert is_unresolved(value)


def test_references_are_cached(scope: Construct) -> None:
    launch_template = aws.LaunchTemplate(scope, "Lt")
    assert launch_template.id is launch_template.id
    assert launch_template.metadata_options[0] is launch_template.metadata_options[0]


@pytest.mark.cdktf_api  # Fn.lookup
def test_typed_references_resolve(app: App, scope: Construct) -> None:
    # GIVEN references of each type, passed where Terraform converts them
    launch_template = aws.LaunchTemplate(scope, "Lt")
    aws.AutoscalingGroup(
        scope,
        "Asg",
        min_size=launch_template.latest_version,
        max_size=4,
        vpc_zone_identifier=launch_template.vpc_security_group_ids,
        launch_template={"name": Fn.lookup(launch_template.tags_all, "app"),
                         "version": launch_template.default_version},
        capacity_rebalance=launch_template.disable_api_stop,
    )
    # THEN each becomes the matching expression
    group = resource(synth(app), "aws_autoscaling_group", "aws-us-east/app-sd/Asg")
    prefix = "aws_launch_template.app-sd_Lt_6656171C"
    assert group["min_size"] == f"${{{prefix}.latest_version}}"
    assert group["vpc_zone_identifier"] == f"${{{prefix}.vpc_security_group_ids}}"
    assert group["launch_template"] == {"name": f"${{{prefix}.tags_all.app}}",
                                        "version": f"${{{prefix}.default_version}}"}
    assert group["capacity_rebalance"] == f"${{{prefix}.disable_api_stop}}"


def test_single_mode_blocks_and_object_lists_are_read_without_an_index(app: App, scope: Construct) -> None:
    group_manager = google.ComputeRegionInstanceGroupManager(
        scope, "Mig", name="m", base_instance_name="m", version=[{"instance_template": "t"}]
    )
    google.ComputeRegionAutoscaler(
        scope,
        "As",
        name="a",
        target=group_manager.status[0].version_target[0].is_reached,
        autoscaling_policy={"min_replicas": 0, "max_replicas": 1},
    )
    assert isinstance(group_manager.timeouts.create, str)
    autoscaler = resource(synth(app), "google_compute_region_autoscaler", "aws-us-east/app-sd/As")
    assert autoscaler["target"] == (
        "${google_compute_region_instance_group_manager.app-sd_Mig_36C43A5A.status[0].version_target[0].is_reached}"
    )


def test_ref_reads_any_attribute_by_name(scope: Construct) -> None:
    launch_template = aws.LaunchTemplate(scope, "Lt")
    assert launch_template.ref("arn") is launch_template.arn
