"""Checked arguments as Terraform JSON, in the shape cdktf's prebuilt providers emit.

Unset (``None``) arguments are dropped; a block that nests at most one (``single``, or a list
with ``max_items = 1``) is one JSON object, any other block type a list of objects (``set``
included), a ``map`` block an object by label. References become the framework's tokens, which
it resolves to ``${…}`` expressions at synth time. Python sets are written sorted, so the output
does not change between runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fleetform.tf._framework import is_unresolved
from fleetform.tf.references import NestedReference
from fleetform.tf.schema import Block, NestedBlock
from fleetform.tf.value_types import is_reference, ordered_elements


def render_arguments(block: Block, arguments: Mapping[str, Any], *,
                     single_blocks_as_objects: bool = True) -> dict[str, Any]:
    """The JSON body for ``arguments`` (already checked against ``block``).

    ``single_blocks_as_objects=False`` writes even one-item list blocks as lists, as cdktf's
    prebuilt providers do in ``provider`` blocks (``default_tags = [{…}]``).
    """
    body: dict[str, Any] = {}
    for name, value in arguments.items():
        if value is None:
            continue
        nested = block.blocks.get(name)
        rendered = render_value(value) if nested is None else _render_blocks(nested, value, single_blocks_as_objects)
        if rendered is not None:
            body[name] = rendered
    return body


def _render_blocks(nested: NestedBlock, value: Any, single_as_object: bool) -> Any:
    if is_reference(value):
        return render_value(value)
    if nested.nesting == "map":
        return {label: _render_block(nested, item, single_as_object) for label, item in value.items()}
    items = [value] if isinstance(value, Mapping) else list(value)
    if not items:
        return None
    rendered = [_render_block(nested, item, single_as_object) for item in items]
    one_object = nested.nesting in ("single", "group") or (single_as_object and nested.is_single)
    return rendered[0] if one_object and len(rendered) == 1 else rendered


def _render_block(nested: NestedBlock, item: Any, single_as_object: bool) -> Any:
    if is_reference(item):
        return render_value(item)
    return render_arguments(nested.block, item, single_blocks_as_objects=single_as_object)


def render_value(value: Any) -> Any:
    """An attribute value as JSON-ready Python: references as tokens, sets sorted, ``None`` dropped."""
    if isinstance(value, NestedReference):
        return value.token()
    if is_unresolved(value):
        return value  # a list or map reference is not a list or map to render
    if isinstance(value, Mapping):
        return {key: render_value(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [render_value(item) for item in ordered_elements(value)]
    return value
