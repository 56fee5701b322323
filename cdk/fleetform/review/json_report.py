"""The review for machines (``--format json``): the same content as the Markdown, every change in full."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fleetform import __version__
from fleetform.review.domain import AppDiff, GroupDiff, who_can_call
from fleetform.review.report import Review
from fleetform.review.values import capacity_json

FORMAT = 1


def review_json(review: Review, *, fail_on_warn: bool = False) -> dict[str, Any]:
    diff = review.diff
    return {
        "format": FORMAT,
        "fleetform_version": __version__,
        "platform": {"base": diff.base_name, "head": diff.head_name},
        "no_changes": review.no_changes,
        "summary": review.summary_line(),
        "exit_code": review.exit_code(fail_on_warn=fail_on_warn),
        "policy": review.policy.source,
        "totals": {"before": capacity_json(diff.before), "after": capacity_json(diff.after)},
        "unchanged_apps": {"count": len(diff.unchanged_apps), "names": [app.app for app in diff.unchanged_apps]},
        "apps": [_app(app) for app in diff.changed_apps],
        "risks": [asdict(finding) for finding in review.findings],
        "terraform": [
            {"plan": plan.name, "drift": plan.drift,
             "counts": {action: plan.count(action) for action in ("create", "update", "replace", "delete")},
             "changes": [{**asdict(change), "category": change.category} for change in plan.changes]}
            for plan in review.plans
        ],
    }


def _app(app: AppDiff) -> dict[str, Any]:
    return {
        "app": app.app,
        "team": app.team,
        "status": app.status,
        "who_can_call": {"before": who_can_call(app.auth_before), "after": who_can_call(app.auth_after)},
        "before": capacity_json(app.before),
        "after": capacity_json(app.after),
        "groups": [_group(group) for group in app.groups if group.status != "unchanged"],
    }


def _group(group: GroupDiff) -> dict[str, Any]:
    return {
        "cloud": group.cloud,
        "cloud_region": group.cloud_region,
        "status": group.status,
        "fields": [asdict(change) for change in group.fields],
    }
