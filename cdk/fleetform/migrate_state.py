"""``fleetform migrate-state``: move resources between state files to match the synthesized stacks.

When the stack layout changes (issue 16 split each one-stack region into a base stack, one stack per
app and, on GCP, a routes stack), a resource's Terraform address stays the same (the construct path
below the stack does not change) but it now belongs to another stack. Planning the new layout against
the old states would destroy it in one stack and create it in the other; this moves its state instead.

What moves is read from the synthesized output alone: a managed resource in stack ``S``'s state that
``S``'s configuration no longer declares moves to the stack that declares the same address among the
stacks that depend on ``S`` in ``manifest.json`` (a region's app and routes stacks depend on its base
stack, which keeps the old region stack's name and state key). Data sources are not moved, only dropped
from a state whose stack no longer reads them: Terraform reads them again on the next plan. A resource
no stack declares stays where it is (the next plan destroys it, as it would have without a migration).

Why a state move and not ``import`` blocks plus ``removed { lifecycle { destroy = false } }``: an
import needs each resource type's own import ID (composite for rules, policies and attachments, ``sgr-``
IDs for security group rules), each one a chance to import the wrong object or fail mid-platform, and
the provider re-reads every object. A state move keeps every instance's attributes, dependencies and
private data exactly, calls no cloud API, and ``terraform state push`` refuses a state whose lineage
or serial does not follow the remote one, so a concurrent apply cannot be overwritten.

The move works on a folder of ``<stack>.tfstate`` files: the offline apply's state folder, local
backends, or what ``terraform state pull`` wrote for S3 and GCS backends (README: Migrating state).
Before a file changes it is copied to ``<stack>.tfstate.backup``. Moving twice moves nothing.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fleetform.check.offline_apply import read_manifest_dependencies
from fleetform.check.runner import safe_name
from fleetform.check.stacks import find_stack_files, load_stacks
from fleetform.errors import FleetformError, Problem, display_path

STATE_SUFFIX = ".tfstate"
BACKUP_SUFFIX = ".backup"


@dataclass
class StackMigration:
    """What moves out of one stack's state: per destination stack, the addresses it receives."""

    stack: str
    moves: dict[str, list[str]] = field(default_factory=dict)
    dropped_reads: list[str] = field(default_factory=list)
    """Data sources the stack no longer reads (removed from its state; nothing in the cloud changes)."""
    undeclared: list[str] = field(default_factory=list)
    """Managed resources no stack declares: they stay, and the next plan destroys them."""

    @property
    def moved(self) -> int:
        return sum(len(addresses) for addresses in self.moves.values())

    def to_json(self) -> dict[str, Any]:
        return {"stack": self.stack, "moves": self.moves, "dropped_reads": self.dropped_reads,
                "undeclared": self.undeclared}


@dataclass
class MigrationReport:
    """Every stack whose state changes, and the states written (in the order to push them)."""

    stacks: list[StackMigration]
    written: list[str]
    """Stack names whose state file was written, receivers first, each source after its receivers."""

    @property
    def moved(self) -> int:
        return sum(stack.moved for stack in self.stacks)

    def to_json(self) -> dict[str, Any]:
        return {"stacks": [stack.to_json() for stack in self.stacks], "push_order": self.written,
                "totals": {"moved": self.moved, "states_written": len(self.written)}}


def migrate_states(out_dir: Path, state_dir: Path, *, dry_run: bool = False) -> MigrationReport:
    """Move every resource of the states in ``state_dir`` to the stack of ``out_dir`` that now declares it."""
    declared = _declared_addresses(out_dir)
    dependents = _dependents(read_manifest_dependencies(out_dir))
    states: dict[str, dict[str, Any] | None] = {}
    problems: list[Problem] = []
    for name in declared:
        try:
            states[name] = _read_state(state_dir / f"{safe_name(name)}{STATE_SUFFIX}")
        except FleetformError as error:
            problems += error.problems
    if problems:
        raise FleetformError(problems)
    migrations: list[StackMigration] = []
    written: list[str] = []
    for source in sorted(states):
        state = states[source]
        if state is None:
            continue
        migration = _migrate_one(source, state, states, declared, dependents.get(source, ()), state_dir)
        if migration.moved or migration.dropped_reads:
            migrations.append(migration)
            written += [receiver for receiver in sorted(migration.moves) if receiver not in written]
            written.append(source)
    if not dry_run:
        for name in written:
            _write_state(state_dir / f"{safe_name(name)}{STATE_SUFFIX}", states[name])
    return MigrationReport(migrations, written)


