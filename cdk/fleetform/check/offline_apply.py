"""Applying synthesized stacks into local state with real Terraform and the offline provider.

``fleetform check`` only plans from nothing. This module runs the other half of a deploy offline:
``apply_stack`` applies one stack into a local state file (the offline provider makes up every
computed value deterministically, see ``fleetform.check.provider``), and ``plan_stack`` plans a
stack against an existing state, refreshing it first as a real ``terraform plan`` does, and can
write ``terraform show -json`` of that plan. ``apply_stacks`` applies every stack of a cdktf
output folder in the order of its ``manifest.json`` dependencies, as ``cdktf deploy '*'`` would.

A plan right after an apply of the same stack plans no change; a changed argument plans an update.
The state file stays where the caller put it; Terraform works on a copy in a scratch folder.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleetform.check import offline_terraform
from fleetform.check.deployed_objects import STATES_VARIABLE
from fleetform.check.placement import placed_diagnostics
from fleetform.check.report import Diagnostic
from fleetform.check.runner import run_worker, safe_name, write_workdir
from fleetform.check.stacks import Stack, find_stack_files, load_stacks
from fleetform.check.terraform_output import TerraformDiagnostic, command_failure, plan_diagnostics
from fleetform.errors import FleetformError, display_path

STATE_FILE = "terraform.tfstate"
PLAN_FILE = "offline.tfplan"
MANIFEST_FILE = "manifest.json"
APPLY = ["apply", "-json", "-auto-approve", "-input=false", "-lock=false"]
PLAN = ["plan", "-json", "-input=false", "-lock=false", f"-out={PLAN_FILE}"]
SHOW = ["show", "-json", PLAN_FILE]


@dataclass(frozen=True)
class Changes:
    """Terraform's change summary of one plan or apply: how many resources it adds, changes, removes."""

    add: int = 0
    change: int = 0
    remove: int = 0
    imported: int = 0

    @property
    def none(self) -> bool:
        return not (self.add or self.change or self.remove or self.imported)

    def render(self) -> str:
        return f"{self.add} to add, {self.change} to change, {self.remove} to destroy, {self.imported} to import"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one offline ``apply`` or ``plan`` of one stack."""

    name: str
    command: str
    changes: Changes | None  # None when Terraform failed before summarising
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    state: Path | None
    plan_json: Path | None = None

    @property
    def ok(self) -> bool:
        return self.changes is not None and not any(d.severity == "error" for d in self.diagnostics)

    def render(self) -> str:
        head = f"{self.name}: {self.command} " + (self.changes.render() if self.changes else "failed")
        return "\n".join([head, *(diagnostic.render() for diagnostic in self.diagnostics)])

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.name,
            "command": self.command,
            "ok": self.ok,
            "changes": None if self.changes is None else vars(self.changes),
            "seconds": self.seconds,
            "diagnostics": [diagnostic.to_json() for diagnostic in self.diagnostics],
        }


def apply_stack(stack: Stack, state: Path, *, deployed: Path | None = None) -> RunResult:
    """Apply ``stack`` into ``state`` (created when missing), offline; lookups find what the states in
    ``deployed`` hold (``fleetform.check.deployed_objects``)."""
    return _run(stack, state, [APPLY], plan_json=None, deployed=deployed)


def plan_stack(stack: Stack, state: Path | None, *, plan_json: Path | None = None,
               deployed: Path | None = None, destroy: bool = False) -> RunResult:
    """Plan ``stack`` against ``state`` (None: from nothing), refreshing it; ``plan_json`` receives ``show -json``;
    ``deployed`` as for :func:`apply_stack`; ``destroy`` plans its destruction (``plan -destroy``)."""
    plan = [*PLAN, "-destroy"] if destroy else PLAN
    return _run(stack, state, [plan, SHOW] if plan_json is not None else [plan], plan_json=plan_json,
                deployed=deployed)


def apply_stacks(out_dir: Path, state_dir: Path) -> list[RunResult]:
    """Apply every stack of a cdktf output folder into ``state_dir/<stack>.tfstate``, dependencies first.

    Stops at the first stack that fails, as ``cdktf deploy`` does: a stack that depends on it
    would fail on what it did not create. A stack's lookups find what the stacks before it applied.
    """
    stacks = load_stacks(find_stack_files(out_dir))
    results = []
    for stack in deploy_order(stacks, read_manifest_dependencies(out_dir)):
        result = apply_stack(stack, state_dir / f"{safe_name(stack.name)}.tfstate", deployed=state_dir)
        results.append(result)
        if not result.ok:
            break
    return results


def plan_stacks(out_dir: Path, state_dir: Path, *, plan_json_dir: Path | None = None) -> list[RunResult]:
    """Plan every stack against its state in ``state_dir`` (as ``apply_stacks`` left it), in deploy order."""
    stacks = load_stacks(find_stack_files(out_dir))
    results = []
    for stack in deploy_order(stacks, read_manifest_dependencies(out_dir)):
        state = state_dir / f"{safe_name(stack.name)}.tfstate"
        plan_json = None if plan_json_dir is None else plan_json_dir / f"{stack.name}.plan.json"
        results.append(plan_stack(stack, state if state.is_file() else None, plan_json=plan_json,
                                  deployed=state_dir))
    return results


def read_manifest_dependencies(out_dir: Path) -> dict[str, list[str]]:
    """``stack -> the stacks it depends on`` from cdktf's ``manifest.json``; empty when there is none."""
    manifest = out_dir / MANIFEST_FILE
    if not manifest.is_file():
        return {}
    try:
        stacks = json.loads(manifest.read_text(encoding="utf-8")).get("stacks", {})
    except ValueError as error:
        raise FleetformError.single("check/malformed-json", display_path(manifest),
                                    f"not valid JSON: {error}") from None
    # cdktf writes a dependency as the other stack's construct path, which is its name: fleetform's stacks are
    # children of the app (cdktf-cli matches dependencies against stack names too).
    return {name: list(entry.get("dependencies", [])) for name, entry in stacks.items()}


