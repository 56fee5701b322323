"""Planned groups of the trace apps (examples/traces/pyproject.toml), for construct and simulation tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fleetform.plan.model import GroupPlan
from fleetform.plan.platform import plan_workspace
from fleetform.spec.workspace import open_workspace

TRACE_APPS = Path(__file__).resolve().parents[2] / "examples" / "traces"


@cache
def trace_app_groups(app: str) -> tuple[GroupPlan, ...]:
    """``llm-chat`` is the issue's example (min 1, max 10, 4 per runner, buffer 2); ``batch-zero`` scales to zero."""
    return plan_workspace(open_workspace(TRACE_APPS)).groups(app)


def trace_app_group(app: str, cloud: str) -> GroupPlan:
    return next(group for group in trace_app_groups(app) if group.cloud == cloud)
