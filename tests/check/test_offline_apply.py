"""Offline apply: real Terraform applies stacks into local state through the offline provider.

An apply makes every computed value known (deterministically), a plan right after it plans no
change (after a refresh, which reads the state back through the provider), and a changed argument
plans an in-place update of exactly the resource that has it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fleetform.check.offline_apply import apply_stack, apply_stacks, deploy_order, plan_stack, plan_stacks
from fleetform.check.stacks import Stack, load_stack, parse_stack
from fleetform.errors import FleetformError
from tests.check.stacks import AWS_STACK, GOOGLE_STACK, aws_stack, google_stack, write_out_dir

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    root = tmp_path_factory.mktemp("applied")
    out_dir = write_out_dir(root / "cdktf.out", {AWS_STACK: aws_stack(), GOOGLE_STACK: google_stack()})
    return out_dir, root / "state", apply_stacks(out_dir, root / "state")


def _resources(state: Path) -> dict[str, dict[str, Any]]:
    document = json.loads(state.read_text(encoding="utf-8"))
    return {f"{r['type']}.{r['name']}": r["instances"][0]["attributes"] for r in document["resources"]
            if r["mode"] == "managed"}


def test_apply_creates_every_resource_with_known_values(applied) -> None:
    _, state_dir, results = applied
    assert [(r.name, r.ok, r.changes.add) for r in results] == [(AWS_STACK, True, 4), (GOOGLE_STACK, True, 5)]
    aws = _resources(state_dir / f"{AWS_STACK}.tfstate")
    profile = aws["aws_iam_instance_profile.Gpu_Profile_9C8B7A6D"]
    template = aws["aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D"]
    group = aws["aws_autoscaling_group.Gpu_Asg_A1B2C3D4"]
    # A reference unknown at plan time holds the referenced resource's applied value.
    assert template["iam_instance_profile"][0]["arn"] == profile["arn"]
    assert profile["arn"].startswith("arn:aws:fake:us-east-1:123456789012:")
    assert group["launch_template"][0]["id"] == template["id"]
    assert template["instance_type"] == "g5.xlarge"  # configured values are kept
    google = _resources(state_dir / f"{GOOGLE_STACK}.tfstate")
    account = google["google_service_account.Gpu_ServiceAccount_77AA88BB"]
    assert account["email"].endswith("@acme-gpu.iam.gserviceaccount.com")
    member = google["google_project_iam_member.Gpu_LogWriter_99CCAADD"]
    assert member["member"] == f"serviceAccount:{account['email']}"


def test_a_second_plan_after_apply_plans_no_change(applied, tmp_path) -> None:
    out_dir, state_dir, _ = applied
    results = plan_stacks(out_dir, state_dir, plan_json_dir=tmp_path)
    assert [(r.name, r.ok, r.changes.none) for r in results] == [(AWS_STACK, True, True), (GOOGLE_STACK, True, True)]
    plan = json.loads((tmp_path / f"{AWS_STACK}.plan.json").read_text(encoding="utf-8"))
    assert {tuple(change["change"]["actions"]) for change in plan["resource_changes"]} == {("no-op",)}


def test_apply_is_deterministic(applied, tmp_path) -> None:
    out_dir, state_dir, _ = applied
    again = apply_stack(load_stack(out_dir / "stacks" / AWS_STACK / "cdk.tf.json"), tmp_path / "again.tfstate")
    assert again.ok, again.render()
    assert _resources(tmp_path / "again.tfstate") == _resources(state_dir / f"{AWS_STACK}.tfstate")


@pytest.mark.parametrize(
    ("stack_name", "make", "address", "change", "actions"),
    [
        (AWS_STACK, aws_stack, "aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D", ("instance_type", "g6.xlarge"),
         ["update"]),
        # GCP instance templates are immutable: the provider plans a replacement (fleetform.check.replacement).
        (GOOGLE_STACK, google_stack, "google_compute_instance_template.Gpu_Template_CCDDEEFF",
         ("machine_type", "g2-standard-16"), ["create", "delete"]),  # create_before_destroy
    ],
)
def test_a_changed_argument_plans_a_change_of_that_resource_only(applied, tmp_path, stack_name, make, address, change,
                                                                 actions):
    _, state_dir, _ = applied
    config = make()
    type_name, name = address.split(".")
    config["resource"][type_name][name][change[0]] = change[1]
    stack = parse_stack(stack_name, tmp_path / stack_name / "cdk.tf.json", json.dumps(config, indent=2))
    result = plan_stack(stack, state_dir / f"{stack_name}.tfstate", plan_json=tmp_path / "plan.json")
    assert result.ok, result.render()
    replaced = "create" in actions
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    changed = {c["address"]: c for c in plan["resource_changes"] if c["change"]["actions"] != ["no-op"]}
    if replaced:  # the new template's id is unknown until applied: what references it updates too
        assert (result.changes.add, result.changes.remove) == (1, 1), result.render()
        assert {c["change"]["actions"][0] for a, c in changed.items() if a != address} == {"update"}
    else:
        assert (result.changes.add, result.changes.change, result.changes.remove) == (0, 1, 0)
        assert list(changed) == [address]
    assert changed[address]["change"]["actions"] == actions
    assert changed[address]["change"]["after"][change[0]] == change[1]
    if replaced:
        assert changed[address]["action_reason"] == "replace_because_cannot_update"
        assert changed[address]["change"]["replace_paths"] == [[change[0]]]


def test_a_plan_without_state_plans_every_resource(tmp_path) -> None:
    stack = parse_stack(AWS_STACK, tmp_path / "cdk.tf.json", json.dumps(aws_stack(), indent=2))
    result = plan_stack(stack, None)
    assert result.ok and (result.changes.add, result.changes.change) == (4, 0)


def _stack(name: str) -> Stack:
    return Stack(name=name, file=Path(name) / "cdk.tf.json", text="{}", config={})


def test_deploy_order_puts_dependencies_first() -> None:
    stacks = [_stack(name) for name in ("aws-us-east", "aws-shared", "gcp-shared", "gcp-us-east")]
    dependencies = {"aws-us-east": ["aws-shared"], "gcp-us-east": ["gcp-shared"], "aws-shared": []}
    ordered = [stack.name for stack in deploy_order(stacks, dependencies)]
    assert ordered == ["aws-shared", "aws-us-east", "gcp-shared", "gcp-us-east"]


def test_a_dependency_cycle_is_bad_input() -> None:
    with pytest.raises(FleetformError, match="depends on itself"):
        deploy_order([_stack("a"), _stack("b")], {"a": ["b"], "b": ["a"]})
