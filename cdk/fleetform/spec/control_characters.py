"""Refusing control characters in the path-like values of an app table before any path is built from them.

A NUL byte (``"a\\u0000b"``) or another control character in a file or folder name cannot name a real
file and makes the operating system's path calls fail; it is always a typo or an injection. Paths and
module names are checked here, at the TOML key that holds them, before the loaders resolve anything.
Free text (an inline Dockerfile, build arguments) may hold newlines and tabs and is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fleetform.errors import Problem

PATH_KEYS: tuple[str, ...] = ("ref", "python_entry_point", "requirements_context_dir", "app_files",
                              "app_files_context_dir", "app_files_ignore", "local_python_modules", "data_mounts")
"""Top-level app keys whose values name files, folders, modules or mount paths."""
IMAGE_PATH_KEYS: tuple[str, ...] = ("dockerfile", "context_dir", "image")
"""Keys of the ``image`` table that name files, folders or an image reference."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def control_character_problems(table: dict[str, Any], where: Any) -> list[Problem]:
    """A problem per path-like value of ``table`` holding a control character; ``where(*loc)`` names its key."""
    found = list(_strings(table, PATH_KEYS, ()))
    image = table.get("image")
    if isinstance(image, dict):
        found += _strings(image, IMAGE_PATH_KEYS, ("image",))
    return [Problem("spec/control-character", where(*loc),
                    f"{_dotted(loc)} {value!r} holds a control character ({_first(value)}), which no file, folder "
                    "or module name may hold",
                    fix="remove it (a stray escape such as \\u0000 or \\n in the TOML string)")
            for loc, value in found]


def _strings(table: dict[str, Any], keys: tuple[str, ...], prefix: tuple[str | int, ...]
             ) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for key in keys:
        value = table.get(key)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, str) and _CONTROL.search(item):
                yield (*prefix, key) if index is None else (*prefix, key, index), item


def _first(value: str) -> str:
    match = _CONTROL.search(value)
    assert match is not None
    return f"U+{ord(match.group()):04X}"


def _dotted(loc: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
