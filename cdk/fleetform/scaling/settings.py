"""fal's scaling fields for one app, as the scaling rules read them.

The plan keeps the fields as the app declared them (:class:`fleetform.plan.model.ScalingPlan`);
:func:`app_scale_settings` turns them into the settings both the reference rules and the cloud
policies are derived from, so the two can never read the fields differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.plan.model import ScalingPlan


@dataclass(frozen=True)
class ScaleSettings:
    """fal's scaling fields (fal-semantics.md §1, "Scaling and timeouts"), with units in the names."""

    min_runners: int
    """``min_concurrency``: runners always alive."""
    max_runners: int
    """``max_concurrency``: never more runners than this."""
    max_multiplexing: int
    """Concurrent requests one runner serves."""
    concurrency_buffer: int
    """Runners kept warm above demand; also the buffer's floor when ``concurrency_buffer_perc`` is set."""
    concurrency_buffer_perc: int
    """Buffer as a percentage of demand (in runners)."""
    scaling_delay_seconds: int
    """How long unmet demand waits before fal starts runners for it."""
    keep_alive_seconds: int
    """How long an idle runner above the target stays before it is drained."""
    startup_seconds: int
    """Upper bound of a runner's start-up (fal's max(start_period_seconds, startup_timeout))."""

    @property
    def floor_runners(self) -> int:
        """Runners fal keeps at zero traffic: the larger of ``min_concurrency`` and ``concurrency_buffer``."""
        return min(self.max_runners, max(self.min_runners, self.concurrency_buffer))

    @property
    def can_reach_zero(self) -> bool:
        """True when no traffic means no runner, so the group needs a way back from zero capacity."""
        return self.floor_runners == 0

    @property
    def drops_unused_new_runners(self) -> bool:
        """fal's exception: without min or buffer, a new runner that never serves goes after 10 s, not keep_alive."""
        return self.min_runners == 0 and self.concurrency_buffer == 0


def app_scale_settings(scaling: ScalingPlan) -> ScaleSettings:
    """The scale settings of one group's plan."""
    return ScaleSettings(
        min_runners=scaling.min_runners,
        max_runners=scaling.max_runners,
        max_multiplexing=scaling.max_multiplexing,
        concurrency_buffer=scaling.concurrency_buffer,
        concurrency_buffer_perc=scaling.concurrency_buffer_perc,
        scaling_delay_seconds=scaling.scaling_delay_seconds,
        keep_alive_seconds=scaling.keep_alive_seconds,
        startup_seconds=scaling.startup_seconds,
    )
