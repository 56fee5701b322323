"""A typed, lazily parsed view of the pinned provider schemas.

The pinned files are ``terraform providers schema -json`` output: per resource type one *block*
(attributes and nested block types, recursively). This module turns one type's block into small
immutable objects the first time that type is used, so a stack that uses ten types never pays for
the other hundred.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fleetform.errors import FleetformError, Problem, did_you_mean
from fleetform.provider_schemas import PROVIDER_SOURCES, PROVIDER_VERSIONS, load_provider_schema

ElementKind = Literal["resource", "data source"]

# A Terraform (cty) type as written in schema JSON: "string", ["list", "string"],
# ["object", {"name": "string"}], ["object", {...}, ["optional", "names"]], "dynamic", ...
CtyType = Any


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute (argument or exported value) of a block."""

    name: str
    type: CtyType
    required: bool = False
    optional: bool = False
    computed: bool = False
    deprecated: bool = False
    sensitive: bool = False
    description: str = ""

    @property
    def computed_only(self) -> bool:
        """Set by the provider, never in configuration (``arn``, ``latest_version``, ...)."""
        return self.computed and not self.optional and not self.required


@dataclass(frozen=True, slots=True)
class NestedBlock:
    """A nested block type: how it nests, how many may appear, and its own block."""

    name: str
    nesting: str  # "single", "group", "list", "set" or "map"
    block: Block
    min_items: int = 0
    max_items: int | None = None

    @property
    def is_single(self) -> bool:
        """At most one block: written as one object (as cdktf's prebuilt providers do)."""
        return self.nesting in ("single", "group") or self.max_items == 1

    @property
    def limit(self) -> int | None:
        """The most blocks Terraform accepts (``single`` and ``group`` nest exactly one)."""
        return 1 if self.nesting in ("single", "group") else self.max_items


@dataclass(frozen=True)
class Block:
    """A block: the body of a resource, data source, provider or nested block."""

    attributes: Mapping[str, Attribute]
    blocks: Mapping[str, NestedBlock]
    deprecated: bool = False
    description: str = ""

    @functools.cached_property
    def argument_names(self) -> tuple[str, ...]:
        """Every name that may be set in configuration, sorted."""
        settable = [name for name, attribute in self.attributes.items() if not attribute.computed_only]
        return tuple(sorted([*settable, *self.blocks]))

    @functools.cached_property
    def referable_names(self) -> tuple[str, ...]:
        """Every name another resource may reference (arguments and computed attributes), sorted."""
        return tuple(sorted([*self.attributes, *self.blocks]))


def parse_block(raw: Mapping[str, Any]) -> Block:
    """Build a :class:`Block` from its schema JSON."""
    attributes = {name: _parse_attribute(name, spec) for name, spec in raw.get("attributes", {}).items()}
    blocks = {
        name: NestedBlock(
            name=name,
            nesting=spec["nesting_mode"],
            block=parse_block(spec["block"]),
            min_items=spec.get("min_items", 0),
            max_items=spec.get("max_items"),
        )
        for name, spec in raw.get("block_types", {}).items()
    }
    return Block(attributes, blocks, raw.get("deprecated", False), raw.get("description", ""))


def _parse_attribute(name: str, spec: Mapping[str, Any]) -> Attribute:
    return Attribute(
        name=name,
        type=spec["type"] if "type" in spec else _nested_attribute_type(spec["nested_type"]),
        required=spec.get("required", False),
        optional=spec.get("optional", False),
        computed=spec.get("computed", False),
        deprecated=spec.get("deprecated", False),
        sensitive=spec.get("sensitive", False),
        description=spec.get("description", ""),
    )


def _nested_attribute_type(nested: Mapping[str, Any]) -> CtyType:
    """The cty type of a protocol-6 nested attribute: an object, or a collection of objects."""
    attributes = nested["attributes"]
    optional = sorted(name for name, spec in attributes.items() if not spec.get("required", False))
    element = [
        "object",
        {name: spec["type"] if "type" in spec else _nested_attribute_type(spec["nested_type"])
         for name, spec in attributes.items()},
        optional,
    ]
    mode = nested["nesting_mode"]
    return element if mode == "single" else [mode, element]


class ProviderSchema:
    """One pinned provider's schema: its provider block, resource types and data source types."""

    def __init__(self, name: str, raw: Mapping[str, Any]):
        self.name = name
        self.version = PROVIDER_VERSIONS[name]
        self.source = PROVIDER_SOURCES[name]
        self._raw = raw
        self._parsed: dict[tuple[str, str], Block] = {}

    @property
    def resource_types(self) -> tuple[str, ...]:
        return tuple(sorted(self._raw["resource_schemas"]))

    @property
    def data_source_types(self) -> tuple[str, ...]:
        return tuple(sorted(self._raw["data_source_schemas"]))

    def types(self, kind: ElementKind) -> tuple[str, ...]:
        return self.resource_types if kind == "resource" else self.data_source_types

    def provider_block(self) -> Block:
        """The schema of the ``provider "<name>"`` block."""
        return self._block("provider", "", lambda: self._raw["provider"]["block"])

    def block(self, kind: ElementKind, type_name: str) -> Block:
        """The schema of one resource or data source type.

        Raises:
            FleetformError: ``tf/unknown-resource-type`` when the pinned schema has no such type.
        """
        section = "resource_schemas" if kind == "resource" else "data_source_schemas"
        if type_name not in self._raw[section]:
            raise unknown_type_error(self, kind, type_name, where=type_name)
        return self._block(section, type_name, lambda: self._raw[section][type_name]["block"])

    def _block(self, section: str, type_name: str, raw: Callable[[], Mapping[str, Any]]) -> Block:
        key = (section, type_name)
        if key not in self._parsed:
            self._parsed[key] = parse_block(raw())
        return self._parsed[key]


class SchemaLookupError(FleetformError, AttributeError):
    """A name the pinned schema does not have, looked up as a Python attribute.

    Also an ``AttributeError``, so ``hasattr``, ``getattr(obj, name, default)`` and ``from … import``
    behave as for any missing attribute.
    """


def unknown_type_error(
    schema: ProviderSchema, kind: ElementKind, type_name: str, *, where: str, choices: Iterable[str] | None = None
) -> SchemaLookupError:
    """The error for a resource or data source type the pinned schema does not have.

    ``choices`` are the names to suggest from (the Terraform type names unless given).
    """
    return SchemaLookupError(
        Problem(
            "tf/unknown-resource-type",
            where,
            f"the pinned {schema.name} provider ({schema.version}) has no {kind} type {type_name!r}"
            + did_you_mean(type_name, schema.types(kind) if choices is None else choices),
            fix=f"use one of the {kind} types in provider_schema/{schema.name}.json, or add the type there "
            "(see provider_schema/PROVENANCE.md)",
        )
    )


@functools.cache
def provider_schema(name: str) -> ProviderSchema:
    """The pinned schema of provider ``name`` (``aws`` or ``google``), loaded once per process."""
    return ProviderSchema(name, load_provider_schema(name))
