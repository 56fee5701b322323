"""The one error type for bad input, and how its location is written.

Every problem fleetform reports about user input carries a stable code, where it is (a file with a
TOML key path, ``file.py:line``, or a construct path), what is wrong with the bad value, what is
allowed (or the nearest match), and how to fix it. Library code raises; only the CLI decides how
to print (see ``fleetform.cli``), so a user never sees a Python traceback for bad input.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_BARE_TOML_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key_path(*parts: str | int) -> str:
    """Render a TOML key path the way a user would type it: ``tool.fal.apps."my.app".image``.

    Integers become list indices (``requirements[2]``).
    """
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if _BARE_TOML_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
        out += ("." if out else "") + key
    return out


def where_toml(file: Path | str, *key_path: str | int) -> str:
    """Location of a key inside a TOML file: ``path/pyproject.toml: tool.fal.apps.x.keep_alive``."""
    path = toml_key_path(*key_path)
    return f"{display_path(file)}: {path}" if path else display_path(file)


def where_python(file: Path | str, line: int | None) -> str:
    """Location inside a Python file: ``src/app.py:12``."""
    return f"{display_path(file)}:{line}" if line else display_path(file)


def display_path(file: Path | str) -> str:
    """A path relative to the working directory when it lies below it, so messages stay short."""
    return _relative_to(str(file), os.getcwd())


@functools.lru_cache(maxsize=8192)
def _relative_to(file: str, cwd: str) -> str:
    """:func:`display_path` for one working directory, resolved once per path: the plan names every app's
    files in every group's decisions (``resolve`` costs file-system calls; at 500 apps a synth asked 50,000 times)."""
    path = Path(file)
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


def near_matches(value: object, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The choices closest to a mistyped value, best first (case-insensitive)."""
    lowered = {choice.lower(): choice for choice in choices}
    hits = difflib.get_close_matches(str(value).lower(), list(lowered), n=limit, cutoff=0.6)
    return [lowered[hit] for hit in hits]


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'keep_alive'?"`` or an empty string when nothing is close."""
    hits = near_matches(value, choices)
    if not hits:
        return ""
    return "; did you mean " + " or ".join(repr(hit) for hit in hits) + "?"


def format_choices(choices: Iterable[object]) -> str:
    """Allowed values as a sorted, comma-separated list."""
    return ", ".join(sorted(str(choice) for choice in choices))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes:
        code: stable machine-readable identifier such as ``spec/unknown-key``; part of the public API.
        where: file and key path, ``file.py:line`` or construct path.
        message: what is wrong, in the user's words, including the bad value.
        allowed: the allowed values or a near match, when there is such a thing.
        fix: how to fix it, when that is not obvious from ``allowed``.
    """

    code: str
    where: str
    message: str
    allowed: str | None = None
    fix: str | None = None

    def render(self) -> str:
        lines = [f"error[{self.code}] {self.where}", f"  {self.message}"]
        if self.allowed:
            lines.append(f"  allowed: {self.allowed}")
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)

    def render_warning(self) -> str:
        """The problem as a warning: what goes on, and how to avoid it, without stopping the command."""
        return f"warning[{self.code}] {self.where}\n  {self.message}" + (f"\n  fix: {self.fix}" if self.fix else "")

    def to_json(self) -> dict[str, str]:
        out = {"code": self.code, "where": self.where, "message": self.message}
        if self.allowed:
            out["allowed"] = self.allowed
        if self.fix:
            out["fix"] = self.fix
        return out


class FleetformError(Exception):
    """Bad input (CLI exit code 2). Holds one or more problems, reported together."""

    def __init__(self, problems: Problem | Sequence[Problem]):
        self.problems: tuple[Problem, ...] = (problems,) if isinstance(problems, Problem) else tuple(problems)
        if not self.problems:
            raise ValueError("FleetformError needs at least one problem")
        super().__init__(self.render())

    @classmethod
    def single(
        cls, code: str, where: str, message: str, *, allowed: str | None = None, fix: str | None = None
    ) -> FleetformError:
        """Shorthand for an error with one problem."""
        return cls(Problem(code, where, message, allowed, fix))

    def render(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)


class ProblemCollector:
    """Collects problems across a whole input so that the user sees all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, where: str, message: str, *, allowed: str | None = None, fix: str | None = None) -> None:
        self.problems.append(Problem(code, where, message, allowed, fix))

    def extend(self, error: FleetformError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise FleetformError(self.problems)
