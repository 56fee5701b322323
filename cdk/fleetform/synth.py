"""Synthesizing a platform repo: what ``fleetform synth`` and the repo's ``cdktf synth`` (main.py) both run.

A platform repo's ``main.py`` is ``synth_platform(Path(__file__).parent)``: under ``cdktf synth`` the
output folder comes from the CLI (``CDKTF_OUTDIR``), under ``fleetform synth`` from ``--out`` or the
repo's ``cdktf.json``, so both write the same files.
"""

from __future__ import annotations

import json
from pathlib import Path

from fleetform.constructs.platform import FleetPlatform
from fleetform.errors import FleetformError, display_path
from fleetform.plan.document import write_plan
from fleetform.tf import App

DEFAULT_OUT_DIR = "cdktf.out"


def synth_platform(settings: Path, out_dir: Path | None = None) -> FleetPlatform:
    """Write ``<out>/stacks/<stack>/cdk.tf.json`` for every stack of the platform ``settings`` describes.

    Next to the stacks goes ``<out>/fleetform.plan.json``, the plan they render, which ``fleetform review``
    compares between two synth outputs.
    """
    if out_dir is not None:
        _ensure_writable(out_dir)
    app = App(outdir=str(out_dir)) if out_dir is not None else App()
    platform = FleetPlatform(app, settings=settings)
    app.synth()
    write_plan(platform.plan, Path(app.outdir))
    return platform


def default_out_dir(settings: Path) -> Path:
    """``output`` of the ``cdktf.json`` next to the platform's pyproject, else ``cdktf.out`` there."""
    folder = settings if settings.is_dir() else settings.parent
    config = folder / "cdktf.json"
    if not config.is_file():
        return folder / DEFAULT_OUT_DIR
    try:
        output = json.loads(config.read_text(encoding="utf-8")).get("output", DEFAULT_OUT_DIR)
    except json.JSONDecodeError as error:
        raise FleetformError.single("synth/bad-cdktf-json", f"{display_path(config)}:{error.lineno}",
                                    f"cdktf.json is not valid JSON: {error.msg}") from None
    return folder / output


def _ensure_writable(out_dir: Path) -> None:
    """Fail as bad input, before any work, when the output folder cannot be created or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".fleetform-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise FleetformError.single("synth/out-not-writable", display_path(out_dir),
                                    f"cannot write the synth output there: {error.strerror or error}",
                                    fix="pass --out with a folder you can write to") from None
