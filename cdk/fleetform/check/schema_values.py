"""Walking configuration and state objects alongside the schema block that describes them.

Values arrive from Terraform as msgpack-decoded Python data (dicts, lists, scalars) in which an
unknown value is an msgpack extension (``tf.types.Unknown`` for plain unknowns, a raw
``ExtType`` for refined ones). Each walker here follows the schema's attributes and nested block
types, whatever the nesting mode, so the provider treats nested blocks exactly like top-level
ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from msgpack import ExtType
from tf.types import Unknown

Block = dict[str, Any]
# Attribute path steps as the protocol knows them: an attribute name, or a list index / map key.
PathStep = str | int | tuple[str]
AttributePath = tuple[PathStep, ...]


def is_unknown(value: Any) -> bool:
    """True for a value Terraform does not know yet (plain or refined unknown)."""
    return value is Unknown or isinstance(value, ExtType)


def attribute_type(attr: dict[str, Any]) -> Any:
    """The cty type of an attribute, also for plugin-framework nested attributes (``nested_type``)."""
    if "type" in attr:
        return attr["type"]
    nested = attr["nested_type"]
    element = ["object", {name: attribute_type(inner) for name, inner in nested["attributes"].items()}]
    return element if nested["nesting_mode"] == "single" else [nested["nesting_mode"], element]


def is_read_only(attr: dict[str, Any]) -> bool:
    """Computed and neither required nor optional: the provider sets it, configuration may not."""
    return bool(attr.get("computed")) and not attr.get("optional") and not attr.get("required")


def nested_items(mode: str, value: Any) -> Iterator[tuple[PathStep | None, Any]]:
    """The objects inside a nested block value, each with its path step (``None``: not addressable)."""
    if value is None or is_unknown(value):
        return
    if mode in ("single", "group"):
        yield None, value
    elif mode == "map":
        for key, item in value.items():
            yield (key,), item
    elif mode == "list":
        yield from enumerate(value)
    else:  # set elements have no stable address
        for item in value:
            yield None, item


def map_nested(mode: str, value: Any, transform: Callable[[Any], Any]) -> Any:
    """Apply ``transform`` to every object of a nested block value, keeping its nesting."""
    if value is None or is_unknown(value):
        return value
    if mode in ("single", "group"):
        return transform(value)
    if mode == "map":
        return {key: transform(item) for key, item in value.items()}
    return [transform(item) for item in value]


def with_computed_unknown(block: Block, obj: Any) -> Any:
    """A create plan: every computed attribute the configuration leaves null becomes unknown."""
    if obj is None or is_unknown(obj):
        return obj
    planned = dict(obj)
    for name, attr in block.get("attributes", {}).items():
        if attr.get("computed") and planned.get(name) is None:
            planned[name] = Unknown
    for name, nested in block.get("block_types", {}).items():
        planned[name] = map_nested(
            nested["nesting_mode"],
            planned.get(name),
            functools.partial(with_computed_unknown, nested["block"]),
        )
    return planned


def with_computed_filled(
    block: Block, obj: dict[str, Any], fake: Callable[[AttributePath, Any], Any], path: AttributePath = ()
) -> dict[str, Any]:
    """A data source result: every computed attribute left null gets ``fake(path, cty_type)``."""
    filled = dict(obj)
    for name, attr in block.get("attributes", {}).items():
        if attr.get("computed") and filled.get(name) is None:
            filled[name] = fake((*path, name), attribute_type(attr))
    for name, nested in block.get("block_types", {}).items():
        filled[name] = map_nested(
            nested["nesting_mode"],
            filled.get(name),
            functools.partial(with_computed_filled, nested["block"], fake=fake, path=(*path, name)),
        )
    return filled


def set_attributes(
    block: Block, obj: Any, path: AttributePath = ()
) -> Iterator[tuple[AttributePath, dict[str, Any]]]:
    """Every attribute the configuration sets (known or not), with its path, nested blocks included."""
    if obj is None or is_unknown(obj):
        return
    for name, attr in block.get("attributes", {}).items():
        if obj.get(name) is not None:
            yield (*path, name), attr
    for name, nested in block.get("block_types", {}).items():
        for step, item in nested_items(nested["nesting_mode"], obj.get(name)):
            item_path = (*path, name) if step is None else (*path, name, step)
            yield from set_attributes(nested["block"], item, item_path)
