"""Checking a hand-written Terraform root module (a folder of ``.tf`` files) offline: get, validate, plan.

For HCL a platform team writes itself, such as the examples of the account-foundation modules in
``modules/``, rather than cdktf output. Terraform runs in the folder itself, so diagnostics point
at the user's own files (``main.tf:12:3``, or the child module's file for ``source = "../.."``)
and local module sources resolve exactly as they will for the user. Everything Terraform would
write goes to a scratch folder instead (``TF_DATA_DIR`` for the module manifest, ``-out`` for the
plan), so the folder is left as it was. ``terraform get`` installs the local child modules; it
never touches providers, which come from the offline provider as for ``check_stacks``. Remote
module sources cannot be installed offline and fail at ``get`` with Terraform's own message; a
``backend`` block fails ``plan`` with "Backend initialization required" (check a root module
without one).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fleetform.check import offline_terraform
from fleetform.check.report import Diagnostic, StackResult
from fleetform.check.runner import VALIDATE, run_worker
from fleetform.check.terraform_output import (
    TerraformDiagnostic,
    command_failure,
    plan_diagnostics,
    validate_diagnostics,
)
from fleetform.errors import FleetformError, display_path

TERRAFORM_FILE_PATTERNS = ("*.tf", "*.tf.json")
GET = ["get", "-no-color"]


def check_module(path: Path, *, name: str | None = None, plan_json_dir: Path | None = None) -> StackResult:
    """Validate and plan the root module in folder ``path``, offline, as ``check_stacks`` does a stack.

    ``name`` (default: the folder's path, relative to the working directory) names the result and the plan file:
    ``plan_json_dir`` receives ``<name>.plan.json`` (``terraform show -json`` of the saved plan),
    with ``/`` in the name replaced by ``_``. ``resource_count`` is the number of resource
    instances the plan creates. Raises ``FleetformError`` when ``path`` holds no Terraform files.
    """
    _require_root_module(path)
    name = name or display_path(path)
    with tempfile.TemporaryDirectory(prefix="fleetform-check-module-") as scratch:
        root = Path(scratch)
        env = offline_terraform.prepare(root / "terraform") | {"TF_DATA_DIR": str(root / "data")}
        plan_file = root / "check.tfplan"
        commands = [GET, VALIDATE, _plan_command(plan_file), ["show", "-json", str(plan_file)]]
        outcomes = run_worker(path.resolve(), commands, env, request_dir=root)
    return _result(path, name, outcomes, plan_json_dir)


def _require_root_module(path: Path) -> None:
    if not path.is_dir():
        raise FleetformError.single(
            "check/missing-dir",
            display_path(path),
            f"{display_path(path)} is not a directory",
            fix="pass the folder of a Terraform root module (the one you would run `terraform plan` in)",
        )
    if not any(next(path.glob(pattern), None) for pattern in TERRAFORM_FILE_PATTERNS):
        raise FleetformError.single(
            "check/no-terraform-files",
            display_path(path),
            f"no Terraform files in {display_path(path)}",
            allowed="a folder holding .tf or .tf.json files",
            fix="pass the folder of a Terraform root module, e.g. modules/aws-network/examples/complete",
        )


def _plan_command(plan_file: Path) -> list[str]:
    return ["plan", "-json", "-refresh=false", "-input=false", "-lock=false", f"-out={plan_file}"]


def _result(path: Path, name: str, outcomes: list[dict[str, Any]], plan_json_dir: Path | None) -> StackResult:
    raw: list[TerraformDiagnostic] = []
    seconds: dict[str, float] = {}
    plan: dict[str, Any] | None = None
    plan_json = None
    for outcome in outcomes:
        command, returncode = outcome["args"][0], outcome["returncode"]
        stdout, stderr = outcome["stdout"], outcome["stderr"]
        seconds[command] = outcome["seconds"]
        if command == "validate":
            raw += validate_diagnostics(stdout, stderr, returncode)
        elif command == "plan":
            raw += plan_diagnostics(stdout, stderr, returncode)
        elif returncode != 0:  # get, show
            raw += command_failure(command, stdout, stderr, returncode)
        elif command == "show":
            plan = json.loads(stdout)
            if plan_json_dir is not None:
                plan_json = _write_plan_json(plan_json_dir, name, stdout)
    return StackResult(
        name=name,
        file=path,
        resource_count=_planned_resources(plan),
        diagnostics=tuple(dict.fromkeys(_placed(path, diagnostic) for diagnostic in raw)),
        validate_seconds=seconds.get("validate"),
        plan_seconds=seconds.get("plan") if plan is not None else None,
        plan_json=plan_json,
    )


def _write_plan_json(plan_json_dir: Path, name: str, text: str) -> Path:
    plan_json_dir.mkdir(parents=True, exist_ok=True)
    file = plan_json_dir / f"{name.replace('/', '_')}.plan.json"
    file.write_text(text, encoding="utf-8")
    return file


def _placed(path: Path, diagnostic: TerraformDiagnostic) -> Diagnostic:
    """A diagnostic at ``file:line:column`` of the module's own files (child modules' files included)."""
    position = diagnostic.position
    where = display_path(path)
    if position is not None:
        where = f"{display_path(path / position.filename)}:{position.line}:{position.column}"
    return Diagnostic(
        severity=diagnostic.severity,
        summary=diagnostic.summary,
        detail=diagnostic.detail,
        where=where,
        address=diagnostic.address,
        construct_path=None,
    )


def _planned_resources(plan: dict[str, Any] | None) -> int:
    """Managed resource instances the plan creates, in the root module and every child module."""
    if plan is None:
        return 0
    return sum(
        1
        for change in plan.get("resource_changes", [])
        if change.get("mode") == "managed" and "create" in change["change"]["actions"]
    )
