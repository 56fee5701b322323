"""The domain diff: what a pull request changes in fal's terms, from the plan of BASE and of HEAD.

Groups are matched by app and cloud region (the plan's own identity of a group, the same one its
construct ids derive from). For each matched group every plan field is compared, so a field the plan
gains later is compared too; fields that only say where a setting was read from (``source``) are not.
Each change is labelled with the fal field a reviewer knows (``min_concurrency``, ``keep_alive``) where
there is one. GPUs and on-demand $/hour at min and at max come from the same plan records ``explain``
shows; a group without a price is counted as unknown, never as $0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from fleetform.plan.model import GroupPlan, PlatformPlan

Status = Literal["added", "removed", "changed", "unchanged"]

PRICE_FIELD = "hourly_usd_per_runner"

IGNORED_FIELDS = frozenset({"app", "cloud", "cloud_region", "source"})
"""Identity of a group (its key) and where it was read from (differs between two checkouts)."""

FAL_FIELDS: Mapping[str, str] = {
    "machine.instance_types": "machine_type (instance types)",
    "machine.gpus_per_instance": "num_gpus",
    "machine.gpu": "GPU",
    "scaling.min_runners": "min_concurrency",
    "scaling.max_runners": "max_concurrency",
    "scaling.max_multiplexing": "max_multiplexing",
    "scaling.concurrency_buffer": "concurrency_buffer",
    "scaling.concurrency_buffer_perc": "concurrency_buffer_perc",
    "scaling.scaling_delay_seconds": "scaling_delay",
    "scaling.keep_alive_seconds": "keep_alive",
    "scaling.startup_seconds": "startup_timeout",
    "scaling.reset_on_deploy": "app_scale_settings",
    "rollout.strategy": "deployment_strategy",
    "rollout.termination_grace_seconds": "termination_grace_period_seconds",
    "route.auth": "auth",
    "route.request_timeout_seconds": "request_timeout",
    "route.retry_conditions": "retry conditions (skip_retry_conditions)",
    "route.retries": "retries (retry_config)",
    "runner.port": "exposed_port",
    "runner.metrics_port": "metrics_port",
    "runner.secrets": "secrets (names)",
    "runner.data_mounts": "data_mounts",
    "runner.private_logs": "private_logs",
    "runner.python_version": "python_version",
    "health.path": "health_check.path",
    "health.timeout_seconds": "health_check.timeout_seconds",
    "health.unhealthy_threshold": "health_check.failure_threshold",
    "health.grace_seconds": "health_check.start_period_seconds / startup_timeout",
    "image.tag": "image key",
    "image.reference": "image",
    "fal_region": "fal region",
    "hourly_usd_per_runner": "$/h per runner (catalog price)",
}
"""Plan field -> the name a fal user knows it by; other fields are shown by their plan path."""

AUTH_REACH: Mapping[str, int] = {"private": 0, "shared": 1, "public": 2}
"""How widely an auth mode admits callers: private (the platform's network), shared (signed-in users), public."""

WHO_CAN_CALL: Mapping[str, str] = {
    "private": "private (the platform's network only)",
    "shared": "shared (signed-in platform users)",
    "public": "public (anyone on the internet)",
}


@dataclass(frozen=True)
class FieldChange:
    """One plan field of one group, before and after (JSON values)."""

    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Capacity:
    """GPUs and on-demand $/hour at min and at max of some groups; prices the catalog lacks are counted apart.

    A group without a price makes the cost at an end unknown only when it runs runners there: with
    ``min_concurrency = 0`` its cost at min is exactly $0 whatever the price.
    """

    groups: int
    gpus_at_min: int
    gpus_at_max: int
    usd_at_min: float
    usd_at_max: float
    unpriced_at_min: int
    """Groups with runners at min whose instance type has no price in the catalog: cost unknown, not zero."""
    unpriced_at_max: int

    @classmethod
    def of(cls, groups: Iterable[GroupPlan]) -> Capacity:
        members = list(groups)
        unpriced = [g for g in members if g.hourly_usd_per_runner is None]
        return cls(
            groups=len(members),
            gpus_at_min=sum(g.machine.gpus_per_instance * g.scaling.min_runners for g in members),
            gpus_at_max=sum(g.machine.gpus_per_instance * g.scaling.max_runners for g in members),
            usd_at_min=sum(g.hourly_usd_at_min or 0.0 for g in members),
            usd_at_max=sum(g.hourly_usd_at_max or 0.0 for g in members),
            unpriced_at_min=sum(1 for g in unpriced if g.scaling.min_runners > 0),
            unpriced_at_max=sum(1 for g in unpriced if g.scaling.max_runners > 0),
        )

    def unpriced(self, at: str) -> int:
        return self.unpriced_at_min if at == "min" else self.unpriced_at_max

    def usd(self, at: str) -> float:
        return self.usd_at_min if at == "min" else self.usd_at_max

    @property
    def fully_priced(self) -> bool:
        return self.unpriced_at_min == 0 and self.unpriced_at_max == 0


@dataclass(frozen=True)
class GroupDiff:
    """One app in one cloud region, before and after."""

    app: str
    cloud: str
    cloud_region: str
    status: Status
    before: GroupPlan | None
    after: GroupPlan | None
    fields: tuple[FieldChange, ...]

    @property
    def where(self) -> str:
        return f"{self.cloud} {self.cloud_region}"

    def changed(self, *fields: str) -> bool:
        """True when any of ``fields`` (plan paths, or prefixes ending in ``.``) changed."""
        return any(change.field == name or (name.endswith(".") and change.field.startswith(name))
                   for change in self.fields for name in fields)


@dataclass(frozen=True)
class AppDiff:
    """One app over all its cloud regions."""

    app: str
    team: str | None
    status: Status
    groups: tuple[GroupDiff, ...]
    before: Capacity
    after: Capacity

    @property
    def auth_before(self) -> tuple[str, ...]:
        return _auth_modes(g.before for g in self.groups)

    @property
    def auth_after(self) -> tuple[str, ...]:
        return _auth_modes(g.after for g in self.groups)

    @property
    def changed_groups(self) -> tuple[GroupDiff, ...]:
        return tuple(g for g in self.groups if g.status != "unchanged")

    @property
    def changed_labels(self) -> tuple[str, ...]:
        """The fal fields that changed in any region, plus regions added or removed, in first-seen order."""
        labels: dict[str, None] = {}
        for group in self.groups:
            if self.status == "changed" and group.status in ("added", "removed"):
                labels[f"region {group.status}"] = None
            for change in group.fields:
                labels[change.label] = None
        return tuple(labels)


@dataclass(frozen=True)
class PlatformDiff:
    """The whole platform: every app's diff (sorted by name) and the platform's capacity before and after."""

    base_name: str
    head_name: str
    apps: tuple[AppDiff, ...]
    before: Capacity
    after: Capacity

    @property
    def changed_apps(self) -> tuple[AppDiff, ...]:
        return tuple(app for app in self.apps if app.status != "unchanged")

    @property
    def unchanged_apps(self) -> tuple[AppDiff, ...]:
        return tuple(app for app in self.apps if app.status == "unchanged")


def diff_platforms(base: PlatformPlan, head: PlatformPlan) -> PlatformDiff:
    """Compare every group of ``base`` with the group of the same app and cloud region in ``head``."""
    before = {(g.app, g.cloud, g.cloud_region): g for g in base.groups()}
    after = {(g.app, g.cloud, g.cloud_region): g for g in head.groups()}
    groups_by_app: dict[str, list[GroupDiff]] = {}
    for key in sorted(before.keys() | after.keys()):
        groups_by_app.setdefault(key[0], []).append(_group_diff(key, before.get(key), after.get(key)))
    apps = tuple(_app_diff(name, tuple(groups)) for name, groups in sorted(groups_by_app.items()))
    return PlatformDiff(base.name, head.name, apps, Capacity.of(before.values()), Capacity.of(after.values()))


def who_can_call(modes: tuple[str, ...]) -> str:
    """``private``, ``public``, or ``private / public`` when regions differ; ``-`` for none."""
    return " / ".join(modes) if modes else "-"


def _group_diff(key: tuple[str, str, str], before: GroupPlan | None, after: GroupPlan | None) -> GroupDiff:
    app, cloud, cloud_region = key
    if before is None or after is None:
        return GroupDiff(app, cloud, cloud_region, "added" if before is None else "removed", before, after, ())
    old, new = _flatten(asdict(before)), _flatten(asdict(after))
    fields = tuple(
        FieldChange(name, FAL_FIELDS.get(name, name), old.get(name), new.get(name))
        for name in _ordered(old, new)
        if old.get(name) != new.get(name)
    )
    return GroupDiff(app, cloud, cloud_region, "changed" if fields else "unchanged", before, after, fields)


def _app_diff(app: str, groups: tuple[GroupDiff, ...]) -> AppDiff:
    statuses = {group.status for group in groups}
    status: Status
    if statuses == {"added"}:
        status = "added"
    elif statuses == {"removed"}:
        status = "removed"
    elif statuses == {"unchanged"}:
        status = "unchanged"
    else:
        status = "changed"
    team = next((g.team for g in (*(x.after for x in groups), *(x.before for x in groups)) if g is not None), None)
    return AppDiff(app, team, status, groups, Capacity.of(g.before for g in groups if g.before is not None),
                   Capacity.of(g.after for g in groups if g.after is not None))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested plan fields as ``{"scaling.min_runners": 1, ...}``; sequences stay whole (as lists)."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        path = f"{prefix}{name}"
        if not prefix and name in IGNORED_FIELDS:
            continue
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = _json_value(value)
    return flat


def _json_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _json_value(item) for key, item in value.items()}
    return value


def _ordered(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """fal's fields first, in the order of :data:`FAL_FIELDS`, then the rest of the plan's by path."""
    rank = {name: index for index, name in enumerate(FAL_FIELDS)}
    return sorted(old.keys() | new.keys(), key=lambda name: (rank.get(name, len(rank)), name))


def _auth_modes(groups: Iterable[GroupPlan | None]) -> tuple[str, ...]:
    modes = {g.route.auth for g in groups if g is not None}
    return tuple(sorted(modes, key=lambda mode: AUTH_REACH.get(mode, 99)))
