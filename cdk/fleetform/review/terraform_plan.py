"""Reading ``terraform show -json`` plans: what each resource change does, why, and which attribute forces it.

From each plan's ``resource_changes`` we keep every change that is not a no-op or a read: its actions
(``replace`` when Terraform deletes and creates), ``action_reason`` and ``replace_paths`` (the attributes
that force the replacement), with the before and after value of each forcing attribute, redacted
(:mod:`fleetform.review.redact`). ``resource_drift`` (changes made outside Terraform) is counted apart,
never mixed with what the pull request changes. A delete of one address and a create of another address
of the same type in the same plan is a replacement under a new address: a renamed construct id.

Which app a resource serves is read from its own tags or labels (``fleetform:app``, ``fleetform-app``),
else from the app name inside its address; stack names are only labels for the reader.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fleetform.errors import FleetformError, display_path
from fleetform.review.redact import redact_value

Action = Literal["create", "update", "replace", "delete"]

CATEGORIES: Mapping[str, str] = {
    "aws_autoscaling_group": "instance group",
    "google_compute_instance_group_manager": "instance group",
    "google_compute_region_instance_group_manager": "instance group",
    "aws_launch_template": "template",
    "google_compute_instance_template": "template",
    "google_compute_region_instance_template": "template",
    "aws_lb": "load balancer",
    "aws_lb_target_group": "load balancer",
    "google_compute_forwarding_rule": "load balancer",
    "google_compute_global_forwarding_rule": "load balancer",
    "google_compute_url_map": "load balancer",
    "google_compute_region_url_map": "load balancer",
    "google_compute_backend_service": "load balancer",
    "google_compute_region_backend_service": "load balancer",
    "aws_lb_listener": "listener",
    "aws_lb_listener_rule": "listener",
    "google_compute_target_http_proxy": "listener",
    "google_compute_target_https_proxy": "listener",
    "google_compute_region_target_http_proxy": "listener",
    "google_compute_region_target_https_proxy": "listener",
    "aws_ecr_repository": "registry",
    "google_artifact_registry_repository": "registry",
    "aws_secretsmanager_secret": "secret",
    "google_secret_manager_secret": "secret",
    "aws_s3_bucket": "bucket",
    "google_storage_bucket": "bucket",
    "aws_dynamodb_table": "state",
    "aws_kms_key": "state",
    "google_kms_crypto_key": "state",
}
"""Resource types whose delete or replacement a reviewer must see, by what they are to the platform."""

APP_TAG_KEYS = ("fleetform:app", "fleetform-app")


@dataclass(frozen=True)
class ForcedAttribute:
    """An attribute that forces a replacement, with its (redacted) values before and after."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ResourceChange:
    """One planned change of one resource in one plan."""

    plan: str
    address: str
    type: str
    action: Action
    reason: str | None
    forced_by: tuple[ForcedAttribute, ...]
    app: str | None
    renamed_from: str | None = None
    """For a create paired with a delete of the same type: the old address (a renamed construct id)."""

    @property
    def category(self) -> str | None:
        return CATEGORIES.get(self.type)


@dataclass(frozen=True)
class PlanSummary:
    """One Terraform plan: its changes, counts per action and the drift Terraform found."""

    name: str
    changes: tuple[ResourceChange, ...]
    drift: int
    """Resources changed outside Terraform since the last apply (``resource_drift``)."""

    def count(self, action: Action) -> int:
        return sum(1 for change in self.changes if change.action == action)


def read_plans(files: Sequence[Path], apps: Iterable[str]) -> tuple[PlanSummary, ...]:
    """Every ``terraform show -json`` file, in the order given; bad input names the file."""
    known = sorted(set(apps), key=len, reverse=True)
    return tuple(summarize_plan(_plan_name(file), _load(file), known) for file in files)


