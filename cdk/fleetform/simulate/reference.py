"""fal's own scaling, as documented (fal-semantics.md §2): the reference the cloud policies are measured against.

Every second fal compares its target with the live runners (booting ones included). Unmet demand
that has waited ``scaling_delay`` starts the missing runners at once; a runner above the target
that has been idle for ``keep_alive`` (10 s for a new runner that never served, in apps without
min or buffer) is drained. fal sees every request, queued ones included, the moment it arrives.
"""

from __future__ import annotations

from fleetform.scaling.settings import ScaleSettings
from fleetform.scaling.target import target_runners
from fleetform.scaling.timing import idle_limit_seconds, scale_up_due
from fleetform.simulate.fleet import Fleet


class FalReference:
    """fal's scaler for one app."""

    name = "fal"

    def __init__(self, settings: ScaleSettings) -> None:
        self.settings = settings
        self.unmet_since: float | None = None

    def tick(self, now: float, in_flight: float, fleet: Fleet) -> None:
        target = target_runners(in_flight, self.settings)
        if target > fleet.live:
            self.unmet_since = now if self.unmet_since is None else self.unmet_since
            if scale_up_due(self.unmet_since, now, self.settings):
                fleet.launch(target - fleet.live, now)
                self.unmet_since = None
            return
        self.unmet_since = None
        surplus = fleet.live - target
        if surplus > 0:
            expired = [runner for runner in fleet.runners if runner.is_up(now) and now - runner.idle_since() >=
                       idle_limit_seconds(self.settings, ever_served=runner.last_busy_at is not None)]
            fleet.remove(sorted(expired, key=lambda runner: runner.idle_since())[:surplus])
