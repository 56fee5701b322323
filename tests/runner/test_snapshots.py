"""Rendered boot scripts compared with checked-in copies, so every change to them is reviewed.

Update deliberately: ``FLEETFORM_UPDATE_SNAPSHOTS=1 pytest tests/runner/test_snapshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fleetform.runner import boot_script
from tests.runner.groups import PLATFORM, variants

SNAPSHOTS = Path(__file__).parent / "snapshots"
CASES = [
    "aws-gpu-requirements-everything",
    "aws-cpu-image-private-registry",
    "gcp-gpu-requirements-everything",
    "gcp-cpu-image-private-registry",
    "aws-packed-mixed-hosts",
]


@pytest.mark.parametrize("name", CASES)
def test_boot_script_snapshot(name: str) -> None:
    rendered = boot_script(variants()[name], PLATFORM)
    snapshot = SNAPSHOTS / f"{name}.sh"
    if os.environ.get("FLEETFORM_UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot {snapshot.name}; create it with FLEETFORM_UPDATE_SNAPSHOTS=1"
    assert rendered == snapshot.read_text(encoding="utf-8"), (
        f"{snapshot.name} differs from the rendered script; review and update with FLEETFORM_UPDATE_SNAPSHOTS=1"
    )
