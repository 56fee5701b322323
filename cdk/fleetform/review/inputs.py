"""What ``review`` compares: a synth output (its ``fleetform.plan.json``) or a platform repo, planned here.

A synth output is recognized by its plan file; a folder or ``pyproject.toml`` with ``[tool.fleetform]``
is a platform repo and runs the same plan pass as ``synth`` (no stacks are written: the review reads
the plan, not the stacks). Anything else is bad input naming what was expected.
"""

from __future__ import annotations

from pathlib import Path

from fleetform.errors import FleetformError, display_path
from fleetform.plan.document import PLAN_FILE, read_plan
from fleetform.plan.model import PlatformPlan
from fleetform.plan.platform import plan_workspace
from fleetform.spec.workspace import open_workspace


def load_side(path: Path, side: str) -> PlatformPlan:
    """The plan of BASE or HEAD (``side`` names it in messages)."""
    if path.is_file() and path.name == PLAN_FILE:
        return read_plan(path)
    if (path / PLAN_FILE).is_file():
        return read_plan(path / PLAN_FILE)
    if (path.is_dir() and (path / "pyproject.toml").is_file()) or (path.is_file() and path.suffix == ".toml"):
        return plan_workspace(open_workspace(path))
    raise FleetformError.single(
        "review/bad-side", display_path(path),
        f"{side} is neither a synth output (a folder with {PLAN_FILE}) nor a platform repo (a folder with "
        "pyproject.toml)",
        fix=f"pass the folder `fleetform synth --out` wrote for {side}, or the platform repo's folder",
    )
