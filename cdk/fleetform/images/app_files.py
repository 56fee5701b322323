"""fal's ``app_files``: which local files an app ships under ``/app``, and at which paths.

As fal 1.83.0 collects them (``fal.file_sync.FileSync.collect_files``): each entry is a file or a
folder relative to ``app_files_context_dir``; a folder is walked without following links; a path
is dropped when one of the ``app_files_ignore`` regexes is found anywhere in it (``re.search``
over the path relative to the context folder, a folder's own path tested with a trailing ``/``).
Files land at ``/app/<path relative to the context folder>``. fal ignores by regex, not by
gitignore patterns, so fleetform does too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from fleetform.errors import FleetformError, Problem, display_path


def collect_app_files(entries: Sequence[str], context_dir: Path, ignore: Sequence[str],
                      where: str) -> dict[str, tuple[bytes, bool]]:
    """``path under /app -> (content, executable)`` of every file the entries name, ignored ones left out."""
    patterns = [re.compile(pattern) for pattern in ignore]
    files: dict[str, tuple[bytes, bool]] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        lexical = context_dir / entry
        relative = Path(os.path.relpath(lexical, context_dir)).as_posix()
        if relative == ".." or relative.startswith("../") or Path(entry).is_absolute():
            problems.append(Problem("image/app-file-outside-context", f"{where}.app_files[{index}]",
                                    f"app file {entry!r} is outside app_files_context_dir {display_path(context_dir)}",
                                    fix="set app_files_context_dir to a folder holding every app file"))
            continue
        if lexical.is_dir():
            if _ignored(f"{relative.rstrip('/')}/", patterns):
                continue
            for current, _, names in os.walk(lexical, followlinks=False):
                for name in sorted(names):
                    path = Path(current) / name
                    inside = path.relative_to(context_dir).as_posix()
                    if not _ignored(inside, patterns) and path.is_file():
                        files[inside] = _read(path)
        elif lexical.is_file():
            if not _ignored(relative, patterns):
                files[relative] = _read(lexical)
        else:
            problems.append(Problem("image/app-file-missing", f"{where}.app_files[{index}]",
                                    f"app file {entry!r} does not exist under {display_path(context_dir)}/"))
    if problems:
        raise FleetformError(problems)
    return dict(sorted(files.items()))


def _ignored(relative: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    return any(pattern.search(relative) for pattern in patterns)


def _read(path: Path) -> tuple[bytes, bool]:
    return path.read_bytes(), bool(path.stat().st_mode & 0o111)
