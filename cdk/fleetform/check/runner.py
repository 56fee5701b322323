"""Checking stacks with real Terraform against the offline provider: validate, then plan.

Each stack gets a scratch working directory holding its ``cdk.tf.json`` with the backend blanked
out (so no remote state is touched and no ``init`` is needed: Terraform uses the default local
backend in the scratch folder; every byte offset is kept, so Terraform's positions are positions
in the stack file), a link to the stack's ``assets/`` if it has one, and one worker process running
``validate`` and, when that passes, ``plan -refresh=false`` (and ``show -json`` of the saved plan
when asked). Stacks are independent and run side by side, one per core; a ``CheckListener``
hears of each as it starts and finishes, so a caller can report progress while the others still run.
With the cache on, a stack checked before with the same inputs is not run again (``check.cache``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from fleetform.check import offline_terraform
from fleetform.check.cache import cached_result, store_result
from fleetform.check.placement import placed_diagnostics
from fleetform.check.report import CheckReport, StackResult
from fleetform.check.source_map import without_remote_settings
from fleetform.check.stacks import STACK_FILE, Stack, find_stack_files, load_stacks, parse_stack
from fleetform.check.terraform_output import (
    TerraformDiagnostic,
    command_failure,
    plan_diagnostics,
    validate_diagnostics,
)

PLAN_FILE = "check.tfplan"
VALIDATE = ["validate", "-json", "-no-color"]
PLAN = ["plan", "-json", "-refresh=false", "-input=false", "-lock=false", f"-out={PLAN_FILE}"]
SHOW = ["show", "-json", PLAN_FILE]
ASSETS_DIR = "assets"
# A stack that takes longer than this is reported as failed rather than hanging a CI job.
STACK_TIMEOUT_SECONDS = 900


class CheckListener(Protocol):
    """Hears how a check goes, stack by stack.

    ``stack_started`` and ``stack_finished`` are called from the worker threads (a worker reports a
    stack finished before it starts its next one), so an implementation that keeps state locks it.
    """

    def checking(self, stack_names: Sequence[str]) -> None:
        """The stacks about to be checked, in stack-name order (before any starts)."""

    def stack_started(self, name: str) -> None:
        """Terraform starts on the stack ``name``."""

    def stack_finished(self, result: StackResult) -> None:
        """One stack is done (in the order stacks finish, not by name)."""


def check_stacks(
    out_dir: Path,
    *,
    plan_json_dir: Path | None = None,
    jobs: int | None = None,
    listener: CheckListener | None = None,
    cache: bool = False,
) -> CheckReport:
    """Validate and plan every stack of a cdktf output folder (``cdktf.out``) or one stack folder.

    Raises ``FleetformError`` for bad input: a missing folder, no stacks, malformed JSON.
    ``plan_json_dir`` receives ``<stack>.plan.json`` (``terraform show -json`` of the saved plan)
    for every stack that planned. ``jobs`` caps how many stacks run at once (default: one per core).
    ``listener`` hears of each stack as it starts and finishes. The report lists stacks by name.
    With ``cache`` (what ``fleetform check`` does unless ``--no-cache``) a stack checked before with the
    same inputs reports that result and only the others run (``fleetform.check.cache``); a check that
    writes ``plan_json_dir`` runs every stack.
    """
    started = time.perf_counter()
    stacks = load_stacks(find_stack_files(out_dir))
    results = _check(stacks, plan_json_dir, jobs, listener, cache=cache and plan_json_dir is None)
    return CheckReport(tuple(results), seconds=time.perf_counter() - started)


def check_terraform_json(
    config: Mapping[str, Any], *, name: str = "stack", plan_json_dir: Path | None = None
) -> StackResult:
    """Validate and plan one in-memory Terraform JSON configuration (as cdktf would synthesize it).

    Positions in diagnostics refer to ``<name>/cdk.tf.json`` as ``json.dumps(config, indent=2)``.
    """
    stack = parse_stack(name, Path(name) / STACK_FILE, json.dumps(config, indent=2))
    return _check([stack], plan_json_dir, 1, None)[0]


def _check(
    stacks: list[Stack], plan_json_dir: Path | None, jobs: int | None, listener: CheckListener | None,
    *, cache: bool = False,
) -> list[StackResult]:
    """Check ``stacks`` side by side (cached results first, with ``cache``); the results in the order of ``stacks``."""
    if plan_json_dir is not None:
        plan_json_dir.mkdir(parents=True, exist_ok=True)
    if listener is not None:
        listener.checking([stack.name for stack in stacks])
    known: dict[int, StackResult] = {}
    for index, stack in enumerate(stacks):
        found = cached_result(stack) if cache else None
        if found is not None:
            known[index] = found
            if listener is not None:
                listener.stack_started(stack.name)
                listener.stack_finished(found)
    pending = [index for index in range(len(stacks)) if index not in known]
    if not pending:
        return [known[index] for index in range(len(stacks))]
    workers = max(1, min(len(pending), jobs or os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="fleetform-check-") as scratch:
        root = Path(scratch)
        env = offline_terraform.prepare(root / "terraform")

        def check_one(index: int, stack: Stack) -> StackResult:
            if listener is not None:
                listener.stack_started(stack.name)
            result = _check_stack(stack, root / "stacks" / f"{index}-{safe_name(stack.name)}", env, plan_json_dir)
            if cache:
                store_result(stack, result)
            if listener is not None:
                listener.stack_finished(result)
            return result

        with ThreadPoolExecutor(max_workers=workers) as pool:
            known.update(zip(pending, pool.map(check_one, pending, [stacks[index] for index in pending]), strict=True))
    return [known[index] for index in range(len(stacks))]


def write_workdir(stack: Stack, workdir: Path) -> None:
    """A scratch Terraform working directory for ``stack``: its file, backend blanked, and its assets."""
    workdir.mkdir(parents=True)
    (workdir / STACK_FILE).write_text(without_remote_settings(stack.text), encoding="utf-8")
    assets = stack.file.parent / ASSETS_DIR
    if assets.is_dir():  # cdktf's TerraformAsset paths are relative to the stack folder
        (workdir / ASSETS_DIR).symlink_to(assets.resolve(), target_is_directory=True)


def safe_name(name: str) -> str:
    """``name`` as a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "stack"


