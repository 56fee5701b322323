"""What a refresh changed, entry by entry, for the user to read before committing the new data."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    """One entry added (``+``), removed (``-``) or changed (``~``) in one data file."""

    kind: str
    file: str
    path: tuple[str, ...]
    old: Any = None
    new: Any = None

    def render(self) -> str:
        where = " ".join(self.path)
        if self.kind == "+":
            return f"  + {self.file}: {where} = {_compact(self.new)}"
        if self.kind == "-":
            return f"  - {self.file}: {where} (was {_compact(self.old)})"
        return f"  ~ {self.file}: {where}: {_compact(self.old)} -> {_compact(self.new)}"


@dataclass(frozen=True)
class RefreshReport:
    """Every change one refresh made, and which files it rewrote."""

    cloud: str
    changes: tuple[Change, ...]
    written: tuple[str, ...] = field(default=())

    def render(self) -> str:
        counts = {kind: sum(change.kind == kind for change in self.changes) for kind in "+-~"}
        head = (
            f"{self.cloud}: {counts['+']} added, {counts['-']} removed, {counts['~']} changed"
            + (f" ({', '.join(self.written)} rewritten)" if self.written else " (data unchanged)")
        )
        return "\n".join([head] + [change.render() for change in self.changes])


def entry_changes(file: str, old: Mapping[str, Any], new: Mapping[str, Any], entry_depth: int) -> list[Change]:
    """The entries (values at ``entry_depth``) that differ between two versions of one data file.

    File metadata above the entries (``generated_at``, ``source``, a region's ``as_of``) is not an entry.
    """
    before = dict(_entries(old, entry_depth, ()))
    after = dict(_entries(new, entry_depth, ()))
    changes = [Change("-", file, path, old=before[path]) for path in before if path not in after]
    changes += [Change("+", file, path, new=after[path]) for path in after if path not in before]
    changes += [
        Change("~", file, path, old=before[path], new=after[path])
        for path in after
        if path in before and before[path] != after[path]
    ]
    return sorted(changes, key=lambda change: (change.path, change.kind))


def _entries(value: Any, depth_left: int, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if depth_left == 0:
        yield path, value
        return
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _entries(child, depth_left - 1, (*path, key))


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
