"""Incremental synth: which stacks must be rendered again, and writing only the files that changed.

Every stack renders a slice of the plan (``fleetform.plan`` holds every decision): a shared or app-shared
stack its slice of the cloud's :class:`~fleetform.plan.model.SharedPlan` (``SharedPlan.of_stack``), a base
or routes stack its whole region, an app stack its region without the other apps' groups. A stack's **key**
hashes that slice, the platform-wide fields every stack reads (name, clouds, state, tags, accounts,
project), its stack plan, and fleetform itself (:func:`fleetform.fingerprint.code_digest`), so a change of
code or of any input renders it again. ``<out>/fleetform.synth-keys.json`` records each stack's key and the
digest of the file it wrote; a stack whose key and file are both unchanged is not rendered at all, and a
file is replaced only when its bytes differ, so an unchanged stack keeps its bytes and its mtime. The output
equals a full synth byte for byte (tested).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleetform.fingerprint import code_digest
from fleetform.plan.model import PlatformPlan, RegionPlan, StackPlan

KEYS_FILE = "fleetform.synth-keys.json"
STACK_FILE = "cdk.tf.json"
KEYS_VERSION = 1


def stack_keys(plan: PlatformPlan) -> dict[str, str]:
    """Per stack of ``plan``, the hash of everything its rendering reads."""
    platform = {"name": plan.name, "clouds": plan.clouds, "state": plan.state, "tags": plan.tags,
                "aws_account_ids": plan.aws_account_ids, "gcp_project": plan.gcp_project}
    shared = {item.cloud: item for item in plan.shared}
    regions = {(region.cloud, region.cloud_region): region for region in plan.regions}
    keys = {}
    for stack in plan.stacks:
        inputs: dict[str, Any] = {"code": code_digest(), "platform": platform, "stack": stack}
        if stack.role in ("shared", "app-shared"):
            inputs["shared"] = shared[stack.cloud].of_stack(stack)
        else:
            inputs["region"] = _region_slice(regions[(stack.cloud, stack.cloud_region)], stack)
        keys[stack.name] = _digest(inputs)
    return keys


def _region_slice(region: RegionPlan, stack: StackPlan) -> RegionPlan:
    """What a stack of ``region`` renders: an app stack its own group only, the others every group."""
    if stack.role != "app":
        return region
    return dataclasses.replace(region, groups=tuple(group for group in region.groups if group.app == stack.app))


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(_plain(value), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and mappings as JSON-able values (field names kept, so a renamed field counts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


@dataclass(frozen=True)
class SynthKeys:
    """What the last synth into an output folder wrote: per stack its key and its file's digest."""

    stacks: Mapping[str, tuple[str, str]]

    @classmethod
    def read(cls, out_dir: Path) -> SynthKeys:
        try:
            data = json.loads((out_dir / KEYS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls({})
        if not isinstance(data, dict) or data.get("version") != KEYS_VERSION:
            return cls({})
        return cls({name: (entry["key"], entry["file"]) for name, entry in data.get("stacks", {}).items()
                    if isinstance(entry, dict) and {"key", "file"} <= entry.keys()})

    def unchanged(self, out_dir: Path, keys: Mapping[str, str]) -> set[str]:
        """The stacks whose key is the recorded one and whose file is still the one written then."""
        return {name for name, key in keys.items() if name in self.stacks and self.stacks[name][0] == key
                and file_digest(out_dir / "stacks" / name / STACK_FILE) == self.stacks[name][1]}

    @staticmethod
    def write(out_dir: Path, keys: Mapping[str, str]) -> None:
        stacks = {name: {"key": key, "file": file_digest(out_dir / "stacks" / name / STACK_FILE)}
                  for name, key in sorted(keys.items())}
        write_if_changed(out_dir / KEYS_FILE, (json.dumps({"version": KEYS_VERSION, "stacks": stacks},
                                                          indent=2) + "\n").encode())


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` (atomically) unless it already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True


def sync_output(scratch: Path, out_dir: Path, rendered: Iterable[str], removed: Iterable[str]) -> list[str]:
    """Copy the rendered stacks' files and the manifest from ``scratch`` to ``out_dir`` where they differ;
    delete the files of ``removed`` stacks (other files in their folders, such as local state, stay)."""
    written = []
    for name in sorted(rendered):
        source = scratch / "stacks" / name
        for path in sorted(source.rglob("*")):
            if path.is_file() and write_if_changed(out_dir / "stacks" / name / path.relative_to(source),
                                                   path.read_bytes()):
                written.append(name)
    for name in sorted(removed):
        stack_file = out_dir / "stacks" / name / STACK_FILE
        if stack_file.is_file():
            stack_file.unlink()
            written.append(name)
            if not any(stack_file.parent.iterdir()):
                stack_file.parent.rmdir()
    write_if_changed(out_dir / "manifest.json", (scratch / "manifest.json").read_bytes())
    return sorted(set(written))
