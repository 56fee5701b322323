"""The account-foundation modules and Terraform root modules that use them, checked offline.

A root module written by a test lives in a temporary folder and reaches the modules through a
relative path (Terraform only installs local modules given as ``./`` or ``../`` paths), written
as ``{modules}`` in its text.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fleetform.check import StackResult, check_module

REPO = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO / "modules"
MODULE_NAMES = ("aws-network", "aws-state", "gcp-network", "gcp-state")
# check_once(key, run): run(folder) once per test session (see conftest.py).
CheckOnce = Callable[[str, Callable[[Path], Any]], Any]
# A check's result and its plan (`terraform show -json`); a plan's resources, address -> planned values.
Checked = tuple[StackResult, dict[str, Any]]
Resources = dict[str, dict[str, Any]]


def example_dir(module: str) -> Path:
    return MODULES_DIR / module / "examples" / "complete"


def checked_example(module: str, plans: Path) -> Checked:
    """The check of ``module``'s example, named after the module."""
    return checked(example_dir(module), plans, name=module)


def write_root(folder: Path, text: str) -> Path:
    """A root module in ``folder`` whose ``main.tf`` is ``text`` with ``{modules}`` pointing at ``modules/``."""
    folder.mkdir(parents=True, exist_ok=True)
    modules = Path(os.path.relpath(MODULES_DIR, folder)).as_posix()
    (folder / "main.tf").write_text(textwrap.dedent(text).replace("{modules}", modules), encoding="utf-8")
    return folder


def checked(folder: Path, plans: Path, name: str | None = None) -> Checked:
    """The check of a root module and its saved plan as ``terraform show -json`` gives it (``{}`` if none)."""
    result = check_module(folder, name=name or folder.name, plan_json_dir=plans)
    plan = json.loads(result.plan_json.read_text(encoding="utf-8")) if result.plan_json else {}
    return result, plan


def planned(plan: dict[str, Any]) -> Resources:
    """Address -> planned values (``after``) of every managed resource the plan creates."""
    return {
        change["address"]: change["change"]["after"]
        for change in plan["resource_changes"]
        if change["mode"] == "managed" and change["change"]["actions"] == ["create"]
    }


def module_configuration(plan: dict[str, Any], call: str) -> dict[str, Any]:
    """Terraform's view of the child module called ``call`` from the root: variables, outputs, resources."""
    return plan["configuration"]["root_module"]["module_calls"][call]["module"]
