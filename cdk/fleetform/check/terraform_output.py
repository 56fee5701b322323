"""Terraform's machine-readable output, read into diagnostics.

``validate -json`` prints one JSON document with a ``diagnostics`` list; ``plan -json`` streams
one JSON event per line, diagnostics among them as ``{"type": "diagnostic"}`` events. Both carry
the same diagnostic object (severity, summary, detail, source range). A run that crashed
without any such output is turned into one diagnostic carrying what Terraform printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Terraform warns about the very mechanism the offline check runs on; that is not a finding.
DEV_OVERRIDES_WARNING = "Provider development overrides are in effect"


@dataclass(frozen=True)
class SourcePosition:
    filename: str
    line: int
    column: int
    byte: int


@dataclass(frozen=True)
class TerraformDiagnostic:
    """One diagnostic as Terraform reported it."""

    severity: str
    summary: str
    detail: str
    position: SourcePosition | None
    address: str | None  # some plan diagnostics name the resource instance they concern


def validate_diagnostics(stdout: str, stderr: str, returncode: int) -> list[TerraformDiagnostic]:
    """The diagnostics of ``terraform validate -json``."""
    try:
        document = json.loads(stdout)
    except ValueError:
        return command_failure("validate", stdout, stderr, returncode)
    diagnostics = [_diagnostic(raw) for raw in document.get("diagnostics", [])]
    return _findings("validate", diagnostics, stdout, stderr, returncode)


def plan_diagnostics(stdout: str, stderr: str, returncode: int) -> list[TerraformDiagnostic]:
    """The diagnostics streamed by ``terraform plan -json``."""
    diagnostics = []
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("type") == "diagnostic":
            diagnostics.append(_diagnostic(event["diagnostic"]))
    return _findings("plan", diagnostics, stdout, stderr, returncode)


def _findings(
    command: str, diagnostics: list[TerraformDiagnostic], stdout: str, stderr: str, returncode: int
) -> list[TerraformDiagnostic]:
    """The diagnostics that are findings; a failed command always contributes at least one error."""
    findings = [diagnostic for diagnostic in diagnostics if diagnostic.summary != DEV_OVERRIDES_WARNING]
    if returncode != 0 and not any(diagnostic.severity == "error" for diagnostic in findings):
        findings += command_failure(command, stdout, stderr, returncode)
    return findings


def _diagnostic(raw: dict[str, Any]) -> TerraformDiagnostic:
    source = raw.get("range")
    position = None
    if source:
        start = source["start"]
        position = SourcePosition(source["filename"], start["line"], start["column"], start["byte"])
    return TerraformDiagnostic(
        severity=raw.get("severity", "error"),
        summary=raw.get("summary", ""),
        detail=raw.get("detail", ""),
        position=position,
        address=raw.get("address"),
    )


def command_failure(command: str, stdout: str, stderr: str, returncode: int) -> list[TerraformDiagnostic]:
    """A Terraform command that failed without saying why in its JSON output, as one diagnostic."""
    output = (stderr.strip() or stdout.strip() or "(no output)")[-2000:]
    return [
        TerraformDiagnostic(
            severity="error",
            summary=f"terraform {command} failed (exit code {returncode}) without a diagnostic",
            detail=output,
            position=None,
            address=None,
        )
    ]
