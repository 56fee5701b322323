"""Pinned JSON schemas (``terraform providers schema -json`` shape) as plugin-protocol v6 messages.

Terraform core decodes and validates every configuration against what the provider declares in
``GetProviderSchema``, so serving the pinned schemas faithfully is what makes the offline check
catch the same mistakes the real provider would.

``write_only`` attributes: the ``tf`` package's protocol code predates them (no ``write_only``
field in its ``Schema.Attribute``), so they are served as *optional, sensitive* attributes. A
configuration that sets one (``secret_string_wo``) stays valid and its value stays redacted in
plan output; the one difference from the real provider is that the value appears in the saved
plan rather than being nulled.
"""

from __future__ import annotations

import json
from typing import Any

from tf.gen import tfplugin_pb2 as pb

_BLOCK_NESTING = {
    "single": pb.Schema.NestedBlock.SINGLE,
    "group": pb.Schema.NestedBlock.GROUP,
    "list": pb.Schema.NestedBlock.LIST,
    "set": pb.Schema.NestedBlock.SET,
    "map": pb.Schema.NestedBlock.MAP,
}

_OBJECT_NESTING = {
    "single": pb.Schema.Object.SINGLE,
    "list": pb.Schema.Object.LIST,
    "set": pb.Schema.Object.SET,
    "map": pb.Schema.Object.MAP,
}

_DESCRIPTION_KIND = {"plain": pb.PLAIN, "markdown": pb.MARKDOWN}


def schema_message(schema: dict[str, Any]) -> pb.Schema:
    """``{"version": n, "block": {...}}`` as a protocol ``Schema``."""
    return pb.Schema(version=schema.get("version", 0), block=block_message(schema["block"]))


def block_message(block: dict[str, Any]) -> pb.Schema.Block:
    """One block: its attributes and nested block types, in name order."""
    return pb.Schema.Block(
        attributes=[attribute_message(name, attr) for name, attr in sorted(block.get("attributes", {}).items())],
        block_types=[
            nested_block_message(name, nested) for name, nested in sorted(block.get("block_types", {}).items())
        ],
        description=block.get("description", ""),
        description_kind=_DESCRIPTION_KIND[block.get("description_kind", "plain")],
        deprecated=block.get("deprecated", False),
    )


def attribute_message(name: str, attr: dict[str, Any]) -> pb.Schema.Attribute:
    """One attribute; a ``write_only`` one becomes optional and sensitive (see the module docstring)."""
    write_only = attr.get("write_only", False)
    fields: dict[str, Any] = {
        "name": name,
        "description": attr.get("description", ""),
        "description_kind": _DESCRIPTION_KIND[attr.get("description_kind", "plain")],
        "required": attr.get("required", False),
        "optional": attr.get("optional", False) or (write_only and not attr.get("required", False)),
        "computed": attr.get("computed", False) and not write_only,
        "sensitive": attr.get("sensitive", False) or write_only,
        "deprecated": attr.get("deprecated", False),
    }
    if "nested_type" in attr:
        fields["nested_type"] = object_message(attr["nested_type"])
    else:
        fields["type"] = json.dumps(attr["type"], separators=(",", ":")).encode()
    return pb.Schema.Attribute(**fields)


def object_message(nested_type: dict[str, Any]) -> pb.Schema.Object:
    """A nested attribute type (plugin framework ``nested_type``)."""
    return pb.Schema.Object(
        attributes=[attribute_message(name, attr) for name, attr in sorted(nested_type["attributes"].items())],
        nesting=_OBJECT_NESTING[nested_type["nesting_mode"]],
        min_items=nested_type.get("min_items", 0),
        max_items=nested_type.get("max_items", 0),
    )


def nested_block_message(name: str, nested: dict[str, Any]) -> pb.Schema.NestedBlock:
    """A nested block type with its nesting mode and item limits."""
    return pb.Schema.NestedBlock(
        type_name=name,
        block=block_message(nested["block"]),
        nesting=_BLOCK_NESTING[nested["nesting_mode"]],
        min_items=nested.get("min_items", 0),
        max_items=nested.get("max_items", 0),
    )
