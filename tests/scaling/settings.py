"""Scale settings for the scaling tests: fal's defaults, overridden per case."""

from __future__ import annotations

from dataclasses import replace

from fleetform.scaling import ScaleSettings

FAL_DEFAULTS = ScaleSettings(min_runners=0, max_runners=10, max_multiplexing=1, concurrency_buffer=0,
                             concurrency_buffer_perc=0, scaling_delay_seconds=0, keep_alive_seconds=60,
                             startup_seconds=600)
ISSUE_EXAMPLE = replace(FAL_DEFAULTS, min_runners=1, max_runners=10, max_multiplexing=4, concurrency_buffer=2)
"""The issue's acceptance example: min 1, max 10, 4 requests per runner, 2 warm runners."""


def settings(**changes: int) -> ScaleSettings:
    return replace(FAL_DEFAULTS, **changes)
