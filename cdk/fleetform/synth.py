"""Synthesizing a platform repo: what ``fleetform synth`` and the repo's ``cdktf synth`` (main.py) both run."""

from __future__ import annotations

from pathlib import Path

from fleetform.constructs.platform import FleetPlatform
from fleetform.tf import App

DEFAULT_OUT_DIR = Path("cdktf.out")


def synth_platform(settings: Path, out_dir: Path = DEFAULT_OUT_DIR) -> FleetPlatform:
    """Write ``out_dir/stacks/<stack>/cdk.tf.json`` for every stack of the platform ``settings`` describes."""
    app = App(outdir=str(out_dir))
    platform = FleetPlatform(app, settings=settings)
    app.synth()
    return platform
