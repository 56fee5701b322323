"""Which Python values Terraform accepts for an attribute of a given (cty) type.

fleetform rejects exactly what Terraform's own type conversion rejects, no more: Terraform turns
the numeric string ``"3"`` into a number, ``"true"``/``"false"``/``"1"``/``"0"`` into a bool, and a
number or bool into a string, so those pass here too (and reach the JSON as written). A value that
is only known to Terraform (a reference, a function call, a variable) is not checked.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from fleetform.tf._framework import is_unresolved
from fleetform.tf.references import NestedReference
from fleetform.tf.schema import CtyType

# Terraform parses a string as a base-10 number (Go's big.Float); no hex, no underscores, no spaces.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_BOOL_STRINGS = frozenset({"true", "false", "1", "0"})
_VALUE_REPR_LIMIT = 60


@dataclass(frozen=True)
class Mismatch:
    """Why a value does not convert: the path inside the value, what was expected, what was given.

    ``unknown_key`` is set when an object value has an attribute its type does not declare;
    ``choices`` then holds the declared attribute names. ``missing`` is set when an object value
    lacks an attribute its type requires.
    """

    path: str
    expected: str
    value: object
    unknown_key: str | None = None
    choices: tuple[str, ...] = field(default=())
    missing: bool = False


def is_reference(value: object) -> bool:
    """Whether only Terraform knows the value: a framework token or a :class:`NestedReference`."""
    return isinstance(value, NestedReference) or is_unresolved(value)


def find_mismatch(cty_type: CtyType, value: object, path: str = "") -> Mismatch | None:
    """The first place where ``value`` would not convert to ``cty_type``, or None if it converts."""
    if is_reference(value) or cty_type == "dynamic":
        return None
    if isinstance(cty_type, str):
        return None if _primitive_converts(cty_type, value) else Mismatch(path, expected_phrase(cty_type), value)
    kind = cty_type[0]
    if kind in ("list", "set"):
        return _collection_mismatch(cty_type, value, path)
    if kind == "map":
        return _map_mismatch(cty_type, value, path)
    if kind == "object":
        return _object_mismatch(cty_type, value, path)
    if kind == "tuple":
        return _tuple_mismatch(cty_type, value, path)
    raise ValueError(f"unsupported cty type {cty_type!r}")


def _primitive_converts(cty_type: str, value: object) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if cty_type == "string":
        return isinstance(value, (str, bool, int, float))
    if cty_type == "number":
        if isinstance(value, bool):
            return False
        return isinstance(value, (int, float)) or (isinstance(value, str) and _NUMBER.fullmatch(value) is not None)
    if cty_type == "bool":
        return isinstance(value, bool) or (isinstance(value, str) and value in _BOOL_STRINGS)
    raise ValueError(f"unsupported cty type {cty_type!r}")


def _collection_mismatch(cty_type: CtyType, value: object, path: str) -> Mismatch | None:
    kind, element_type = cty_type
    accepted = (list, tuple, set, frozenset) if kind == "set" else (list, tuple)
    if not isinstance(value, accepted):
        return Mismatch(path, expected_phrase(cty_type), value)
    for index, element in enumerate(ordered_elements(value)):
        element_path = f"{path}[{index}]"
        if element is None:
            return Mismatch(element_path, f"{expected_phrase(element_type)} (null elements are not allowed)", None)
        mismatch = find_mismatch(element_type, element, element_path)
        if mismatch:
            return mismatch
    return None


def _map_mismatch(cty_type: CtyType, value: object, path: str) -> Mismatch | None:
    _, element_type = cty_type
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        return Mismatch(path, expected_phrase(cty_type), value)
    for key, element in value.items():
        element_path = f"{path}[{json.dumps(key)}]"
        if element is None:
            return Mismatch(element_path, f"{expected_phrase(element_type)} (null values are not allowed)", None)
        mismatch = find_mismatch(element_type, element, element_path)
        if mismatch:
            return mismatch
    return None


def _object_mismatch(cty_type: CtyType, value: object, path: str) -> Mismatch | None:
    attribute_types: Mapping[str, CtyType] = cty_type[1]
    optional = frozenset(cty_type[2]) if len(cty_type) > 2 else frozenset()
    if not isinstance(value, Mapping):
        return Mismatch(path, expected_phrase(cty_type), value)
    for key in value:
        if key not in attribute_types:
            return Mismatch(f"{path}.{key}", "", value[key], unknown_key=str(key),
                            choices=tuple(sorted(attribute_types)))
    for name, attribute_type in sorted(attribute_types.items()):
        attribute_path = f"{path}.{name}"
        if value.get(name) is None:
            if name in optional:
                continue
            return Mismatch(attribute_path, expected_phrase(attribute_type), None, missing=True)
        mismatch = find_mismatch(attribute_type, value[name], attribute_path)
        if mismatch:
            return mismatch
    return None


def _tuple_mismatch(cty_type: CtyType, value: object, path: str) -> Mismatch | None:
    element_types: Sequence[CtyType] = cty_type[1]
    if not isinstance(value, (list, tuple)) or len(value) != len(element_types):
        return Mismatch(path, expected_phrase(cty_type), value)
    for index, (element_type, element) in enumerate(zip(element_types, value, strict=True)):
        mismatch = find_mismatch(element_type, element, f"{path}[{index}]")
        if mismatch:
            return mismatch
    return None


def ordered_elements(value: Collection[object]) -> list[object]:
    """Elements in a stable order: Python sets are sorted, since their order changes between runs."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return list(value)


def describe_type(cty_type: CtyType) -> str:
    """A cty type in words: ``number``, ``list of string``, ``map of list of string``, ``object``."""
    if isinstance(cty_type, str):
        return "any value" if cty_type == "dynamic" else cty_type
    kind = cty_type[0]
    if kind in ("list", "set", "map"):
        return f"{kind} of {describe_type(cty_type[1])}"
    if kind == "object":
        return "object with attributes " + ", ".join(sorted(cty_type[1]))
    return "tuple of " + ", ".join(describe_type(element) for element in cty_type[1])


def _article(description: str) -> str:
    if description == "any value":
        return description
    return ("an " if description[0] in "aeiou" else "a ") + description


def expected_phrase(cty_type: CtyType) -> str:
    """``a number``, ``a list of string``: what a message says a value must be."""
    return _article(describe_type(cty_type))


def describe_value(value: object) -> str:
    """A bad value for a message: its Python type and a short repr (``str 'three'``)."""
    if value is None:
        return "None"
    if is_reference(value):
        return "a reference (a value only Terraform knows)"
    text = repr(value)
    if len(text) > _VALUE_REPR_LIMIT:
        text = text[: _VALUE_REPR_LIMIT - 3] + "..."
    return f"{type(value).__name__} {text}"
