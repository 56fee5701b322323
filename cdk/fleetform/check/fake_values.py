"""Deterministic, plausible stand-in values for what a real provider would read from the cloud.

The offline provider answers data source reads with these. A value depends only on the data
source type, its configuration and the attribute path, so two checks of the same stack plan
byte-identical values. Each cloud contributes how its identifiers look (an ARN, a self link)
through ``named_string``; everything else is derived from the attribute's cty type.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fleetform.check.schema_values import AttributePath

# (attribute name, digest) -> a cloud-specific string, or None for the generic one.
NamedString = Callable[[str, str], "str | None"]

# Collections get this many elements, enough for ``element(list, 1)`` style references to work.
COLLECTION_LENGTH = 2


def digest(*parts: object, length: int = 16) -> str:
    """A short stable hex digest of ``parts`` (JSON-encoded, sorted keys; unknowns as their repr)."""
    text = json.dumps(parts, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def resource_short_name(type_name: str) -> str:
    """``aws_iam_role`` -> ``iam-role``: a readable prefix for fake identifiers."""
    return type_name.split("_", 1)[-1].replace("_", "-")


class FakeValues:
    """Callable ``(path, cty_type) -> value`` for one data source read."""

    def __init__(self, type_name: str, config: dict[str, Any], named_string: NamedString):
        self._seed = (type_name, config)
        self._prefix = resource_short_name(type_name)
        self._named_string = named_string

    def __call__(self, path: AttributePath, cty: Any) -> Any:
        return self._value(path, cty)

    def _value(self, path: AttributePath, cty: Any) -> Any:
        if cty == "string":
            return self._string(path)
        if cty == "number":
            return 1
        if cty == "bool":
            return False
        if cty == "dynamic" or not isinstance(cty, list):
            return None
        kind = cty[0]
        if kind in ("list", "set"):
            return [self._value((*path, index), cty[1]) for index in range(COLLECTION_LENGTH)]
        if kind == "map":
            return {}
        if kind == "object":
            return {name: self._value((*path, name), inner) for name, inner in cty[1].items()}
        if kind == "tuple":
            return [self._value((*path, index), inner) for index, inner in enumerate(cty[1])]
        return None

    def _string(self, path: AttributePath) -> str:
        name = next((step for step in reversed(path) if isinstance(step, str)), "")
        hexdigest = digest(self._seed, path)
        return self._named_string(name, hexdigest) or f"{self._prefix}-{hexdigest}"
