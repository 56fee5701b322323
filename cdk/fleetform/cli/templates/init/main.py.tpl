#!/usr/bin/env python
"""The platform's cdktf app: every app project that pyproject.toml's `apps` globs name, on its clouds and regions.

`cdktf synth` (`fleetform cdktf synth`, with this folder's cdktf.json) and `fleetform synth` write the same stacks.
"""

from pathlib import Path

from fleetform.synth import synth_platform

synth_platform(Path(__file__).resolve().parent)
