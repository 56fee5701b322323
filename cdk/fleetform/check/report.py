"""What ``fleetform check`` found: per stack, diagnostics placed in the stack file and the construct tree.

The JSON form is deterministic (no timings) so it can be diffed or asserted on; the human form
adds timings. Both end with the totals: ``12 stacks: 12 ok, 0 failed in 18.2 s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Diagnostic:
    """One Terraform diagnostic about a stack.

    Attributes:
        severity: ``error`` or ``warning``.
        summary: Terraform's one-line summary, e.g. ``Unsupported argument``.
        detail: Terraform's explanation.
        where: ``path/cdk.tf.json:line:column``, or just the file when Terraform gave no position.
        address: the Terraform address of the enclosing block (``aws_lb.web``, ``data.aws_ami.gpu``,
            ``output.url``), when there is one.
        construct_path: the cdktf construct path of that block (``stack/Gpu/Asg``), when recorded.
    """

    severity: str
    summary: str
    detail: str
    where: str
    address: str | None
    construct_path: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "summary": self.summary,
            "detail": self.detail,
            "where": self.where,
            "address": self.address,
            "construct_path": self.construct_path,
        }

    def render(self) -> str:
        place = self.where
        if self.address:
            place += f"  {self.address}"
        if self.construct_path:
            place += f" ({self.construct_path})"
        text = f"{self.summary}: {self.detail}" if self.detail else self.summary
        indented = "\n".join(f"    {line}" for line in text.splitlines())
        return f"  {self.severity:<7} {place}\n{indented}"


@dataclass(frozen=True)
class StackResult:
    """The check of one stack: its diagnostics, size and how long Terraform took."""

    name: str
    file: Path
    resource_count: int
    diagnostics: tuple[Diagnostic, ...]
    validate_seconds: float | None = None
    plan_seconds: float | None = None
    plan_json: Path | None = None
    cached: bool = False
    """Whether this is an earlier check's result of the same stack (``fleetform.check.cache``)."""

    @property
    def ok(self) -> bool:
        """True when Terraform validated and planned the stack without an error."""
        return not self.errors and self.plan_seconds is not None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(diagnostic for diagnostic in self.diagnostics if diagnostic.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(diagnostic for diagnostic in self.diagnostics if diagnostic.severity != "error")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "file": str(self.file),
            "resources": self.resource_count,
            "diagnostics": [diagnostic.to_json() for diagnostic in self.diagnostics],
        }

    def render(self) -> str:
        timings = ", ".join(
            f"{step} {seconds:.1f}s"
            for step, seconds in (("validate", self.validate_seconds), ("plan", self.plan_seconds))
            if seconds is not None
        )
        counts = f"{self.resource_count} resources" + (f", {timings}" if timings else "") \
            + (", cached" if self.cached else "")
        if self.ok:
            head = f"ok  {self.name} ({counts})"
        else:
            head = f"FAIL  {self.name} ({_plural(len(self.errors), 'error')}; {counts})"
        if self.warnings:
            head += f" with {_plural(len(self.warnings), 'warning')}"
        return "\n".join([head, *(diagnostic.render() for diagnostic in self.diagnostics)])


@dataclass(frozen=True)
class CheckReport:
    """Every checked stack, in stack-name order, and how long the whole check took (wall clock)."""

    stacks: tuple[StackResult, ...]
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        return all(stack.ok for stack in self.stacks)

    @property
    def failed(self) -> tuple[StackResult, ...]:
        return tuple(stack for stack in self.stacks if not stack.ok)

    def to_json(self) -> dict[str, Any]:
        failed = len(self.failed)
        totals = {"stacks": len(self.stacks), "ok": len(self.stacks) - failed, "failed": failed}
        return {"stacks": [stack.to_json() for stack in self.stacks], "totals": totals}

    def summary(self) -> str:
        """The one-line total: ``12 stacks: 11 ok, 1 failed (9 cached) in 18.2 s``."""
        failed = len(self.failed)
        cached = sum(stack.cached for stack in self.stacks)
        took = (f" ({cached} cached)" if cached else "") + (
            f" in {self.seconds:.1f} s" if self.seconds is not None else "")
        return f"{_plural(len(self.stacks), 'stack')}: {len(self.stacks) - failed} ok, {failed} failed{took}"

    def render(self) -> str:
        """Every stack by name, then the total line."""
        return "\n".join([*(stack.render() for stack in self.stacks), self.summary()])


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
