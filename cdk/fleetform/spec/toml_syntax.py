"""A TOML syntax error as a user can act on it: the key, the table it is in, and the offending line.

``tomllib`` (Python 3.11) reports only a message with ``(at line L, column C)``; this finds the line,
the table header above it and the key it sets, so that ``Cannot overwrite a value`` becomes "key
``keep_alive`` of ``[tool.fal.apps.a]`` is set twice".
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from fleetform.errors import Problem, display_path

_POSITION = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$")
_HEADER = re.compile(r"^\s*\[{1,2}\s*(?P<name>[^\]]+?)\s*\]{1,2}")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_.\"' -]+?)\s*=")
_DUPLICATE_MESSAGES = ("Cannot overwrite a value", "Cannot declare")


def toml_syntax_problem(file: Path, text: str, error: tomllib.TOMLDecodeError) -> Problem:
    """The problem for ``error`` raised while parsing ``text`` (the contents of ``file``)."""
    message = str(error)
    position = _POSITION.search(message)
    reason = _POSITION.sub("", message)
    if position is None:
        return Problem("spec/toml-syntax", display_path(file), f"invalid TOML: {reason}",
                       fix="fix the syntax (sub-tables are more portable than multi-line inline tables)")
    number, column = int(position["line"]), int(position["column"])
    lines = text.splitlines()
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    table = _table_above(lines, number)
    key = _KEY.match(line)
    header = _HEADER.match(line)
    if reason.startswith(_DUPLICATE_MESSAGES) and (key or header):
        name = key["key"].strip() if key else header["name"] if header else ""
        where = f"{table}.{name}" if key and table else name
        reason = (f"key {name!r} of [{table}] is set twice" if key and table
                  else f"key {name!r} is set twice" if key else f"table [{name}] is declared twice")
        fix = "keep one definition (TOML allows each key and table once; inline tables and sub-tables count alike)"
    else:
        where = f"{table}.{key['key'].strip()}" if key and table else table
        fix = "fix the syntax at that line (sub-tables are more portable than multi-line inline tables)"
    pointer = " " * (len(str(number)) + 3 + max(column - 1, 0)) + "^"
    return Problem("spec/toml-syntax", f"{display_path(file)}:{number}" + (f": {where}" if where else ""),
                   f"invalid TOML: {reason}\n  {number} | {line}\n  {pointer}", fix=fix)


def _table_above(lines: list[str], number: int) -> str:
    for line in reversed(lines[: number - 1]):
        header = _HEADER.match(line)
        if header:
            return header["name"]
    return ""
