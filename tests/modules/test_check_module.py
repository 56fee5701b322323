"""``check_module``: a hand-written root module folder is checked offline, in place, without writing to it.

Also: a finding inside a child module is placed in the child module's file, a module that cannot be
installed is reported as such, bad input is a ``FleetformError``, and the modules are formatted as
``terraform fmt`` formats them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetform.check import check_module, offline_terraform
from fleetform.check.runner import run_worker
from fleetform.errors import FleetformError, display_path
from tests.modules.roots import MODULES_DIR, write_root

pytestmark = pytest.mark.terraform

OTHER_REGION = """
provider "aws" {
  region = "us-east-1"
}

module "network" {
  source                = "{modules}/aws-network"
  availability_zone_ids = ["usw2-az1", "usw2-az2"]
}
"""


def _line_of(file: Path, text: str) -> int:
    return next(number for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_an_az_id_of_another_region_fails_the_plan_at_the_module_s_precondition(tmp_path: Path) -> None:
    root = write_root(tmp_path / "root", OTHER_REGION)
    result = check_module(root, plan_json_dir=tmp_path / "plans")
    main_tf = MODULES_DIR / "aws-network" / "main.tf"
    line = _line_of(main_tf, "contains(data.aws_availability_zones.available.zone_ids, az_id)")
    assert [(d.severity, d.summary, d.detail, d.where) for d in result.diagnostics] == [
        (
            "error",
            "Resource precondition failed",
            'availability_zone_ids ["usw2-az1","usw2-az2"] must be available AZ IDs of us-east-1: '
            '["use1-az1","use1-az2","use1-az3"].',
            f"{display_path(main_tf)}:{line}:23",
        )
    ]
    assert (result.ok, result.plan_seconds, result.plan_json, result.resource_count) == (False, None, None, 0)
    assert result.validate_seconds is not None
    assert sorted(path.name for path in root.iterdir()) == ["main.tf"]  # no .terraform, no plan, no state


def test_a_module_that_cannot_be_installed_is_reported(tmp_path: Path) -> None:
    root = write_root(tmp_path / "root", 'module "missing" {\n  source = "./missing"\n}\n')
    result = check_module(root, name="missing-module")
    (error,) = result.errors
    assert error.summary == "terraform get failed (exit code 1) without a diagnostic"
    assert "missing" in error.detail
    assert (result.name, result.ok, result.validate_seconds) == ("missing-module", False, None)


def test_a_root_module_without_resources_plans_and_saves_its_plan_under_its_name(tmp_path: Path) -> None:
    root = write_root(tmp_path / "root", 'output "answer" {\n  value = 6 * 7\n}\n')
    result = check_module(root, name="nested/name", plan_json_dir=tmp_path / "plans")
    assert (result.ok, result.diagnostics, result.resource_count) == (True, (), 0)
    assert result.plan_json == tmp_path / "plans" / "nested_name.plan.json"
    assert (
        json.loads(result.plan_json.read_text(encoding="utf-8"))["planned_values"]["outputs"]["answer"]["value"] == 42
    )


@pytest.mark.parametrize(
    ("make", "rendered"),
    [
        (
            lambda tmp: tmp / "absent",
            "error[check/missing-dir] {path}\n"
            "  {path} is not a directory\n"
            "  fix: pass the folder of a Terraform root module (the one you would run `terraform plan` in)",
        ),
        (
            lambda tmp: tmp,
            "error[check/no-terraform-files] {path}\n"
            "  no Terraform files in {path}\n"
            "  allowed: a folder holding .tf or .tf.json files\n"
            "  fix: pass the folder of a Terraform root module, e.g. modules/aws-network/examples/complete",
        ),
    ],
)
def test_a_folder_that_is_no_root_module_is_bad_input(tmp_path: Path, make, rendered: str) -> None:
    folder = make(tmp_path)
    with pytest.raises(FleetformError) as raised:
        check_module(folder)
    assert raised.value.render() == rendered.format(path=display_path(folder))


def test_modules_are_formatted_as_terraform_fmt_formats_them(tmp_path: Path) -> None:
    env = offline_terraform.prepare(tmp_path / "terraform")
    (outcome,) = run_worker(
        MODULES_DIR, [["fmt", "-check", "-recursive", "-diff", "-no-color"]], env, request_dir=tmp_path
    )
    assert (outcome["returncode"], outcome["stdout"]) == (0, ""), outcome["stdout"] + outcome["stderr"]
