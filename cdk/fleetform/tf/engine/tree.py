"""The construct tree of fleetform's own engine: constructs with ids, paths, children and metadata.

The same rules as the ``constructs`` library cdktf builds on, so paths and ids come out the same: a
``/`` in an id becomes ``--``, only the root has an empty id, siblings need distinct ids, and children
are listed as a JavaScript object lists its keys (array-index ids such as ``"0"`` first, in numeric
order, then the rest in the order they were added); that order decides the order of provider blocks
and annotations in the synthesized files.

Logical ids (:func:`make_unique_id`) follow cdktf's ``allocateLogicalId``: the construct path below
the stack, ``Default`` components dropped, a single component used as it is, otherwise the
components joined with ``_`` (duplicates where one ends with the next dropped, ``Resource`` hidden)
and the first 8 hex digits of the MD5 of the ``/``-joined path, upper case.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PATH_SEP = "/"
_HIDDEN_ID = "Default"
_HIDDEN_FROM_HUMAN_ID = "Resource"
_DISALLOWED = re.compile(r"[^A-Za-z0-9_-]")
_MAX_HUMAN_LEN = 240
_MAX_ID_LEN = 255
_HASH_LEN = 8
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_MAX_ARRAY_INDEX = 2**32 - 2


@dataclass(frozen=True)
class MetadataEntry:
    """One metadata entry of a construct (``type``, ``data``; fleetform records no stack traces)."""

    type: str
    data: Any
    trace: list[str] | None = None


class Node:
    """A construct's place in the tree (``construct.node``), with the ``constructs`` library's member names."""

    __slots__ = ("_children", "_has_index_ids", "host", "id", "metadata", "scope")

    def __init__(self, host: Construct, scope: Construct | None, construct_id: str) -> None:
        construct_id = (construct_id or "").replace(PATH_SEP, "--")
        if scope is not None and not isinstance(scope, Construct):
            raise TypeError(
                f"{construct_id!r}: its scope is a {type(scope).__module__}.{type(scope).__name__}, not a construct of "
                "fleetform's Python engine; to add fleetform constructs to a cdktf (or cdktn) stack, run with "
                "FLEETFORM_FRAMEWORK=cdktf (or cdktn)")
        if scope is not None and not construct_id:
            raise ValueError("Only root constructs may have an empty ID")
        self.host = host
        self.scope = scope
        self.id = construct_id
        self.metadata: list[MetadataEntry] = []
        self._children: dict[str, Construct] = {}
        self._has_index_ids = False
        if scope is not None:
            scope.node._add_child(host, construct_id)

    def _add_child(self, child: Construct, name: str) -> None:
        if name in self._children:
            where = f" [{self.id}]" if self.id else ""
            raise ValueError(f"There is already a Construct with name '{name}' in {type(self.host).__name__}{where}")
        self._children[name] = child
        if not self._has_index_ids and _is_array_index(name):
            self._has_index_ids = True

    @property
    def children(self) -> list[Construct]:
        """The direct children, in the order a JavaScript object lists its keys."""
        if not self._has_index_ids:
            return list(self._children.values())
        indexed = sorted((name for name in self._children if _is_array_index(name)), key=int)
        named = [name for name in self._children if not _is_array_index(name)]
        return [self._children[name] for name in (*indexed, *named)]

    @property
    def scopes(self) -> list[Construct]:
        """Every construct from the root down to this one (inclusive)."""
        chain: list[Construct] = []
        current: Construct | None = self.host
        while current is not None:
            chain.append(current)
            current = current.node.scope
        chain.reverse()
        return chain

    @property
    def path(self) -> str:
        """The ``/``-joined ids from below the root to this construct."""
        return PATH_SEP.join(scope.node.id for scope in self.scopes if scope.node.id)

    @property
    def root(self) -> Construct:
        """The root of the tree (the app)."""
        return self.scopes[0]

    def try_find_child(self, construct_id: str) -> Construct | None:
        """The child with id ``construct_id``, or None."""
        return self._children.get(construct_id.replace(PATH_SEP, "--"))

    def find_child(self, construct_id: str) -> Construct:
        """The child with id ``construct_id``; raises when there is none."""
        child = self.try_find_child(construct_id)
        if child is None:
            raise ValueError(f"No child with id: '{construct_id}'")
        return child

    def find_all(self) -> list[Construct]:
        """This construct and everything below it, parents before children."""
        return list(walk(self.host))

    def add_metadata(self, metadata_type: str, data: Any) -> None:
        """Record a metadata entry (None is ignored, as in ``constructs``)."""
        if data is not None:
            self.metadata.append(MetadataEntry(metadata_type, data))


def walk(construct: Construct) -> Iterator[Construct]:
    """``construct`` and its descendants in pre-order."""
    yield construct
    for child in construct.node.children:
        yield from walk(child)


class Construct:
    """A node of the construct tree: ``Construct(scope, "Id")`` adds it under ``scope``."""

    def __init__(self, scope: Construct | None, id: str) -> None:
        self.node = Node(self, scope, id)

    def __str__(self) -> str:
        return self.node.path or "<root>"


def _is_array_index(name: str) -> bool:
    return bool(_ARRAY_INDEX.fullmatch(name)) and int(name) <= _MAX_ARRAY_INDEX


def make_unique_id(components: list[str]) -> str:
    """cdktf's logical id for the construct path ``components`` (below its stack)."""
    components = [component for component in components if component != _HIDDEN_ID]
    if not components:
        raise ValueError("Unable to calculate a unique id for an empty set of components")
    if len(components) == 1:
        candidate = _DISALLOWED.sub("", components[0])
        if len(candidate) <= _MAX_ID_LEN:
            return candidate
    digest = hashlib.md5(PATH_SEP.join(components).encode("utf-8"), usedforsecurity=False).hexdigest()
    human = "_".join(_DISALLOWED.sub("", part) for part in _without_dupes(components) if part != _HIDDEN_FROM_HUMAN_ID)
    return f"{human[:_MAX_HUMAN_LEN]}_{digest[:_HASH_LEN].upper()}"


def _without_dupes(components: list[str]) -> list[str]:
    kept: list[str] = []
    for component in components:
        if not kept or not kept[-1].endswith(component):
            kept.append(component)
    return kept
