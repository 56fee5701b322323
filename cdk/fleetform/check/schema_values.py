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


def contains_unknown(value: Any) -> bool:
    """True when ``value`` or anything inside it is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    return False


Fake = Callable[[AttributePath, Any], Any]


def with_unknowns_resolved(block: Block, planned: Any, config: Any, fake: Fake, path: AttributePath = ()) -> Any:
    """An apply result: ``planned`` with every unknown replaced, the way a real provider's apply would.

    An unknown the configuration now knows (it referenced something that was unknown at plan time)
    takes the configuration's value; one it leaves null (a computed attribute) gets
    ``fake(path, cty_type)``. Known planned values are kept as they are, so the result always
    agrees with the plan.
    """
    if planned is None:
        return None
    if is_unknown(planned):
        planned = config if isinstance(config, dict) else {}
    config = config if isinstance(config, dict) else {}
    resolved = dict(planned)
    for name, attr in block.get("attributes", {}).items():
        value = planned.get(name)
        if not contains_unknown(value):
            continue
        step_path = (*path, name)
        if "nested_type" in attr:
            nested = attr["nested_type"]
            resolved[name] = _resolve_nested(nested["nesting_mode"], nested, value, config.get(name), fake, step_path)
        elif config.get(name) is not None and not contains_unknown(config.get(name)):
            resolved[name] = config[name]
        else:
            resolved[name] = _faked(value, attribute_type(attr), fake, step_path)
    for name, nested in block.get("block_types", {}).items():
        value = planned.get(name)
        if contains_unknown(value):
            resolved[name] = _resolve_nested(
                nested["nesting_mode"], nested["block"], value, config.get(name), fake, (*path, name)
            )
    return resolved


def _resolve_nested(mode: str, block: Block, planned: Any, config: Any, fake: Fake, path: AttributePath) -> Any:
    """``with_unknowns_resolved`` for each object of a nested block (or nested attribute) value."""
    if is_unknown(planned):
        planned = config
    if planned is None:
        return None
    if mode in ("single", "group"):
        return with_unknowns_resolved(block, planned, config, fake, path)
    if mode == "map":
        configured = config if isinstance(config, dict) else {}
        return {
            key: with_unknowns_resolved(block, item, configured.get(key), fake, (*path, (key,)))
            for key, item in planned.items()
        }
    configured_items = list(config) if isinstance(config, list) else []
    if mode == "list":
        return [
            with_unknowns_resolved(block, item,
                                   configured_items[index] if index < len(configured_items) else None, fake,
                                   (*path, index))
            for index, item in enumerate(planned)
        ]
    # A set element has no address: pair each planned element with a configured one that agrees with it.
    unused = configured_items
    resolved = []
    for index, item in enumerate(planned):
        match = next((candidate for candidate in unused if _agrees(item, candidate)), None)
        if match is not None:
            unused = [candidate for candidate in unused if candidate is not match]
        resolved.append(with_unknowns_resolved(block, item, match, fake, (*path, index)))
    return resolved


def _agrees(planned: Any, configured: Any) -> bool:
    """Every value both know (known in the plan, set in the configuration) is equal."""
    if not isinstance(planned, dict) or not isinstance(configured, dict):
        return planned == configured
    return all(
        _agrees(value, configured[name])
        for name, value in planned.items()
        if configured.get(name) is not None and not contains_unknown(value)
    )


def _faked(value: Any, cty: Any, fake: Fake, path: AttributePath) -> Any:
    """``value`` with every unknown inside it replaced by a fake of its type."""
    if is_unknown(value):
        return fake(path, cty)
    if value is None or not isinstance(cty, list):
        return value
    kind = cty[0]
    if kind in ("list", "set"):
        return [_faked(item, cty[1], fake, (*path, index)) for index, item in enumerate(value)]
    if kind == "map":
        return {key: _faked(item, cty[1], fake, (*path, (key,))) for key, item in value.items()}
    if kind == "object":
        return {name: _faked(value.get(name), inner, fake, (*path, name)) for name, inner in cty[1].items()}
    if kind == "tuple":
        pairs = enumerate(zip(value, cty[1], strict=False))
        return [_faked(item, inner, fake, (*path, index)) for index, (item, inner) in pairs]
    return value
