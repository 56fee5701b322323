"""Terraform's JSON output read into diagnostics; the offline environment Terraform runs in; reports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import fleetform
from fleetform.check import offline_terraform
from fleetform.check.report import CheckReport, Diagnostic, StackResult
from fleetform.check.terraform_output import (
    DEV_OVERRIDES_WARNING,
    SourcePosition,
    TerraformDiagnostic,
    plan_diagnostics,
    validate_diagnostics,
)

UNSUPPORTED = {
    "severity": "error",
    "summary": "Unsupported argument",
    "detail": 'An argument named "x" is not expected here.',
    "range": {"filename": "cdk.tf.json", "start": {"line": 3, "column": 9, "byte": 40},
              "end": {"line": 3, "column": 12, "byte": 43}},
}
OVERRIDES = {"severity": "warning", "summary": DEV_OVERRIDES_WARNING, "detail": "..."}
EXPECTED = TerraformDiagnostic("error", "Unsupported argument", 'An argument named "x" is not expected here.',
                               SourcePosition("cdk.tf.json", 3, 9, 40), None)


def test_validate_output_without_the_dev_overrides_warning() -> None:
    stdout = json.dumps({"valid": False, "diagnostics": [UNSUPPORTED, OVERRIDES]})
    assert validate_diagnostics(stdout, "", 1) == [EXPECTED]
    assert validate_diagnostics(json.dumps({"valid": True, "diagnostics": [OVERRIDES]}), "", 0) == []


def test_plan_stream_diagnostics() -> None:
    events = [
        {"type": "version", "terraform": "1.15.5"},
        {"type": "diagnostic", "diagnostic": OVERRIDES},
        {"type": "planned_change", "change": {}},
        {"type": "diagnostic", "diagnostic": {**UNSUPPORTED, "address": "aws_vpc.v[0]"}},
    ]
    stdout = "\n".join(json.dumps(event) for event in events) + "\nnot json\n"
    assert plan_diagnostics(stdout, "", 1) == [EXPECTED.__class__(**{**EXPECTED.__dict__, "address": "aws_vpc.v[0]"})]


def test_a_crash_without_diagnostics_becomes_one() -> None:
    (diagnostic,) = plan_diagnostics("", "panic: runtime error\n", 11)
    assert (diagnostic.summary, diagnostic.detail) == (
        "terraform plan failed (exit code 11) without a diagnostic", "panic: runtime error"
    )
    (diagnostic,) = validate_diagnostics("{truncated", "", 1)
    assert diagnostic.summary == "terraform validate failed (exit code 1) without a diagnostic"


def test_offline_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TF_CLI_ARGS_plan", "-destroy")
    monkeypatch.setenv("TF_VAR_region", "x")
    env = offline_terraform.prepare(tmp_path)
    assert not {"TF_CLI_ARGS_plan", "TF_VAR_region"} & set(env)
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / "terraform.rc") and env["TF_IN_AUTOMATION"] == "1"
    providers, mirror = tmp_path / "providers", tmp_path / "mirror"
    assert (tmp_path / "terraform.rc").read_text(encoding="utf-8") == (
        "provider_installation {\n  dev_overrides {\n"
        f'    "hashicorp/aws" = "{providers}"\n    "hashicorp/google" = "{providers}"\n'
        f'  }}\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\ndisable_checkpoint = true\n'
    )
    assert sorted(path.relative_to(mirror).as_posix() for path in mirror.rglob("terraform-provider-*")) == [
        "registry.terraform.io/hashicorp/aws/6.47.0/linux_amd64/terraform-provider-aws_v6.47.0",
        "registry.terraform.io/hashicorp/google/6.50.0/linux_amd64/terraform-provider-google_v6.50.0",
    ]
    assert env["TERRAFORM_BINARY_NAME"] == str(tmp_path / "bin" / "terraform")
    for name in ("aws", "google"):
        launcher = providers / f"terraform-provider-{name}"
        assert os.access(launcher, os.X_OK)
        assert f"-m fleetform.check.provider {name} \"$@\"" in launcher.read_text(encoding="utf-8")
        assert f"HOME={tmp_path / 'home'}" in launcher.read_text(encoding="utf-8")
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(Path(fleetform.__file__).resolve().parent.parent)


def _stack(name: str, *diagnostics: Diagnostic, planned: bool = True) -> StackResult:
    return StackResult(name, Path(f"out/stacks/{name}/cdk.tf.json"), 3, diagnostics, 0.84, 1.25 if planned else None)


def test_report_rendering_and_json() -> None:
    warning = Diagnostic("warning", "Argument is deprecated", "use x", "out/stacks/b/cdk.tf.json:4:5",
                         "aws_iam_role.r", "b/Role")
    error = Diagnostic("error", "Missing required argument", "", "out/stacks/c/cdk.tf.json:9:7", None, None)
    report = CheckReport((_stack("a"), _stack("b", warning), _stack("c", error, planned=False)))
    assert not report.ok and [stack.ok for stack in report.stacks] == [True, True, False]
    assert report.render() == (
        "ok  a (3 resources, validate 0.8s, plan 1.2s)\n"
        "ok  b (3 resources, validate 0.8s, plan 1.2s) with 1 warning\n"
        "  warning out/stacks/b/cdk.tf.json:4:5  aws_iam_role.r (b/Role)\n"
        "    Argument is deprecated: use x\n"
        "FAIL  c (1 error; 3 resources, validate 0.8s)\n"
        "  error   out/stacks/c/cdk.tf.json:9:7\n"
        "    Missing required argument\n"
        "3 stacks: 2 ok, 1 failed"
    )
    assert CheckReport((_stack("a"),), seconds=18.25).summary() == "1 stack: 1 ok, 0 failed in 18.2 s"
    assert report.to_json()["totals"] == {"stacks": 3, "ok": 2, "failed": 1}
    assert report.to_json()["stacks"][1] == {
        "name": "b", "ok": True, "file": "out/stacks/b/cdk.tf.json", "resources": 3,
        "diagnostics": [{"severity": "warning", "summary": "Argument is deprecated", "detail": "use x",
                         "where": "out/stacks/b/cdk.tf.json:4:5", "address": "aws_iam_role.r",
                         "construct_path": "b/Role"}],
    }


def test_a_failed_command_with_only_warnings_still_reports_an_error() -> None:
    warning = {"severity": "warning", "summary": "Argument is deprecated", "detail": "x"}
    diagnostics = validate_diagnostics(json.dumps({"diagnostics": [warning]}), "boom", 1)
    assert [(d.severity, d.summary) for d in diagnostics] == [
        ("warning", "Argument is deprecated"),
        ("error", "terraform validate failed (exit code 1) without a diagnostic"),
    ]
