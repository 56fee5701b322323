"""How a resolved app is shown: plain JSON values for ``--json`` and aligned text for people."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fleetform.errors import Problem
from fleetform.plan.model import GroupPlan
from fleetform.spec.app import AppSpec
from fleetform.spec.requirements import Requirements
from fleetform.spec.resolve import ResolvedApp


def settings_json(app: ResolvedApp) -> dict[str, Any]:
    """Every AppSpec field, in declaration order, as JSON values; paths relative to the pyproject folder."""
    base = app.pyproject.parent
    return {name: _plain(getattr(app.spec, name), base) for name in AppSpec.model_fields}


def app_json(app: ResolvedApp) -> dict[str, Any]:
    return {
        "name": app.spec.name,
        "key": app.key,
        "source": app.where,
        "class": app.class_location,
        "settings": settings_json(app),
        "sources": dict(app.sources),
        "warnings": list(app.warnings),
    }


def app_text(app: ResolvedApp) -> str:
    """One block per app: every setting with its value and where it came from."""
    header = f"{app.spec.name}  ({app.where}" + (f" -> {app.class_location}" if app.class_location else "") + ")"
    settings = settings_json(app)
    width = max(len(name) for name in settings)
    lines = [header]
    for name, value in settings.items():
        lines.append(f"  {name:<{width}}  {_text(value):<40}  {app.sources.get(name, 'default')}")
    lines += [f"  warning: {warning}" for warning in app.warnings]
    return "\n".join(lines)


def placement_json(groups: Sequence[GroupPlan], warnings: Sequence[Problem]) -> dict[str, Any]:
    """Per cloud and fal region: the cloud region, instance types in fallback order, zones and $/hour."""
    placed: dict[str, dict[str, Any]] = {}
    for group in groups:
        placed.setdefault(group.cloud, {})[group.fal_region] = {
            "cloud_region": group.cloud_region, "instance_types": list(group.machine.instance_types),
            "zones": list(group.zones), "gpus_per_instance": group.machine.gpus_per_instance,
            "provisioning": group.machine.provisioning, "usd_per_hour": group.hourly_usd_per_runner,
            "price_basis": group.price_basis,
        }
    return {"placement": placed, "placement_warnings": [problem.to_json() for problem in warnings]}


def placement_text(groups: Sequence[GroupPlan], warnings: Sequence[Problem]) -> str:
    lines = ["  placement:"]
    for group in groups:
        price = f"${group.hourly_usd_per_runner:.3f}/h" if group.hourly_usd_per_runner is not None else "price unknown"
        lines.append(f"    {group.cloud} {group.fal_region} ({group.cloud_region}): "
                     f"{', '.join(group.machine.instance_types)} ({group.machine.provisioning})"
                     f"  zones {', '.join(group.zones)}  {price}")
    lines += [f"  warning: {problem.message}" for problem in warnings]
    return "\n".join(lines)


def _plain(value: Any, base: Path) -> Any:
    if isinstance(value, Requirements):
        layers = [list(layer) for layer in value.to_pip_args()]
        return layers[0] if len(layers) == 1 else layers
    if isinstance(value, BaseModel):
        return {key: _plain(item, base) for key, item in value if item is not None and item != {}}
    if isinstance(value, Path):
        return os.path.relpath(value, base)
    if isinstance(value, (tuple, list)):
        return [_plain(item, base) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item, base) for key, item in value.items()}
    return value


def _text(value: Any) -> str:
    if isinstance(value, str) and "\n" in value:
        return f"<{len(value.strip().splitlines())} lines>"
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value) if value else "[]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_text(item)}" for key, item in value.items()) + "}"
    return str(value)
