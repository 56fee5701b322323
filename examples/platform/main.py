#!/usr/bin/env python
"""The platform's cdktf app: every app of ../apps on the clouds and regions of pyproject.toml.

`cdktf synth` (with this folder's cdktf.json) and `fleetform synth` write the same stacks.
"""

from pathlib import Path

from fleetform.synth import synth_platform

synth_platform(Path(__file__).resolve().parent)
