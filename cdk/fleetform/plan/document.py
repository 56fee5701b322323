"""The plan as a JSON document: what synth writes next to the stacks, and what ``review`` reads back.

A synth output (``cdktf.out``) holds ``fleetform.plan.json``: the :class:`PlatformPlan` that the stacks
render, every field as the dataclasses hold it, plus a format number and the fleetform version that
wrote it. A reviewer can then compare two synth outputs without synthesizing again, and a synth output
of another fleetform version is refused with a clear message instead of being misread.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from fleetform import __version__
from fleetform.errors import FleetformError, display_path
from fleetform.plan.model import PlatformPlan

PLAN_FILE = "fleetform.plan.json"
FORMAT = 1
"""Bumped whenever the document's shape changes in a way an older reader would misread."""


def plan_document(plan: PlatformPlan) -> dict[str, Any]:
    """The JSON-ready document of ``plan``."""
    return {"format": FORMAT, "fleetform_version": __version__, "plan": asdict(plan)}


def write_plan(plan: PlatformPlan, out_dir: Path) -> Path:
    """Write ``<out_dir>/fleetform.plan.json`` (sorted keys, so two synths of one input are byte-identical)."""
    path = out_dir / PLAN_FILE
    path.write_bytes(plan_bytes(plan))
    return path


def plan_bytes(plan: PlatformPlan) -> bytes:
    """The bytes :func:`write_plan` writes."""
    return (json.dumps(plan_document(plan), indent=1, sort_keys=True) + "\n").encode("utf-8")


def read_plan(path: Path) -> PlatformPlan:
    """The plan a synth output recorded; bad input (``FleetformError``) when it is missing or unreadable."""
    where = display_path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FleetformError.single(
            "plan/no-plan-file", where, f"no {PLAN_FILE} in this synth output",
            fix="synthesize with this fleetform version (`fleetform synth` or `cdktf synth`), which writes it",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise FleetformError.single("plan/unreadable-plan-file", where, f"cannot read the plan: {error}") from None
    except json.JSONDecodeError as error:
        raise FleetformError.single("plan/malformed-plan-file", f"{where}:{error.lineno}:{error.colno}",
                                    f"the plan file is not valid JSON: {error.msg}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or "plan" not in document:
        found = document.get("format") if isinstance(document, dict) else None
        raise FleetformError.single(
            "plan/plan-format", where,
            f"plan format {found!r} (written by fleetform {_version_of(document)}) is not this fleetform's "
            f"format {FORMAT} ({__version__})",
            fix="synthesize both sides with the same fleetform version",
        )
    try:
        return _adapter().validate_python(document["plan"])
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise FleetformError.single(
            "plan/plan-format", f"{where}: plan.{key}",
            f"the plan does not match this fleetform's plan model ({first['msg']}); it was written by fleetform "
            f"{_version_of(document)}",
            fix="synthesize both sides with the same fleetform version",
        ) from None


def _version_of(document: object) -> str:
    return str(document.get("fleetform_version", "unknown")) if isinstance(document, dict) else "unknown"


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[PlatformPlan]:
    return TypeAdapter(PlatformPlan)
