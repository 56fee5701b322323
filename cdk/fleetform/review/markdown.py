"""The review as one pull-request comment (GitHub-flavoured Markdown).

Order: a marker line (so CI updates its one comment in place), the verdict, the summary table
(changed apps, one row for all unchanged apps, the platform total), the risks, then per-app details
and Terraform's changes in ``<details>``. A comment must stay under GitHub's 65,536 characters, so when
the full text is longer the review is summarized step by step (Terraform's changes to counts, then
fewer per-app details, then fewer table rows), and every step says what it left out and where to find
it (``--format json``): nothing is cut silently.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fleetform import __version__
from fleetform.plan.model import GroupPlan
from fleetform.review.domain import PRICE_FIELD, AppDiff, Capacity, GroupDiff, who_can_call
from fleetform.review.redact import scrub
from fleetform.review.report import Review
from fleetform.review.values import ARROW, NONE, before_after, gpus, show, usd

MARKER = "<!-- fleetform-review -->"
GITHUB_COMMENT_LIMIT = 65_536
BUDGET = 60_000
"""What the review may use of a comment: the rest is headroom for the CI job's own lines."""

ICONS = {"deny": "⛔ deny", "warn": "⚠️ warn", "info": "ℹ️ info"}
MAX_LABELS = 4


@dataclass(frozen=True)
class _Limits:
    """How much of the review to write in full; None means everything."""

    terraform_rows: int | None = None
    detail_apps: int | None = None
    summary_rows: int | None = None
    risk_rows: int | None = None


def render_markdown(review: Review, *, budget: int = BUDGET) -> str:
    """The comment: the fullest version of the review that fits ``budget`` characters."""
    changed = len(review.diff.changed_apps)
    attempts = [_Limits(), _Limits(terraform_rows=0)]
    attempts += [_Limits(terraform_rows=0, detail_apps=n) for n in _shrinking(changed)]
    attempts += [_Limits(terraform_rows=0, detail_apps=0, summary_rows=rows, risk_rows=rows)
                 for rows in (200, 100, 50, 20, 10)]
    text = ""
    for limits in attempts:
        text = scrub(_render(review, limits))
        if len(text) <= budget:
            return text
    return text


def _shrinking(count: int) -> list[int]:
    sizes, size = [], count
    while size > 0:
        size = size * 3 // 4 if size > 4 else size - 1
        sizes.append(size)
    return sizes


def _render(review: Review, limits: _Limits) -> str:
    diff = review.diff
    lines = [MARKER, f"## fleetform review: {_cell(diff.head_name)}", "", _verdict(review), ""]
    if review.no_changes:
        lines += [f"**No changes.** Base and head plan the same {len(diff.apps)} app(s) in the same cloud regions; "
                  "Terraform plans no resource change.", ""]
    lines += _summary_table(review, limits.summary_rows)
    lines += _risks(review, limits.risk_rows)
    lines += _details(diff.changed_apps, limits.detail_apps)
    lines += _terraform(review, limits.terraform_rows)
    lines += ["", f"<sub>fleetform {__version__} · policy: {_cell(review.policy.source)} · prices: on-demand list "
                  "prices from the catalog; unknown where it has none · `fleetform review --format json` has every "
                  "field</sub>", ""]
    return "\n".join(lines)


def _verdict(review: Review) -> str:
    diff = review.diff
    parts = [f"**{len(diff.changed_apps)} app(s) changed**, {len(diff.unchanged_apps)} unchanged"]
    if review.plans:
        counts = {action: sum(plan.count(action) for plan in review.plans)
                  for action in ("create", "update", "replace", "delete")}
        parts.append(f"Terraform: {counts['create']} to add, {counts['update']} to change, {counts['replace']} to "
                     f"replace, {counts['delete']} to destroy in {len(review.plans)} plan(s)")
        drift = sum(plan.drift for plan in review.plans)
        parts.append(f"drift: {drift} resource(s)")
    else:
        parts.append("no Terraform plan given (domain diff only)")
    verdict = (f"⛔ **{len(review.denied)} denied**" if review.denied else
               f"⚠️ {len(review.warnings)} warning(s)" if review.warnings else "✅ no risks")
    return " · ".join([verdict, *parts])


