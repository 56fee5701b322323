"""fal's timing rules around the target: when a scale-up starts and when an idle runner goes.

From fal-semantics.md §2: scale-up waits until a request has gone unassigned for ``scaling_delay``
seconds; a runner above the target that has been idle for ``keep_alive`` seconds is drained, except
that an app without ``min_concurrency`` and ``concurrency_buffer`` drops a new runner that never
served a request after 10 seconds. A runner counts as capacity only once it is up (boot, then
``setup()``; see :mod:`fleetform.scaling.boot`).
"""

from __future__ import annotations

from fleetform.scaling.settings import ScaleSettings

UNUSED_NEW_RUNNER_IDLE_SECONDS = 10
"""fal: "a newly started runner that never picks up a request is shut down after 10 seconds"."""


def scale_up_due(unmet_since: float | None, now: float, settings: ScaleSettings) -> bool:
    """Whether demand unmet since ``unmet_since`` (None: demand is met) has waited ``scaling_delay``."""
    return unmet_since is not None and now - unmet_since >= settings.scaling_delay_seconds


def idle_limit_seconds(settings: ScaleSettings, *, ever_served: bool) -> int:
    """How long a runner above the target may stay idle before it is drained."""
    if not ever_served and settings.drops_unused_new_runners:
        return min(UNUSED_NEW_RUNNER_IDLE_SECONDS, settings.keep_alive_seconds)
    return settings.keep_alive_seconds