def deploy_order(stacks: Iterable[Stack], dependencies: dict[str, list[str]]) -> list[Stack]:
    """``stacks`` with every stack after the stacks it depends on; otherwise by name."""
    by_name = {stack.name: stack for stack in stacks}
    ordered: list[Stack] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name not in by_name or by_name[name] in ordered:
            return
        if name in visiting:
            raise FleetformError.single(
                "check/stack-cycle", MANIFEST_FILE, f"stack {name} depends on itself through {sorted(visiting)}"
            )
        visiting.add(name)
        for dependency in sorted(dependencies.get(name, [])):
            visit(dependency)
        visiting.discard(name)
        ordered.append(by_name[name])

    for name in sorted(by_name):
        visit(name)
    return ordered


def _run(stack: Stack, state: Path | None, commands: list[list[str]], plan_json: Path | None,
         deployed: Path | None) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="fleetform-offline-") as scratch:
        root = Path(scratch)
        env = offline_terraform.prepare(root / "terraform")
        if deployed is not None:
            env[STATES_VARIABLE] = str(deployed.resolve())
        workdir = root / "stack"
        write_workdir(stack, workdir)
        if state is not None and state.is_file():
            shutil.copyfile(state, workdir / STATE_FILE)
        outcomes = run_worker(workdir, commands, env, request_dir=root)
        command = commands[0][0]
        raw: list[TerraformDiagnostic] = []
        changes = None
        for outcome in outcomes:
            name = outcome["args"][0]
            if name in ("apply", "plan"):
                raw += plan_diagnostics(outcome["stdout"], outcome["stderr"], outcome["returncode"])
                if outcome["returncode"] == 0:
                    changes = change_summary(outcome["stdout"])
            elif outcome["returncode"] != 0:
                raw += command_failure(name, outcome["stdout"], outcome["stderr"], outcome["returncode"])
            elif plan_json is not None:
                plan_json.parent.mkdir(parents=True, exist_ok=True)
                plan_json.write_text(outcome["stdout"], encoding="utf-8")
        if command == "apply" and state is not None and (workdir / STATE_FILE).is_file():
            state.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(workdir / STATE_FILE, state)
    return RunResult(
        name=stack.name,
        command=command,
        changes=changes,
        diagnostics=placed_diagnostics(stack, raw),
        seconds=round(sum(outcome["seconds"] for outcome in outcomes), 3),
        state=state,
        plan_json=plan_json if changes is not None and plan_json is not None and plan_json.is_file() else None,
    )


def change_summary(stdout: str) -> Changes:
    """The ``change_summary`` event of ``plan -json`` / ``apply -json`` output (no event: no change)."""
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("type") == "change_summary":
            counts = event.get("changes", {})
            return Changes(
                add=counts.get("add", 0),
                change=counts.get("change", 0),
                remove=counts.get("remove", 0),
                imported=counts.get("import", 0),
            )
    return Changes()