def _summary_table(review: Review, max_rows: int | None) -> list[str]:
    diff = review.diff
    lines = ["| App | Change | Cloud regions | Who can call | GPUs at min | GPUs at max | $/h at min | $/h at max |",
             "|---|---|---|---|--:|--:|--:|--:|"]
    apps = list(diff.changed_apps)
    shown = apps if max_rows is None else apps[:max_rows]
    for app in shown:
        lines.append(_row(f"**{_cell(app.app)}**", _change_text(app), _regions_text(app.changed_groups),
                          before_after(who_can_call(app.auth_before), who_can_call(app.auth_after)),
                          app.before, app.after))
    rest = apps[len(shown):]
    if rest:
        lines.append(_row(f"{len(rest)} more changed apps (summarized to fit one comment)", "changed", "see JSON", "",
                          Capacity.of(g.before for a in rest for g in a.groups if g.before),
                          Capacity.of(g.after for a in rest for g in a.groups if g.after)))
    unchanged = diff.unchanged_apps
    if unchanged:
        capacity = Capacity.of(g.after for a in unchanged for g in a.groups if g.after)
        lines.append(_row(f"{len(unchanged)} unchanged app(s)", NONE, f"{capacity.groups} group(s)", "", capacity,
                          capacity))
    lines.append(_row("**Platform total**", "", f"{diff.before.groups} {ARROW} {diff.after.groups} group(s)"
                      if diff.before.groups != diff.after.groups else f"{diff.after.groups} group(s)", "",
                      diff.before, diff.after))
    return [*lines, ""]


def _row(name: str, change: str, regions: str, auth: str, before: Capacity, after: Capacity) -> str:
    cells = [name, _cell(change), _cell(regions), _cell(auth),
             before_after(gpus(before, "min"), gpus(after, "min")),
             before_after(gpus(before, "max"), gpus(after, "max")),
             _cell(before_after(usd(before, "min"), usd(after, "min"))),
             _cell(before_after(usd(before, "max"), usd(after, "max")))]
    return "| " + " | ".join(cells) + " |"


def _change_text(app: AppDiff) -> str:
    if app.status != "changed":
        return app.status
    labels = app.changed_labels
    extra = f" (+{len(labels) - MAX_LABELS} more)" if len(labels) > MAX_LABELS else ""
    return "changed: " + ", ".join(labels[:MAX_LABELS]) + extra


def _regions_text(groups: Iterable[GroupDiff]) -> str:
    marks = {"added": "+", "removed": "−", "changed": "", "unchanged": ""}
    return ", ".join(f"{marks[g.status]}{g.where}" for g in groups)


def _risks(review: Review, max_rows: int | None) -> list[str]:
    lines = ["### Risks", ""]
    if not review.findings:
        return [*lines, "No risks found by the policy's rules.", ""]
    lines += ["| | Rule | App | Where | What |", "|---|---|---|---|---|"]
    findings = list(review.findings)
    shown = findings if max_rows is None else findings[:max_rows]
    lines += [f"| {ICONS[f.severity]} | `{f.rule}` | {_cell(f.app or NONE)} | {_cell(f.where)} | {_cell(f.message)} |"
              for f in shown]
    rest = findings[len(shown):]
    if rest:
        counts: dict[tuple[str, str], int] = {}
        for finding in rest:
            counts[(finding.severity, finding.rule)] = counts.get((finding.severity, finding.rule), 0) + 1
        lines += [f"| {ICONS[severity]} | `{rule}` | {count} more | | summarized to fit one comment: "
                  "see `--format json` |" for (severity, rule), count in counts.items()]
    return [*lines, ""]


