"""``fleetform check`` on the command line: output, ``--json``, ``--plan-json`` and exit codes 0/1/2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.check.broken_stacks import unknown_attribute
from tests.check.stacks import AWS_STACK, aws_stack, write_out_dir


@pytest.mark.terraform
def test_valid_stack_exits_0_and_writes_plan_json(tmp_path: Path, run_cli) -> None:
    out_dir = write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack()})
    result = run_cli("check", out_dir, "--plan-json", tmp_path / "plans", "--json")
    assert result.code == 0, result.err
    assert result.json == {
        "stacks": [{
            "name": AWS_STACK,
            "ok": True,
            "file": str(out_dir / "stacks" / AWS_STACK / "cdk.tf.json"),
            "resources": 4,
            "diagnostics": [],
        }],
        "totals": {"stacks": 1, "ok": 1, "failed": 0},
    }
    plan = json.loads((tmp_path / "plans" / f"{AWS_STACK}.plan.json").read_text(encoding="utf-8"))
    assert plan["complete"] is True and plan["errored"] is False
    assert len(plan["resource_changes"]) == 4


@pytest.mark.terraform
def test_default_folder_and_human_output(tmp_path: Path, run_cli) -> None:
    write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack(), "broken": unknown_attribute()})
    result = run_cli("check", "--jobs", "1", cwd=tmp_path)
    assert result.code == 1
    ok_line, fail_line, *findings, total = result.out.splitlines()
    assert re.fullmatch(rf"ok  {AWS_STACK} \(4 resources, validate \d+\.\ds, plan \d+\.\ds\)", ok_line)
    assert re.fullmatch(r"FAIL  broken \(1 error; 4 resources, validate \d+\.\ds\)", fail_line)
    assert re.fullmatch(r"2 stacks: 1 ok, 1 failed in \d+\.\d s", total)
    assert "\x1b" not in result.out + result.err  # no status line when not on a terminal
    assert findings == [
        "  error   cdktf.out/stacks/broken/cdk.tf.json:188:9  "
        "aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D (aws-us-east-1/Gpu/LaunchTemplate)",
        '    Extraneous JSON object property: No argument or block type is named "instance_typo".',
    ]


@pytest.mark.terraform
def test_a_single_stack_folder_is_accepted(tmp_path: Path, run_cli) -> None:
    out_dir = write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack()})
    result = run_cli("check", out_dir / "stacks" / AWS_STACK, "--json")
    assert result.code == 0
    assert [stack["name"] for stack in result.json["stacks"]] == [AWS_STACK]


def test_missing_folder_exits_2(tmp_path: Path, run_cli) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error[check/missing-dir] cdktf.out\n"
        "  cdktf.out is not a directory\n"
        "  fix: run `cdktf synth` (or `fleetform synth`) first, or pass the cdktf output folder, e.g. cdktf.out\n"
    )


def test_folder_without_stacks_exits_2(tmp_path: Path, run_cli) -> None:
    (tmp_path / "cdktf.out" / "stacks").mkdir(parents=True)
    result = run_cli("check", "cdktf.out", cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        "error[check/no-stacks] cdktf.out\n"
        "  no synthesized stacks in cdktf.out\n"
        "  allowed: a cdktf output folder with stacks/<stack>/cdk.tf.json, or a folder holding cdk.tf.json\n"
        "  fix: run `cdktf synth` (or `fleetform synth`) first\n"
    )


def test_malformed_json_exits_2_with_its_position(tmp_path: Path, run_cli) -> None:
    stack_dir = tmp_path / "cdktf.out" / "stacks" / "aws-us-east-1"
    stack_dir.mkdir(parents=True)
    malformed = '{\n  "resource": {\n    "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16",}}\n'
    (stack_dir / "cdk.tf.json").write_text(malformed, encoding="utf-8")
    good = write_out_dir(tmp_path / "cdktf.out", {"other": {"resource": {}}})
    result = run_cli("check", good, cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        "error[check/malformed-json] cdktf.out/stacks/aws-us-east-1/cdk.tf.json:3:54\n"
        "  the stack file is not valid JSON: Expecting property name enclosed in double quotes\n"
        "  fix: re-run synth; if the file was edited by hand, fix the JSON at that position\n"
    )


def test_json_that_is_not_an_object_exits_2(tmp_path: Path, run_cli) -> None:
    write_out_dir(tmp_path / "cdktf.out", {})
    stack_dir = tmp_path / "cdktf.out" / "stacks" / "list"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text("[]", encoding="utf-8")
    result = run_cli("check", "cdktf.out", cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines()[:2] == [
        "error[check/malformed-json] cdktf.out/stacks/list/cdk.tf.json:1:1",
        "  the stack file must hold a JSON object (a Terraform configuration), not list",
    ]