def _migrate_one(source: str, state: dict[str, Any], states: dict[str, dict[str, Any] | None],
                 declared: Mapping[str, set[str]], receivers: tuple[str, ...], state_dir: Path) -> StackMigration:
    migration = StackMigration(source)
    kept = []
    for resource in state.get("resources", []):
        address = _address(resource)
        if address in declared[source] or resource.get("module"):
            kept.append(resource)
            continue
        if resource.get("mode") == "data":
            migration.dropped_reads.append(address)
            continue
        owners = [name for name in receivers if address in declared[name]]
        if len(owners) != 1:
            kept.append(resource)
            migration.undeclared.append(address)
            continue
        receiver = owners[0]
        target = states.get(receiver)
        if target is None:
            target = states[receiver] = _new_state(state)
        if any(_address(existing) == address for existing in target.get("resources", [])):
            raise FleetformError([Problem(
                "migrate/already-in-both", display_path(state_dir / f"{safe_name(receiver)}{STATE_SUFFIX}"),
                f"{address} is in the state of {source} and of {receiver}: one object managed twice",
                fix=f"remove it from one of them (terraform state rm {address}) after checking which is current")])
        target.setdefault("resources", []).append(resource)
        migration.moves.setdefault(receiver, []).append(address)
    if migration.moved or migration.dropped_reads:
        state["resources"] = kept
        state["serial"] = int(state.get("serial", 0)) + 1
        for receiver in migration.moves:
            states_receiver = states[receiver]
            assert states_receiver is not None
            states_receiver["serial"] = int(states_receiver.get("serial", 0)) + 1
    return migration


def _address(resource: Mapping[str, Any]) -> str:
    prefix = "data." if resource.get("mode") == "data" else ""
    return f"{prefix}{resource.get('type')}.{resource.get('name')}"


def _declared_addresses(out_dir: Path) -> dict[str, set[str]]:
    """Per synthesized stack, the addresses its configuration declares (``type.name``, ``data.type.name``)."""
    declared = {}
    for stack in load_stacks(find_stack_files(out_dir)):
        addresses = {f"{type_name}.{name}" for type_name, blocks in stack.config.get("resource", {}).items()
                     for name in blocks}
        addresses |= {f"data.{type_name}.{name}" for type_name, blocks in stack.config.get("data", {}).items()
                      for name in blocks}
        declared[stack.name] = addresses
    return declared


def _dependents(dependencies: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """``stack -> the stacks that depend on it directly``: where its resources may have moved to."""
    found: dict[str, list[str]] = {}
    for stack, needs in dependencies.items():
        for dependency in needs:
            found.setdefault(dependency, []).append(stack)
    return {stack: tuple(sorted(names)) for stack, names in found.items()}


def _read_state(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if not text.strip():  # what `terraform state pull` prints for a stack never applied
        return None
    try:
        state = json.loads(text)
    except ValueError as error:
        raise FleetformError.single("migrate/malformed-state", display_path(path), f"not valid JSON: {error}") from None
    if not isinstance(state, dict) or state.get("version") != 4:
        raise FleetformError.single("migrate/state-version", display_path(path),
                                    "not a Terraform state of format version 4 (Terraform >= 0.12)",
                                    fix="pull it with terraform state pull, or upgrade it with terraform")
    return state


def _new_state(like: Mapping[str, Any]) -> dict[str, Any]:
    """An empty state for a stack that has none yet, written by the same Terraform version."""
    return {"version": 4, "terraform_version": like.get("terraform_version", ""), "serial": 0,
            "lineage": str(uuid.uuid4()), "outputs": {}, "resources": [], "check_results": None}


def _write_state(path: Path, state: dict[str, Any] | None) -> None:
    assert state is not None
    if path.is_file():
        shutil.copy2(path, path.with_name(path.name + BACKUP_SUFFIX))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
