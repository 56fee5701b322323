"""JSON text exactly as cdktf writes it: keys sorted, two-space indent, JavaScript's number format.

cdktf writes every ``cdk.tf.json`` and ``manifest.json`` with the ``json-stable-stringify`` package
(``space: 2``), whose layout differs from Python's ``json.dumps(indent=2, sort_keys=True)`` in two
places: an empty list or object still breaks its line (``[`` newline, indent, ``]``), and numbers are
JavaScript's (``60``, not ``60.0``; ``1e-7``, not ``1e-07``). No newline ends the text. Keys sort by
UTF-16 code units, as JavaScript's default sort does. ``None`` is left out (of objects and lists), as
cdktf's token resolution leaves out ``undefined``; a typed reference (:mod:`.references`) is written as
its expression, as cdktf resolves its tokens.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from fleetform.tf.engine.references import TYPED_REFERENCES

# The C encoder of a JSON string without escaping non-ASCII (what ``JSON.stringify`` does too).
_encode_string = json.encoder.encode_basestring
# JavaScript switches Number#toString to exponent notation outside [1e-6, 1e21).
_FIXED_LOW, _FIXED_HIGH = 1e-6, 1e21
_INDENTS = ["\n" + "  " * level for level in range(64)]


def stringify(value: Any) -> str:
    """``value`` (dicts, lists, strings, numbers, bools, None) as cdktf writes it to a file."""
    parts: list[str] = []
    _write(value, 0, parts)
    return "".join(parts)


def _indent(level: int) -> str:
    return _INDENTS[level] if level < len(_INDENTS) else "\n" + "  " * level


def _write(value: Any, level: int, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        parts.append(_encode_string(value))
    elif kind is dict or (isinstance(value, Mapping) and not isinstance(value, TYPED_REFERENCES)):
        _write_object(value, level, parts)
    elif kind is list or kind is tuple:
        _write_array(value, level, parts)
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(str(value))
    elif kind is float:
        parts.append(js_number(value))
    elif isinstance(value, TYPED_REFERENCES):
        parts.append(_encode_string(value.expression))
    elif isinstance(value, str):
        parts.append(_encode_string(str(value)))
    elif isinstance(value, (list, tuple)):
        _write_array(value, level, parts)
    elif isinstance(value, int):
        parts.append(str(int(value)))
    elif isinstance(value, float):
        parts.append(js_number(float(value)))
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON: {value!r}")


def _write_object(value: Mapping[str, Any], level: int, parts: list[str]) -> None:
    indent = _indent(level)
    item_indent = _indent(level + 1)
    separator = "{" + item_indent
    for key in _sorted_keys(value):
        item = value[key]
        if item is None:
            continue
        parts.append(separator)
        separator = "," + item_indent
        parts.append(_encode_string(key))
        parts.append(": ")
        _write(item, level + 1, parts)
    parts.append(indent + "}" if separator != "{" + item_indent else "{" + indent + "}")


def _write_array(value: Any, level: int, parts: list[str]) -> None:
    indent = _indent(level)
    item_indent = _indent(level + 1)
    separator = "[" + item_indent
    for item in value:
        if item is None:
            continue
        parts.append(separator)
        separator = "," + item_indent
        _write(item, level + 1, parts)
    parts.append(indent + "]" if separator != "[" + item_indent else "[" + indent + "]")


def _sorted_keys(mapping: Mapping[str, Any]) -> list[str]:
    keys = list(mapping)
    if all(key.isascii() for key in keys):
        return sorted(keys)
    return sorted(keys, key=lambda key: key.encode("utf-16-be"))


def js_number(value: float) -> str:
    """A float as JavaScript's ``Number#toString`` writes it (``JSON.stringify`` writes NaN and ±Infinity as null)."""
    if math.isnan(value) or math.isinf(value):
        return "null"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if _FIXED_LOW <= magnitude < _FIXED_HIGH:
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        if "e" not in text:
            return text
        return _expand_exponent(text)
    mantissa, exponent = repr(value).split("e") if "e" in repr(value) else (repr(value), "0")
    mantissa = mantissa.removesuffix(".0")
    power = int(exponent)
    return f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"


def _expand_exponent(text: str) -> str:
    """``1.5e-05`` as the fixed notation JavaScript uses inside [1e-6, 1e21): ``0.000015``."""
    mantissa, exponent = text.split("e")
    power = int(exponent)
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "")
    point = mantissa.lstrip("-").find(".")
    point = len(mantissa.lstrip("-")) if point < 0 else point
    position = point + power
    if position <= 0:
        return f"{sign}0.{'0' * -position}{digits}".rstrip("0").rstrip(".")
    if position >= len(digits):
        return sign + digits + "0" * (position - len(digits))
    return f"{sign}{digits[:position]}.{digits[position:]}"
