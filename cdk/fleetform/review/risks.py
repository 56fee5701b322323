"""Risks of a change, from the domain diff and from Terraform's plans, each rated by the policy.

Domain risks read the plan model only: a ``recreate`` rollout, scale-to-zero introduced, auth widened
or made public, a region or an app dropped, GPUs or $/h at max up by more than the policy's threshold,
a price the catalog lacks, scaling numbers that ``app_scale_settings = false`` keeps from reaching
the running group, and a stack HEAD no longer synthesizes (which ``cdktf deploy`` does not destroy).
Terraform risks come from the plans' resource changes: every delete or replacement of an instance group,
template, load balancer, listener, registry, secret, bucket or state resource, with the reason and the
attribute that forces it. Drift is one finding per plan, never mixed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from fleetform.plan.model import StackPlan
from fleetform.review.domain import AUTH_REACH, AppDiff, Capacity, GroupDiff, PlatformDiff
from fleetform.review.policy import Policy
from fleetform.review.terraform_plan import PlanSummary, ResourceChange

NOT_ROLLING_FIELDS = ("scaling.", "route.", "hourly_usd_per_runner", "team", "fal_region")
"""Plan fields whose change does not replace runners (the group's size, the load balancer's routing)."""


@dataclass(frozen=True)
class Finding:
    """One risk, rated ``deny``, ``warn`` or ``info`` by the policy."""

    rule: str
    severity: Literal["deny", "warn", "info"]
    app: str | None
    where: str
    message: str


def find_risks(diff: PlatformDiff, plans: Sequence[PlanSummary], policy: Policy,
               removed_stacks: Sequence[StackPlan] = ()) -> tuple[Finding, ...]:
    """Every finding whose rule is not ``off`` (one per rule, app and message, with all its places), denies first.

    ``removed_stacks`` are BASE's stacks HEAD no longer has: ``cdktf deploy`` never destroys a stack it is not
    given, so each is a finding of its own (its destroy plan, passed as a plan, shows what goes).
    """
    head_places = {(g.app, g.cloud_region) for app in diff.apps for g in app.groups if g.after is not None}
    raw: list[tuple[str, str | None, str, str]] = [
        ("stack-removed", stack.app, stack.name, f"{stack.name} is no longer synthesized: `cdktf deploy` does not "
         f"destroy it, so what it runs stays (and bills) until `cdktf destroy {stack.name}` with BASE's output")
        for stack in removed_stacks]
    for changed in diff.changed_apps:
        raw += _app_risks(changed, policy)
    raw += _cost_risks(None, "platform total", diff.before, diff.after, policy)
    for plan in plans:
        for change in plan.changes:
            raw += _resource_risks(change, head_places)
        if plan.drift:
            raw.append(("drift", None, plan.name, f"{plan.drift} resource(s) changed outside Terraform since the last "
                                                  "apply; the plan reverts them"))
    places: dict[tuple[str, str | None, str], list[str]] = {}
    for rule, subject, where, message in raw:
        if policy.severity(rule) != "off":
            places.setdefault((rule, subject, message), []).append(where)
    findings = [Finding(rule, policy.severity(rule), subject, ", ".join(dict.fromkeys(wheres)),  # type: ignore[arg-type]
                        message)
                for (rule, subject, message), wheres in places.items()]
    order = {"deny": 0, "warn": 1, "info": 2}
    return tuple(sorted(dict.fromkeys(findings), key=lambda f: (order[f.severity], f.app or "", f.where, f.rule)))


def _app_risks(app: AppDiff, policy: Policy) -> list[tuple[str, str | None, str, str]]:
    name = app.app
    if app.status == "removed":
        where = ", ".join(g.where for g in app.groups)
        return [("app-removed", name, where, f"{name} is removed: every group of it is destroyed")]
    found: list[tuple[str, str | None, str, str]] = []
    for group in app.groups:
        found += _group_risks(name, group, policy)
    if app.status == "changed":
        found += _cost_risks(name, ", ".join(g.where for g in app.changed_groups), app.before, app.after, policy)
    return found


def _group_risks(app: str, group: GroupDiff, policy: Policy) -> list[tuple[str, str | None, str, str]]:
    where, before, after = group.where, group.before, group.after
    found: list[tuple[str, str | None, str, str]] = []
    if after is None:
        return [("region-dropped", app, where, f"{app} no longer runs there: its group is destroyed")]
    if after.hourly_usd_per_runner is None and group.status != "unchanged":
        found.append(("price-unknown", app, where, f"cost unknown: the catalog has no on-demand price for "
                                                   f"{after.machine.instance_types[0]} there"))
    old_auth = before.route.auth if before is not None else None
    new_auth = after.route.auth
    if new_auth == "public" and old_auth != "public" and app not in policy.public_apps:
        found.append(("public-auth", app, where, f"{app} becomes public ({old_auth or 'new'} → public): "
                                                 "anyone on the internet can call it; opt in with [opt_in] "
                                                 "public_apps in the policy"))
    elif old_auth is not None and AUTH_REACH[new_auth] > AUTH_REACH[old_auth] and new_auth != "public":
        found.append(("auth-widened", app, where, f"{app} admits more callers: {old_auth} → {new_auth}"))
    if before is None:
        return found
    if after.rollout.strategy == "recreate" and (group.changed("rollout.strategy") or _rolls_runners(group)):
        found.append(("recreate-rollout", app, where,
                      f"{app} rolls out with deployment_strategy = recreate: every running runner is replaced "
                      "at once (requests fail until new runners are healthy)"))
    if not before.scaling.can_reach_zero and after.scaling.can_reach_zero:
        found.append(("scale-to-zero", app, where,
                      f"{app} scales to zero: it kept {before.scaling.floor_runners} runner(s) warm, now none "
                      "(the next request waits for a cold start)"))
    scaling = [c for c in group.fields if c.field.startswith("scaling.") and c.field != "scaling.reset_on_deploy"]
    if scaling and not after.scaling.reset_on_deploy:
        changed = ", ".join(f"{c.label} {c.before} → {c.after}" for c in scaling)
        found.append(("scale-settings-kept", app, where,
                      f"{changed}: with app_scale_settings = false the running group keeps its runtime-tuned "
                      "values; the new numbers apply only where the group is created"))
    return found


def _rolls_runners(group: GroupDiff) -> bool:
    return any(not change.field.startswith(NOT_ROLLING_FIELDS) for change in group.fields)


def _cost_risks(app: str | None, where: str, before: Capacity, after: Capacity,
                policy: Policy) -> list[tuple[str, str | None, str, str]]:
    subject = app or "the platform"
    found: list[tuple[str, str | None, str, str]] = []
    gpus = _increase(before.gpus_at_max, after.gpus_at_max)
    if gpus is not None and gpus > policy.gpus_at_max_increase_percent:
        found.append(("gpus-at-max-up", app, where, f"{subject}: GPUs at max {before.gpus_at_max} → "
                                                    f"{after.gpus_at_max} ({_percent(gpus)}, threshold "
                                                    f"{policy.gpus_at_max_increase_percent:g} %)"))
    if not before.unpriced_at_max and not after.unpriced_at_max:
        usd = _increase(before.usd_at_max, after.usd_at_max)
        if usd is not None and usd > policy.usd_at_max_increase_percent:
            found.append(("cost-at-max-up", app, where, f"{subject}: $/h at max ${before.usd_at_max:,.2f} → "
                                                        f"${after.usd_at_max:,.2f} ({_percent(usd)}, threshold "
                                                        f"{policy.usd_at_max_increase_percent:g} %)"))
    return found


def _increase(before: float, after: float) -> float | None:
    """Percent increase; infinite from zero; None when nothing grows."""
    if after <= before:
        return None
    return float("inf") if before == 0 else (after - before) / before * 100


def _percent(value: float) -> str:
    return "new" if value == float("inf") else f"+{value:.0f} %"


def _resource_risks(change: ResourceChange, head_places: set[tuple[str, str]]) -> list[tuple[str, str | None, str,
                                                                                               str]]:
    category = change.category
    if category is None or change.action not in ("replace", "delete"):
        return []
    verb = "replaced" if change.action == "replace" else "deleted"
    reason = _reason(change)
    if category == "instance group" and change.app is not None and _still_served(change.app, head_places):
        return [("replace-serving-group", change.app, f"{change.plan}: {change.address}",
                 f"the instance group serving {change.app} is {verb}{reason}: every runner stops at once, "
                 "no rolling update")]
    rule = "resource-replaced" if change.action == "replace" else "resource-deleted"
    return [(rule, change.app, f"{change.plan}: {change.address}", f"{category} {verb}{reason}")]


def _still_served(app: str, head_places: Iterable[tuple[str, str]]) -> bool:
    return any(name == app for name, _ in head_places)


def _reason(change: ResourceChange) -> str:
    parts = []
    if change.reason:
        parts.append(change.reason.replace("_", " ") if change.reason.islower() else change.reason)
    if change.forced_by:
        parts.append("forced by " + ", ".join(_forced(f.path, f.before, f.after) for f in change.forced_by))
    return f" ({'; '.join(parts)})" if parts else ""


def _forced(path: str, before: object, after: object) -> str:
    """A forcing attribute: scalars before -> after, blocks only as changed (the JSON report has them whole)."""
    if isinstance(before, (dict, list)) or isinstance(after, (dict, list)):
        return f"{path} (changed)"
    return f"{path} ({_show(before)} → {_show(after)})"


def _show(value: object) -> str:
    if value is None:
        return "null"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
