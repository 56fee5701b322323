"""A review: the domain diff of two plans, Terraform's plans of HEAD, and the findings the policy rates.

``build_review`` is the one entry point the CLI, the renderers and the tests share; the exit code
follows from the findings (see :mod:`fleetform.review.policy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fleetform.plan.model import PlatformPlan
from fleetform.review.domain import PlatformDiff, diff_platforms
from fleetform.review.policy import DEFAULT_POLICY, Policy
from fleetform.review.risks import Finding, find_risks
from fleetform.review.terraform_plan import PlanSummary

EXIT_CLEAN = 0
EXIT_WARNINGS = 1
EXIT_DENIED = 2


@dataclass(frozen=True)
class Review:
    diff: PlatformDiff
    plans: tuple[PlanSummary, ...]
    findings: tuple[Finding, ...]
    policy: Policy

    @property
    def denied(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "deny")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warn")

    @property
    def terraform_changes(self) -> int:
        return sum(len(plan.changes) for plan in self.plans)

    @property
    def no_changes(self) -> bool:
        """Nothing changes: no app differs and no Terraform plan given changes a resource."""
        return not self.diff.changed_apps and self.terraform_changes == 0

    def exit_code(self, *, fail_on_warn: bool = False) -> int:
        if self.denied:
            return EXIT_DENIED
        if self.warnings and fail_on_warn:
            return EXIT_WARNINGS
        return EXIT_CLEAN

    def summary_line(self) -> str:
        """One line for the end of the command's output."""
        if self.no_changes:
            return f"no changes: {len(self.diff.apps)} app(s), same plan"
        changed = len(self.diff.changed_apps)
        return (f"{changed} app(s) changed, {len(self.diff.unchanged_apps)} unchanged; {self.terraform_changes} "
                f"resource change(s) in {len(self.plans)} Terraform plan(s); {len(self.denied)} denied, "
                f"{len(self.warnings)} warning(s)")


def build_review(base: PlatformPlan, head: PlatformPlan, plans: Sequence[PlanSummary] = (),
                 policy: Policy = DEFAULT_POLICY) -> Review:
    diff = diff_platforms(base, head)
    head_stacks = {stack.name for stack in head.stacks}
    removed = tuple(stack for stack in base.stacks if stack.name not in head_stacks)
    return Review(diff, tuple(plans), find_risks(diff, plans, policy, removed), policy)
