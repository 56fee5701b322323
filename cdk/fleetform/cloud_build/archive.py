"""A build context as a deterministic gzipped tarball, named by its SHA-256.

Entries are sorted, owned by root, dated 0 and carry only the executable bit, and gzip records no
name or time, so the same context gives the same bytes on every machine. The object key in the
context bucket is ``contexts/<sha256>.tar.gz``: an upload that already exists is skipped, and an
object never changes once written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from collections.abc import Mapping
from pathlib import Path

from fleetform.plan.names import BUILD_CONTEXT_PREFIX

FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755


def write_context_archive(files: Mapping[str, tuple[bytes, bool]], target: Path) -> str:
    """Write ``path -> (content, executable)`` to ``target`` as a tar.gz; returns the archive's SHA-256."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(files):
            content, executable = files[name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.uid, info.gid = len(content), 0, 0, 0
            info.mode = EXECUTABLE_MODE if executable else FILE_MODE
            archive.addfile(info, io.BytesIO(content))
    compressed = gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)
    target.write_bytes(compressed)
    return hashlib.sha256(compressed).hexdigest()


def context_object_key(archive: Path) -> str:
    """``contexts/<sha256 of the tarball>.tar.gz``."""
    return f"{BUILD_CONTEXT_PREFIX}{hashlib.sha256(archive.read_bytes()).hexdigest()}.tar.gz"


def folder_files(folder: Path) -> dict[str, tuple[bytes, bool]]:
    """Every file below ``folder`` as ``relative path -> (content, executable)``."""
    return {path.relative_to(folder).as_posix(): (path.read_bytes(), bool(path.stat().st_mode & 0o111))
            for path in sorted(folder.rglob("*")) if path.is_file()}
