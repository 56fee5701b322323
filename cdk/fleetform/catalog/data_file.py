"""The catalog's JSON data files: one diff-friendly layout, read and written the same way everywhere.

Each file is a JSON object with sorted keys and an indent of 2 down to its *entries* (one instance type,
one region's offering of one instance type, one price); each entry is written on a single line. A
refresh that changes one offering therefore changes one line, and every other line stays
byte-identical. Writes go to a temporary file that replaces the target only when the whole refresh
succeeded, so a failed refresh leaves the data untouched.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
"""Where the packaged catalog data lives; ``fleetform catalog refresh --data-dir`` can write elsewhere."""


def render(document: Mapping[str, Any], entry_depth: int) -> str:
    """The file text for ``document``: objects above ``entry_depth`` expanded, entries on one line each."""
    return _render(document, entry_depth, 0) + "\n"


def _render(value: Any, entry_depth: int, depth: int) -> str:
    if not isinstance(value, Mapping) or depth >= entry_depth or not value:
        return json.dumps(value, sort_keys=True, separators=(", ", ": "), ensure_ascii=False)
    indent = "  " * (depth + 1)
    items = [
        f"{indent}{json.dumps(key)}: {_render(value[key], entry_depth, depth + 1)}" for key in sorted(value)
    ]
    return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"


def load(path: Path) -> dict[str, Any]:
    """A data file's document."""
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def write_all(files: Mapping[Path, str]) -> None:
    """Replace each file with its new text, after every text has been written to a temporary file.

    The renames happen last and only when every temporary write succeeded, so an error while writing
    leaves all targets as they were.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            staged.append((Path(temporary_name), target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
