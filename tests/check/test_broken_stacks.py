"""Every kind of mistake in a synthesized stack is caught by real Terraform offline, placed in the stack.

Each case is one change to a valid stack; the check must report exactly one error, with
Terraform's summary and detail, the Terraform address and the construct path of the block at
fault, and a ``file:line:column`` whose line holds the offending text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fleetform.check import check_stacks, check_terraform_json
from tests.check.broken_stacks import AWS_TEMPLATE, CASES, Broken, provider_not_served_offline, unknown_attribute
from tests.check.stacks import add_resource, aws_stack, write_out_dir

pytestmark = pytest.mark.terraform

# For each case: text that must appear on the line the diagnostic points at.
MARKERS = {
    "unknown-attribute": '"instance_typo"',
    "unknown-nested-attribute": '"volume_sise"',
    "string-for-number": '"max_size": "four"',
    "list-for-string": '"instance_type": [',
    "missing-required-argument": "}",  # Terraform points at the end of the block missing it
    "missing-required-block": "}",
    "too-many-blocks": "}",  # ... and at the end of the block one too many
    "read-only-attribute": '"latest_version": 3',
    "read-only-nested-attribute": '"name": "nic0"',
    "reference-to-missing-resource": "Gpu_Template_00000000",
    "reference-to-missing-attribute": ".idd}",
    "malformed-interpolation-in-output": '"value": "${aws_autoscaling_group',
    "malformed-interpolation-in-local": '"pool_name"',
    "malformed-interpolation-in-resource": '"image_id": "${data.aws_ssm_parameter',
    "unknown-resource-type": '"aws_instance": {',
    "unknown-provider-attribute": '"regoin"',
    "wrong-block-in-data-source": '"principal"',
}


def _only_error(tmp_path: Path, name: str, config: dict):
    out_dir = write_out_dir(tmp_path / "cdktf.out", {name: config})
    report = check_stacks(out_dir)
    (stack,) = report.stacks
    assert not report.ok and not stack.ok
    assert len(stack.errors) == 1, [error.to_json() for error in stack.errors]
    return stack, stack.errors[0]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_mistake_is_reported_with_its_place(tmp_path: Path, case: Broken) -> None:
    stack, error = _only_error(tmp_path, case.id, case.build())
    assert (error.summary, error.detail) == (case.summary, case.detail)
    assert (error.address, error.construct_path) == (case.address, case.construct_path)
    match = re.fullmatch(r"(.+):(\d+):(\d+)", error.where)
    assert match, error.where
    assert Path(match.group(1)).resolve() == stack.file.resolve()
    line = stack.file.read_text(encoding="utf-8").splitlines()[int(match.group(2)) - 1]
    assert MARKERS[case.id] in line, line
    assert stack.plan_seconds is None  # validation failed, so nothing was planned


def test_provider_not_served_offline_is_reported_at_its_first_use(tmp_path: Path) -> None:
    stack, error = _only_error(tmp_path, "random-provider", provider_not_served_offline())
    assert error.summary == "Missing required provider"
    assert error.detail == (
        "This configuration requires provider hashicorp/random, which the offline check does not serve "
        "(it serves hashicorp/aws, hashicorp/google). Remove its use, or check this stack with the real provider."
    )
    assert (error.address, error.construct_path) == ("random_id.Gpu_Suffix_0A0B0C0D", "aws-us-east-1/Gpu/Suffix")
    line_number = int(error.where.rsplit(":", 1)[1])
    assert '"random_id": {' in stack.file.read_text(encoding="utf-8").splitlines()[line_number - 1]


def test_deprecated_argument_warns_and_write_only_argument_is_accepted(tmp_path: Path) -> None:
    config = aws_stack()
    config["resource"]["aws_iam_role"]["Gpu_Role_1F2E3D4C"]["managed_policy_arns"] = [
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
    ]
    add_resource(config, "Gpu/Token", "aws_ssm_parameter", "Gpu_Token_0C0C0C0C",
                 {"name": "/fleetform/gpu/token", "type": "SecureString", "value_wo": "s3cr3t", "value_wo_version": 1})
    out_dir = write_out_dir(tmp_path / "cdktf.out", {"deprecations": config})
    (stack,) = check_stacks(out_dir, plan_json_dir=tmp_path / "plans").stacks
    assert stack.ok
    assert [(d.severity, d.summary, d.detail, d.address, d.construct_path) for d in stack.diagnostics] == [(
        "warning",
        "Argument is deprecated",
        '"managed_policy_arns" is deprecated in hashicorp/aws 6.47.0; see the provider documentation for its '
        "replacement.",
        "aws_iam_role.Gpu_Role_1F2E3D4C",
        "aws-us-east-1/Gpu/Role",
    )]
    plan = json.loads((tmp_path / "plans" / "deprecations.plan.json").read_text(encoding="utf-8"))
    token = next(change for change in plan["resource_changes"] if change["type"] == "aws_ssm_parameter")
    assert token["change"]["after_sensitive"]["value_wo"] is True


def test_an_in_memory_configuration_is_checked_the_same_way() -> None:
    config = unknown_attribute()
    result = check_terraform_json(config, name="inline")
    assert not result.ok and result.name == "inline"
    (error,) = result.errors
    assert (error.summary, error.address) == ("Extraneous JSON object property", AWS_TEMPLATE)
    path, line, _ = error.where.rsplit(":", 2)
    assert path == "inline/cdk.tf.json"
    assert '"instance_typo"' in json.dumps(config, indent=2).splitlines()[int(line) - 1]
