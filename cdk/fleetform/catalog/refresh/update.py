"""Merging a cloud snapshot into that cloud's data files, and writing only what changed.

The refreshed regions' offerings (and AWS prices) are replaced; other regions stay as they are. The
instance types are replaced when every region in the data was refreshed, and otherwise updated and
extended (a type no longer offered in the refreshed regions may still be offered elsewhere). A file
whose entries did not change is left byte-for-byte as it was (its ``generated_at`` too); the changed
files are written together, only after all of them were rendered (see
:func:`fleetform.catalog.data_file.write_all`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fleetform.catalog.data_file import load, render, write_all
from fleetform.catalog.instance_types import instance_types_path
from fleetform.catalog.prices import prices_path
from fleetform.catalog.refresh.changes import Change, RefreshReport, entry_changes
from fleetform.catalog.refresh.snapshot import CloudSnapshot
from fleetform.catalog.regions import offerings_path

INSTANCE_TYPES_DEPTH = 2
OFFERINGS_DEPTH = 4
PRICES_DEPTH = 4


def apply_snapshot(snapshot: CloudSnapshot, data_dir: Path, today: str) -> RefreshReport:
    """Merge ``snapshot`` into the data files under ``data_dir`` and report the changed entries."""
    cloud = snapshot.cloud
    documents: dict[Path, tuple[dict[str, Any], dict[str, Any], int]] = {}
    old_offerings = _load_or_empty(offerings_path(cloud, data_dir), {"regions": {}})
    documents[offerings_path(cloud, data_dir)] = (old_offerings, _offerings(old_offerings, snapshot), OFFERINGS_DEPTH)
    old_types = _load_or_empty(instance_types_path(cloud, data_dir), {"instance_types": {}})
    full = set(old_offerings["regions"]) <= set(snapshot.regions)
    documents[instance_types_path(cloud, data_dir)] = (old_types, _instance_types(old_types, snapshot, full),
                                                       INSTANCE_TYPES_DEPTH)
    if snapshot.price_source is not None:
        old_prices = _load_or_empty(prices_path(cloud, data_dir), {"currency": "USD", "regions": {}})
        documents[prices_path(cloud, data_dir)] = (old_prices, _prices(old_prices, snapshot, today), PRICES_DEPTH)
    changes: list[Change] = []
    texts: dict[Path, str] = {}
    for path, (old, new, depth) in documents.items():
        found = entry_changes(f"{cloud}/{path.name}", old, new, depth)
        if found or not path.exists():
            new["generated_at"] = today
            new["source"] = snapshot.price_source if path == prices_path(cloud, data_dir) else snapshot.source
            texts[path] = render(new, depth)
        changes += found
    write_all(texts)
    ordered = sorted(changes, key=lambda change: (change.file, change.path, change.kind))
    return RefreshReport(cloud, tuple(ordered), tuple(sorted(f"{cloud}/{path.name}" for path in texts)))


def _load_or_empty(path: Path, empty: dict[str, Any]) -> dict[str, Any]:
    return load(path) if path.exists() else {"generated_at": "", "source": "", **empty}


def _offerings(old: Mapping[str, Any], snapshot: CloudSnapshot) -> dict[str, Any]:
    regions = dict(old["regions"])
    for name, region in snapshot.regions.items():
        regions[name] = {
            "instance_types": {itype: list(zones) for itype, zones in sorted(region.offerings.items())},
            "zones": dict(sorted(region.zones.items())),
        }
    return {**old, "regions": regions}


def _instance_types(old: Mapping[str, Any], snapshot: CloudSnapshot, full: bool) -> dict[str, Any]:
    previous: Mapping[str, Any] = old["instance_types"]
    merged: dict[str, Any] = {} if full else dict(previous)
    for name, shape in snapshot.instance_types.items():
        merged[name] = shape.to_json()
    return {**old, "instance_types": merged}


def _prices(old: Mapping[str, Any], snapshot: CloudSnapshot, today: str) -> dict[str, Any]:
    regions = dict(old["regions"])
    for name, region in snapshot.regions.items():
        if region.prices is None:
            continue
        entries = dict(sorted(region.prices.items()))
        if not entries:
            regions.pop(name, None)  # no price known beats an empty table with a date
            continue
        previous = regions.get(name, {})
        unchanged = previous.get("instance_types") == entries and previous.get("source") == snapshot.price_source
        refreshed = {"as_of": today, "instance_types": entries, "source": snapshot.price_source}
        if "spot_instance_types" in previous:  # the API read gives on-demand prices only: seeded Spot ones stay
            refreshed["spot_instance_types"] = previous["spot_instance_types"]
        regions[name] = previous if unchanged else refreshed
    return {**old, "regions": regions}
