"""How a review writes numbers and values: money, GPUs, before -> after, and unknown prices.

Shared by the Markdown and JSON renderers so both say the same thing: a capacity whose groups lack a
price is "unknown" (or "$x + unknown"), never $0.
"""

from __future__ import annotations

import json
from typing import Any

from fleetform.review.domain import Capacity

ARROW = "→"
NONE = "–"


def money(value: float) -> str:
    return f"${value:,.2f}"


def usd(capacity: Capacity | None, at: str) -> str:
    """``$12.34``, ``unknown`` or ``$12.34 + unknown (2 groups)`` at ``min`` or ``max``."""
    if capacity is None or capacity.groups == 0:
        return NONE
    value, unpriced = capacity.usd(at), capacity.unpriced(at)
    if not unpriced:
        return money(value)
    if value == 0:
        return "unknown"
    return f"{money(value)} + unknown ({unpriced} group{'s' if unpriced > 1 else ''})"


def gpus(capacity: Capacity | None, at: str) -> str:
    if capacity is None or capacity.groups == 0:
        return NONE
    return str(capacity.gpus_at_min if at == "min" else capacity.gpus_at_max)


def before_after(before: str, after: str) -> str:
    """``a → b``, or just ``a`` when nothing changed."""
    return before if before == after else f"{before} {ARROW} {after}"


def show(value: Any) -> str:
    """A plan value as a reviewer reads it: lists comma-separated, None as a dash, JSON for the rest."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(show(item) for item in value) if value else "(none)"
    if isinstance(value, (dict,)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def capacity_json(capacity: Capacity) -> dict[str, Any]:
    """A capacity for machines: a cost is ``null`` when a group with runners at that end has no price."""
    return {
        "groups": capacity.groups,
        "gpus_at_min": capacity.gpus_at_min,
        "gpus_at_max": capacity.gpus_at_max,
        "usd_per_hour_at_min": None if capacity.unpriced_at_min else round(capacity.usd_at_min, 4),
        "usd_per_hour_at_max": None if capacity.unpriced_at_max else round(capacity.usd_at_max, 4),
        "usd_per_hour_priced_part": {"at_min": round(capacity.usd_at_min, 4), "at_max": round(capacity.usd_at_max, 4)},
        "unpriced_groups": {"at_min": capacity.unpriced_at_min, "at_max": capacity.unpriced_at_max},
    }
