"""`fleetform migrate-state` from the command line: what moves, --dry-run, --json, bad input."""

from __future__ import annotations

import json

import pytest

from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("migrate-cli") / "cdktf.out"
    synth_platform(EXAMPLES / "platform", folder)
    return folder


def _resource(out, stack: str, type_name: str, construct: str, mode: str = "managed") -> dict:
    """The state entry of the block of ``stack`` whose construct path ends with ``construct``."""
    config = json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())
    blocks = config["data" if mode == "data" else "resource"][type_name]
    name = next(name for name, body in blocks.items() if body["//"]["metadata"]["path"].endswith(construct))
    return {"mode": mode, "type": type_name, "name": name,
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [{"schema_version": 0, "attributes": {"id": f"{type_name}-1"}}]}


def _old_state(out) -> dict:
    resources = [
        _resource(out, "aws-us-east", "aws_lb", "region/PublicLoadBalancer/LoadBalancer"),
        _resource(out, "aws-us-east--captioner", "aws_autoscaling_group",
                  "region/captioner/InstanceGroup/AutoScalingGroup"),
        _resource(out, "aws-us-east--captioner", "aws_ssm_parameter", "region/Ami-DeepLearningBaseGpu", mode="data"),
        {**_resource(out, "aws-us-east", "aws_lb", "region/PublicLoadBalancer/LoadBalancer"), "type": "aws_instance",
         "name": "hand_made"},
    ]
    return {"version": 4, "terraform_version": "1.15.0", "serial": 7, "lineage": "old-lineage", "outputs": {},
            "resources": resources, "check_results": None}


def test_dry_run_prints_the_moves_and_writes_nothing(run_cli, out, tmp_path):
    (tmp_path / "aws-us-east.tfstate").write_text(json.dumps(_old_state(out)))
    before = (tmp_path / "aws-us-east.tfstate").read_bytes()
    result = run_cli("migrate-state", tmp_path, "--out", out, "--dry-run", "--json")
    assert result.code == 0, result.err
    stack = result.json["stacks"][0]
    assert stack["stack"] == "aws-us-east" and list(stack["moves"]) == ["aws-us-east--captioner"]
    assert stack["moves"]["aws-us-east--captioner"][0].startswith("aws_autoscaling_group.region_captioner_")
    assert stack["dropped_reads"][0].startswith("data.aws_ssm_parameter.")
    assert stack["undeclared"] == ["aws_instance.hand_made"]
    assert result.json["push_order"] == ["aws-us-east--captioner", "aws-us-east"]
    assert (tmp_path / "aws-us-east.tfstate").read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["aws-us-east.tfstate"]


def test_migration_writes_each_state_and_a_backup(run_cli, out, tmp_path):
    (tmp_path / "aws-us-east.tfstate").write_text(json.dumps(_old_state(out)))
    (tmp_path / "aws-us-east--upscaler.tfstate").write_text("")  # `terraform state pull` of a stack never applied
    result = run_cli("migrate-state", tmp_path, "--out", out)
    assert result.code == 0, result.err
    assert "aws-us-east -> aws-us-east--captioner: 1 resource(s)" in result.out
    assert "push order: aws-us-east--captioner aws-us-east" in result.out
    assert "aws_instance.hand_made is declared by no stack" in result.err
    assert "moved 1 resource(s) in 1 state(s)" in result.err
    base = json.loads((tmp_path / "aws-us-east.tfstate").read_text())
    app = json.loads((tmp_path / "aws-us-east--captioner.tfstate").read_text())
    assert [r["type"] for r in base["resources"]] == ["aws_lb", "aws_instance"] and base["serial"] == 8
    assert [r["type"] for r in app["resources"]] == ["aws_autoscaling_group"]
    assert app["lineage"] != "old-lineage" and app["terraform_version"] == "1.15.0"
    assert json.loads((tmp_path / "aws-us-east.tfstate.backup").read_text())["serial"] == 7
    again = run_cli("migrate-state", tmp_path, "--out", out, "--json")
    assert again.json["totals"] == {"moved": 0, "states_written": 0}


def test_a_state_that_is_not_terraform_state_is_bad_input(run_cli, out, tmp_path):
    (tmp_path / "aws-us-east.tfstate").write_text("{not json")
    (tmp_path / "gcp-us-east.tfstate").write_text('{"version": 3}')
    result = run_cli("migrate-state", tmp_path, "--out", out)
    assert result.code == 2
    assert "error[migrate/malformed-state]" in result.err and "aws-us-east.tfstate" in result.err
    assert "error[migrate/state-version]" in result.err and "gcp-us-east.tfstate" in result.err
    assert "Traceback" not in result.err
