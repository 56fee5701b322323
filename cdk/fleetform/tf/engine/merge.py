"""cdktf's two JSON helpers, with its semantics: ``deepMerge`` and ``keysToSnakeCase`` (its ``util.ts``).

Both decide bytes of the output, so they follow cdktf exactly, quirks included: merging appends
lists, and ``keysToSnakeCase`` rewrites every key below a provider block (``default_labels`` keys
``managed-by`` become ``managed_by``), except below ``tags`` and ``environment``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_EDGES = re.compile(r"^[^A-Za-z0-9]*|[^A-Za-z0-9]*$")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+|_+")
_KEPT_AS_IS = ("tags", "environment")


def deep_merge(target: dict[str, Any], *sources: dict[str, Any]) -> dict[str, Any]:
    """Merge each of ``sources`` into ``target`` in place: objects recursively, lists appended, None deletes.

    A value ``target`` lacks is taken by reference, not copied (the stack's JSON is built once and
    written; nothing merges into an element's own argument dicts).
    """
    for source in sources:
        for key, value in source.items():
            if isinstance(value, dict):
                existing = target.get(key)
                if isinstance(existing, dict):
                    deep_merge(existing, value)
                elif existing is None:
                    target[key] = value
                else:
                    target[key] = deep_merge({}, value)
            elif isinstance(value, list):
                existing = target.get(key)
                target[key] = [*existing, *value] if isinstance(existing, list) else value
            elif value is None:
                target.pop(key, None)
            else:
                target[key] = value
    return target


@functools.lru_cache(maxsize=4096)
def snake_case(name: str) -> str:
    """cdktf's ``snakeCase``: ``dependsOn`` → ``depends_on``, ``managed-by`` → ``managed_by``."""
    trimmed = _EDGES.sub("", name)
    split = _CAMEL.sub(lambda match: f"{match.group(1)}_{match.group(2).lower()}", trimmed)
    return _SEPARATORS.sub("_", split).lower()


def keys_to_snake_case(value: Any) -> Any:
    """cdktf's ``keysToSnakeCase``: every key of every nested object, but not below ``tags``/``environment``."""
    if isinstance(value, list):
        return [keys_to_snake_case(item) if isinstance(item, (dict, list)) else item for item in value]
    if not isinstance(value, dict):
        return value
    converted: dict[str, Any] = {}
    for key, item in value.items():
        if key in _KEPT_AS_IS:
            converted[key] = item
            continue
        if isinstance(item, (dict, list)):
            item = keys_to_snake_case(item)
        converted[snake_case(key)] = item
    return converted
