"""A ``pyproject.toml`` sent with a build loses its ``[tool.fal]`` tables: fal's settings are not build inputs.

A Dockerfile app's context is usually its project folder, and a requirements app that installs its
own project (``requirements = [".[serve]"]``) sends that folder too, so the project's ``pyproject.toml``
goes into the build, and with it ``[tool.fal.apps.*]``. Those settings (``keep_alive``, ``request_timeout``,
health checks, ...) are the deploy's, not the build's: the ones that do shape the image (requirements,
``python_version``, ``app_files``, the Dockerfile and its args) reach the build through the generated
Dockerfile and the context, which the content key covers. Left in, a changed ``request_timeout`` would give
a new image tag and roll every runner. pip ignores ``[tool.*]`` tables of other tools (PEP 518), so the
file builds the same without them.

The tables are cut from the text, keeping every other line as written; the result is checked by parsing
both: when it is not exactly the original without ``tool.fal`` (an unusual layout such as an inline
``fal = {...}`` under ``[tool]``), the file is sent unchanged.
"""

from __future__ import annotations

import re
import tomllib

PYPROJECT = "pyproject.toml"
_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_ANY_HEADER = re.compile(rf"^\s*\[\[?\s*{_KEY}(?:\s*\.\s*{_KEY})*\s*\]\]?\s*(?:#.*)?$")
"""A table header line (``[a.b]``, ``[[a."b"]]``); an array's continuation line has commas or no closing form."""
_FAL_HEADER = re.compile(r"^\s*\[\[?\s*tool\s*\.\s*fal\s*[.\]]")


def without_fal_settings(content: bytes) -> bytes:
    """``content`` (a pyproject.toml) without its ``[tool.fal...]`` tables; unchanged when it has none."""
    try:
        original = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return content
    if "fal" not in original.get("tool", {}):
        return content
    kept, inside = [], False
    for line in content.decode("utf-8").splitlines(keepends=True):
        if _ANY_HEADER.match(line):
            inside = bool(_FAL_HEADER.match(line))
        if not inside:
            kept.append(line)
    stripped = "".join(kept)
    expected = dict(original, tool={k: v for k, v in original["tool"].items() if k != "fal"})
    try:
        parsed = tomllib.loads(stripped)
    except tomllib.TOMLDecodeError:
        return content
    if parsed != expected and dict(parsed, tool=parsed.get("tool", {})) != expected:
        return content
    return stripped.encode("utf-8")
