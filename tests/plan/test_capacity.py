"""The plan's capacity decision: provisioning model and the types each cloud's group really carries."""

from __future__ import annotations

import pytest

from fleetform.plan.capacity import plan_capacity


@pytest.mark.parametrize(("machine_types", "model", "kept", "left_out"), [
    (("a2-highgpu-1g", "g2-standard-12"), "on-demand", ("a2-highgpu-1g", "g2-standard-12"), ()),
    (("a2-highgpu-2g", "a3-highgpu-2g"), "on-demand", ("a2-highgpu-2g",), (
        ("a3-highgpu-2g", "it is sold only as Spot or Flex-start, and the group's preferred type runs on demand"),)),
    (("a3-highgpu-1g", "a2-highgpu-1g"), "spot", ("a3-highgpu-1g", "a2-highgpu-1g"), ()),
    (("a3-highgpu-8g", "a4-highgpu-8g"), "on-demand", ("a3-highgpu-8g",), (
        ("a4-highgpu-8g", "it boots from hyperdisk-balanced, the template's boot disk is pd-balanced"),)),
    (("a3-ultragpu-8g", "a4-highgpu-8g"), "on-demand", ("a3-ultragpu-8g", "a4-highgpu-8g"), ()),
    (("a2-highgpu-1g", "n1-standard-8"), "on-demand", ("a2-highgpu-1g",), (
        ("n1-standard-8", "N1 VMs take their GPUs from the template, which names one GPU model"),)),
    (("e2-standard-4", "n2-standard-4"), "on-demand", ("e2-standard-4", "n2-standard-4"), ()),
])
def test_gcp_fallback_types_join_only_where_one_template_serves_them(machine_types, model, kept, left_out):
    capacity = plan_capacity("gcp", machine_types, "apps/pyproject.toml: tool.fal.apps.x")
    assert (capacity.provisioning, capacity.instance_types, capacity.left_out) == (model, kept, left_out)


def test_aws_groups_carry_every_fallback_type_on_demand():
    capacity = plan_capacity("aws", ("p5.4xlarge", "p4d.24xlarge"), "apps/pyproject.toml: tool.fal.apps.x")
    assert (capacity.provisioning, capacity.instance_types, capacity.left_out) == (
        "on-demand", ("p5.4xlarge", "p4d.24xlarge"), ())


