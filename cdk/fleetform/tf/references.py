"""References to another element's attributes, checked against its schema when they are made.

``lt.latest_version`` on a launch template returns the framework's token for
``${aws_launch_template.<id>.latest_version}``, typed as the attribute is (a string, a number, a
list, a map) so it can be passed anywhere a value of that type goes. A name the schema does not
have fails at once (``tf/unknown-reference``), with the nearest names, instead of at plan time.

Nested blocks and object-typed attributes give a :class:`NestedReference`: index it like
Terraform does (``asg.launch_template[0].id``; a ``single`` block needs no index), or pass it
whole as a value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol, cast

from fleetform.errors import Problem, did_you_mean, format_choices, near_matches
from fleetform.tf._framework import IConstruct, IResolvable, construct_path, read_attribute
from fleetform.tf.schema import Block, CtyType, NestedBlock, SchemaLookupError

# What a reference points at: a block type (one or many blocks), one block, or a value type.
Shape = NestedBlock | Block | CtyType

# The framework's typed getter for each attribute type; other types resolve to a NestedReference.
_GETTERS: Mapping[Any, str] = {
    "string": "getStringAttribute",
    "number": "getNumberAttribute",
    "bool": "getBooleanAttribute",
    ("list", "string"): "getListAttribute",
    ("set", "string"): "getListAttribute",
    ("list", "number"): "getNumberListAttribute",
    ("set", "number"): "getNumberListAttribute",
    ("map", "string"): "getStringMapAttribute",
    ("map", "number"): "getNumberMapAttribute",
    ("map", "bool"): "getBooleanMapAttribute",
}
_ANY_VALUE_GETTER = "interpolationForAttribute"


class Referable(Protocol):
    """An element whose attributes can be referenced (a resource or a data source)."""

    @property
    def subject(self) -> str: ...


def reference(owner: Referable, block: Block, name: str, path: str) -> Any:
    """The reference to ``name`` of ``block`` (at ``path`` inside ``owner``).

    Raises:
        SchemaLookupError: ``tf/unknown-reference`` when ``block`` has no such attribute or block.
    """
    if name in block.attributes:
        return _typed_token(owner, block.attributes[name].type, path)
    if name in block.blocks:
        return NestedReference(owner, path, block.blocks[name])
    raise _unknown(owner, path, name, block.referable_names)


def _typed_token(owner: Referable, cty_type: CtyType, path: str) -> Any:
    getter = _getter_name(cty_type)
    if getter is not None:
        return read_attribute(owner, getter, path)
    if isinstance(cty_type, list):
        return NestedReference(owner, path, cty_type)
    return read_attribute(owner, _ANY_VALUE_GETTER, path)  # "dynamic": any value


def _getter_name(cty_type: CtyType) -> str | None:
    if isinstance(cty_type, str):
        return _GETTERS.get(cty_type)
    kind, element = cty_type[0], cty_type[1]
    if kind in ("list", "set", "map") and isinstance(element, str):
        return _GETTERS.get((kind, element))
    return None


class NestedReference:
    """A reference to a nested block or a complex attribute: index it, read its attributes, or pass it."""

    __slots__ = ("_children", "_owner", "_path", "_shape")

    def __init__(self, owner: Referable, path: str, shape: Shape):
        self._owner = owner
        self._path = path
        self._shape = shape
        self._children: dict[object, Any] = {}

    def __repr__(self) -> str:
        return f"<reference {self._owner.subject}.{self._path}>"

    @property
    def path(self) -> str:
        """The reference's path below its element, as Terraform writes it (``launch_template[0]``)."""
        return self._path

    def token(self) -> IResolvable:
        """The whole block list, block or value, as the framework's token."""
        token: IResolvable = read_attribute(self._owner, _ANY_VALUE_GETTER, self._path)
        return token

    def __getitem__(self, key: int | str) -> Any:
        if key not in self._children:
            self._children[key] = self._element(key)
        return self._children[key]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._children:
            self._children[name] = self._attribute(name)
        return self._children[name]

    def _element(self, key: int | str) -> Any:
        shape = self._shape
        path = f"{self._path}[{key}]" if isinstance(key, int) else f"{self._path}[{json.dumps(key)}]"
        if isinstance(shape, NestedBlock) and _indexable(shape.nesting, key):
            return NestedReference(self._owner, path, shape.block)
        if isinstance(shape, list) and _indexable(shape[0], key):
            return _typed_token(self._owner, shape[1], path)
        raise _not_indexable(self._owner, self._path, self._kind(), key)

    def _attribute(self, name: str) -> Any:
        shape = self._shape
        path = f"{self._path}.{name}"
        if isinstance(shape, NestedBlock) and shape.nesting in ("single", "group"):
            return reference(self._owner, shape.block, name, path)
        if isinstance(shape, Block):
            return reference(self._owner, shape, name, path)
        if isinstance(shape, list) and shape[0] == "object":
            if name in shape[1]:
                return _typed_token(self._owner, shape[1][name], path)
            raise _unknown(self._owner, path, name, tuple(sorted(shape[1])))
        raise _needs_index(self._owner, self._path, self._kind(), name)

    def _kind(self) -> str:
        shape = self._shape
        if isinstance(shape, NestedBlock):
            return f"{shape.nesting} of blocks"
        if isinstance(shape, Block):
            return "block"
        return str(shape[0])


def _indexable(kind: str, key: object) -> bool:
    """Terraform indexes lists and tuples by position and maps by key; sets not at all."""
    if kind in ("list", "tuple"):
        return isinstance(key, int) and not isinstance(key, bool)
    return kind == "map" and isinstance(key, str)


def _error(owner: Referable, message: str, *, allowed: str | None = None, fix: str | None = None) -> SchemaLookupError:
    # The construct path is only read when there is an error: it costs a round trip to the framework.
    where = construct_path(cast(IConstruct, owner))
    return SchemaLookupError(Problem("tf/unknown-reference", where, f"{owner.subject}: {message}", allowed, fix))


def _unknown(owner: Referable, path: str, name: str, choices: tuple[str, ...]) -> SchemaLookupError:
    return _error(
        owner,
        f"no attribute {path!r} to reference{did_you_mean(name, choices)}",
        allowed=None if near_matches(name, choices) else format_choices(choices),
    )


def _not_indexable(owner: Referable, path: str, kind: str, key: object) -> SchemaLookupError:
    if kind.startswith("set"):
        fix = f"sets have no order; pass the whole value ({path}) or convert it in Terraform (tolist)"
    elif kind.startswith(("single", "group")) or kind in ("block", "object"):
        fix = f"read an attribute directly: {path}.<attribute>"
    else:
        fix = "index lists by position (int) and maps by key (str)"
    return _error(owner, f"{path!r} is a {kind} and cannot be indexed with {key!r}", fix=fix)


def _needs_index(owner: Referable, path: str, kind: str, name: str) -> SchemaLookupError:
    fix = f"index it first: {path}[0].{name}" if kind.startswith("list") else "pass the whole value instead"
    return _error(owner, f"{path!r} is a {kind}; it has no attribute {name!r} of its own", fix=fix)