def _details(apps: Sequence[AppDiff], max_apps: int | None) -> list[str]:
    if not apps:
        return []
    lines = ["### Changed apps", ""]
    shown = apps if max_apps is None else apps[:max_apps]
    for app in shown:
        lines += _app_details(app)
    rest = apps[len(shown):]
    if rest:
        names = ", ".join(app.app for app in rest)
        lines += [f"Details of {len(rest)} more app(s) are left out to keep this comment under GitHub's "
                  f"{GITHUB_COMMENT_LIMIT:,}-character limit ({_cell(names)}); `fleetform review --format json` "
                  "has them.", ""]
    return lines


def _app_details(app: AppDiff) -> list[str]:
    """One section per distinct change: regions that changed alike share one table."""
    team = f", team {_cell(app.team)}" if app.team else ""
    lines = [f"<details><summary><b>{html.escape(app.app)}</b>: {app.status}{team}</summary>", ""]
    alike: dict[str, list[GroupDiff]] = {}
    for group in app.changed_groups:
        same = [(c.field, c.before, c.after) for c in group.fields] if group.status == "changed" else group.where
        key = json.dumps([group.status, same], sort_keys=True, default=str)
        alike.setdefault(key, []).append(group)
    for groups in alike.values():
        first = groups[0]
        lines += [f"**{_cell(', '.join(g.where for g in groups))}**: {first.status}", ""]
        if first.status in ("added", "removed"):
            plan = first.after or first.before
            assert plan is not None
            lines += ["| Field | Value |", "|---|---|"]
            lines += [f"| {label} | {_cell(value)} |" for label, value in _group_facts(plan)]
        else:
            lines += ["| Field | Before | After |", "|---|---|---|"]
            lines += [f"| {_cell(c.label)} | {_cell(_value(c.field, c.before))} | {_cell(_value(c.field, c.after))} |"
                      for c in first.fields]
        lines.append("")
    return [*lines, "</details>", ""]


def _value(field: str, value: object) -> str:
    """A field's value; a price the catalog lacks reads "unknown", never a dash that could pass for $0."""
    if field == PRICE_FIELD and value is None:
        return "unknown"
    return show(value)


def _group_facts(group: GroupPlan) -> list[tuple[str, str]]:
    capacity = Capacity.of([group])
    return [
        ("instance types", show(group.machine.instance_types)),
        ("GPUs per runner", f"{group.machine.gpus_per_instance} × {group.machine.gpu or 'none'}"),
        ("runners min / max", f"{group.scaling.min_runners} / {group.scaling.max_runners}"),
        ("$/h at min / max", f"{usd(capacity, 'min')} / {usd(capacity, 'max')}"),
        ("who can call", who_can_call((group.route.auth,))),
        ("deployment_strategy", group.rollout.strategy),
        ("image", group.image.reference or f"{group.image.repository}:{group.image.tag}"),
    ]


def _terraform(review: Review, max_rows: int | None) -> list[str]:
    changes = [change for plan in review.plans for change in plan.changes]
    if not changes:
        return []
    lines = [f"<details><summary>Terraform: {len(changes)} resource change(s) in {len(review.plans)} plan(s)"
             "</summary>", ""]
    if max_rows == 0:
        by_plan = ", ".join(f"{_cell(p.name)}: {len(p.changes)}" for p in review.plans if p.changes)
        lines += [f"Listed per plan only, to fit one comment: {by_plan}. `--format json` lists every change.", ""]
    else:
        lines += ["| Plan | Address | Action | Reason |", "|---|---|---|---|"]
        lines += [f"| {_cell(c.plan)} | `{_cell(c.address)}` | {c.action} | {_cell(c.reason or NONE)} |"
                  for c in changes]
        lines.append("")
    return [*lines, "</details>", ""]


def _cell(text: str) -> str:
    """Text safe inside a table cell: no pipes or newlines, HTML escaped."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")
