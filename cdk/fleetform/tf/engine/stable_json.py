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

_encode_string = json.JSONEncoder(ensure_ascii=False).encode
# JavaScript switches Number#toString to exponent notation outside [1e-6, 1e21).
_FIXED_LOW, _FIXED_HIGH = 1e-6, 1e21


def stringify(value: Any) -> str:
    """``value`` (dicts, lists, strings, numbers, bools, None) as cdktf writes it to a file."""
    parts: list[str] = []
    _write(value, 0, parts)
    return "".join(parts)


def _write(value: Any, level: int, parts: list[str]) -> None:
    if isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, TYPED_REFERENCES):
        parts.append(_encode_string(value.expression))
    elif isinstance(value, Mapping):
        indent = "\n" + "  " * level
        item_indent = indent + "  "
        parts.append("{")
        first = True
        for key in _sorted_keys(value):
            item = value[key]
            if item is None:
                continue
            parts.append(item_indent if first else "," + item_indent)
            first = False
            parts.append(_encode_string(key))
            parts.append(": ")
            _write(item, level + 1, parts)
        parts.append(indent + "}")
    elif isinstance(value, (list, tuple)):
        indent = "\n" + "  " * level
        item_indent = indent + "  "
        parts.append("[")
        first = True
        for item in value:
            if item is None:
                continue
            parts.append(item_indent if first else "," + item_indent)
            first = False
            _write(item, level + 1, parts)
        parts.append(indent + "]")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(str(value))
    elif isinstance(value, float):
        parts.append(js_number(value))
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON: {value!r}")


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
