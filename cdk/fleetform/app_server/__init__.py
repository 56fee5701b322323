"""The runtime entry every built requirements image runs: the ``fleetform_app_server`` package beside this file.

The package runs inside the app's image, on the image's Python and the fal SDK installed there, so it
may import only the standard library, fal and what fal itself depends on (``tests/app_server`` checks
this). fleetform imports only its ``settings`` module (standard library only) for the contract's
variable names, so the image build and the entry cannot disagree on them; otherwise it ships its
files: the image build copies :func:`runtime_files` to ``/opt/fleetform/app_server/fleetform_app_server/``,
puts ``/opt/fleetform/app_server`` on ``PYTHONPATH`` and runs ``python -m fleetform_app_server``.
What the running container promises is in ``docs/container-contract.md``.
"""

from __future__ import annotations

from pathlib import Path

from fleetform.app_server.fleetform_app_server import settings

PACKAGE = "fleetform_app_server"
"""The shipped package's import name (``python -m fleetform_app_server``)."""

__all__ = ["PACKAGE", "runtime_files", "settings"]

_PACKAGE_DIR = Path(__file__).resolve().parent / PACKAGE


def runtime_files() -> dict[str, bytes]:
    """The shipped package's source files, ``path inside the package -> content``, sorted by path."""
    return {
        path.relative_to(_PACKAGE_DIR).as_posix(): path.read_bytes()
        for path in sorted(_PACKAGE_DIR.rglob("*.py"))
        if "__pycache__" not in path.parts
    }