def _check_stack(stack: Stack, workdir: Path, env: dict[str, str], plan_json_dir: Path | None) -> StackResult:
    write_workdir(stack, workdir)
    commands = [VALIDATE, PLAN] + ([SHOW] if plan_json_dir is not None else [])
    outcomes = run_worker(workdir, commands, env)

    raw: list[TerraformDiagnostic] = []
    seconds: dict[str, float] = {}
    plan_json = None
    for outcome in outcomes:
        command = outcome["args"][0]
        seconds[command] = outcome["seconds"]
        if command == "validate":
            raw += validate_diagnostics(outcome["stdout"], outcome["stderr"], outcome["returncode"])
        elif command == "plan":
            raw += plan_diagnostics(outcome["stdout"], outcome["stderr"], outcome["returncode"])
        elif command == "show" and outcome["returncode"] != 0:
            raw += command_failure("show", outcome["stdout"], outcome["stderr"], outcome["returncode"])
        elif command == "show" and plan_json_dir is not None:
            plan_json = plan_json_dir / f"{stack.name}.plan.json"
            plan_json.write_text(outcome["stdout"], encoding="utf-8")
    planned = any(outcome["args"][0] == "plan" and outcome["returncode"] == 0 for outcome in outcomes)
    return StackResult(
        name=stack.name,
        file=stack.file,
        resource_count=_resource_count(stack.config),
        diagnostics=placed_diagnostics(stack, raw),
        validate_seconds=seconds.get("validate"),
        plan_seconds=seconds.get("plan") if planned else None,
        plan_json=plan_json,
    )


def run_worker(
    workdir: Path, commands: list[list[str]], env: dict[str, str], *, request_dir: Path | None = None
) -> list[dict[str, Any]]:
    """Run ``commands`` in ``workdir`` in one Terraform worker process; the outcome of each that ran.

    The request and result files go to ``request_dir`` (default: ``workdir``).
    """
    files = request_dir or workdir
    request, result = files / "request.json", files / "result.json"
    request.write_text(json.dumps({"workdir": str(workdir), "commands": commands}), encoding="utf-8")
    try:
        process = subprocess.run(
            [sys.executable, "-m", "fleetform.check.terraform_worker", str(request), str(result)],
            env=env,
            capture_output=True,
            text=True,
            timeout=STACK_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return [_failed_outcome(commands[0], f"Terraform did not finish within {STACK_TIMEOUT_SECONDS} s")]
    if process.returncode != 0 or not result.is_file():
        return [_failed_outcome(commands[0], process.stderr or process.stdout)]
    return json.loads(result.read_text(encoding="utf-8"))


def _failed_outcome(args: list[str], message: str) -> dict[str, Any]:
    return {"args": args, "returncode": -1, "stdout": "", "stderr": message, "seconds": 0.0}


def _resource_count(config: Mapping[str, Any]) -> int:
    resources = config.get("resource", {})
    return sum(len(by_name) for by_name in resources.values() if isinstance(by_name, dict))