def summarize_plan(name: str, plan: Mapping[str, Any], apps: Sequence[str]) -> PlanSummary:
    changes = [change for entry in plan.get("resource_changes") or () if (change := _change(name, entry, apps))]
    drift = sum(1 for entry in plan.get("resource_drift") or ()
                if tuple(entry.get("change", {}).get("actions", ())) not in (("no-op",), ("read",)))
    return PlanSummary(name, tuple(_pair_renames(changes)), drift)


def _load(file: Path) -> Mapping[str, Any]:
    where = display_path(file)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise FleetformError.single("review/unreadable-plan", where, f"cannot read the plan: {error}") from None
    except json.JSONDecodeError as error:
        raise FleetformError.single("review/malformed-plan", f"{where}:{error.lineno}:{error.colno}",
                                    f"not valid JSON: {error.msg}",
                                    fix="pass the output of `terraform show -json PLANFILE`") from None
    if not isinstance(document, dict) or "format_version" not in document:
        raise FleetformError.single("review/not-a-plan", where, "not a Terraform JSON plan (no format_version)",
                                    fix="pass the output of `terraform show -json PLANFILE`")
    return document


def _plan_name(file: Path) -> str:
    name = file.name
    for suffix in (".json", ".plan", ".tfplan"):
        name = name.removesuffix(suffix)
    return name or file.name


def _change(plan: str, entry: Mapping[str, Any], apps: Sequence[str]) -> ResourceChange | None:
    change = entry.get("change", {})
    actions = tuple(change.get("actions", ()))
    action: Action
    if "create" in actions and "delete" in actions:
        action = "replace"
    elif actions in (("create",), ("update",), ("delete",)):
        action = actions[0]
    else:
        return None  # no-op, read
    before, after = change.get("before"), change.get("after")
    forced = tuple(
        ForcedAttribute(
            _path_text(path),
            redact_value(_at(before, path), _at(change.get("before_sensitive"), path), path),
            redact_value(_at(after, path), _at(change.get("after_sensitive"), path), path),
        )
        for path in change.get("replace_paths") or ()
    )
    return ResourceChange(
        plan=plan,
        address=str(entry.get("address")),
        type=str(entry.get("type")),
        action=action,
        reason=entry.get("action_reason"),
        forced_by=forced,
        app=_app_of(entry, before, after, apps),
    )


def _pair_renames(changes: list[ResourceChange]) -> list[ResourceChange]:
    """A create and a delete of the same type for the same app, as many of each: one resource, moved address."""
    creates = Counter((c.type, c.app) for c in changes if c.action == "create")
    deletes: dict[tuple[str, str | None], list[ResourceChange]] = {}
    for change in changes:
        if change.action == "delete":
            deletes.setdefault((change.type, change.app), []).append(change)
    movable = {key for key, olds in deletes.items() if len(olds) == creates[key]}
    paired: list[ResourceChange] = []
    moved: set[str] = set()
    for change in changes:
        key = (change.type, change.app)
        if change.action == "create" and key in movable:
            old = deletes[key].pop(0)
            moved.add(old.address)
            change = ResourceChange(change.plan, change.address, change.type, "replace",
                                    f"the address changed (a renamed construct id?): Terraform destroys {old.address} "
                                    "and creates this one", (), change.app, old.address)
        paired.append(change)
    return [c for c in paired if not (c.action == "delete" and c.address in moved)]


def _app_of(entry: Mapping[str, Any], before: Any, after: Any, apps: Sequence[str]) -> str | None:
    for values in (after, before):
        if isinstance(values, Mapping):
            for key in ("tags", "labels", "tags_all"):
                tags = values.get(key)
                if isinstance(tags, Mapping):
                    app = next((tags[k] for k in APP_TAG_KEYS if isinstance(tags.get(k), str)), None)
                    if app in apps:
                        return app
    name = str(entry.get("name", ""))
    return next((app for app in apps if f"_{app}_" in f"_{name}_"), None)


def _at(value: Any, path: Sequence[Any]) -> Any:
    for step in path:
        if isinstance(value, Mapping) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _path_text(path: Sequence[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text
