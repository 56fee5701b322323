"""Replaying a trace second by second under one scaling policy, on the shared fleet model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from fleetform.scaling.boot import BootModel
from fleetform.scaling.settings import ScaleSettings
from fleetform.scaling.target import target_runners
from fleetform.simulate.fleet import Fleet
from fleetform.simulate.trace import Trace


class Scaler(Protocol):
    """A scaling policy: looks at the demand and the fleet every second and resizes the fleet."""

    name: str

    def tick(self, now: float, in_flight: float, fleet: Fleet) -> None: ...


@dataclass(frozen=True)
class PolicyRun:
    """What one policy did over a trace."""

    policy: str
    runner_seconds: float
    """Seconds each runner existed (booting included: the VM is billed from launch), summed; a host's runners
    exist as long as it does, so host-seconds are this over the runners per host."""
    waiting_request_seconds: float
    """In-flight requests beyond the up runners' capacity, summed over seconds."""
    unmet_seconds: float
    """Seconds with at least one request waiting for capacity."""
    scale_ups: int
    peak_runners: int
    final_runners: int
    """Runners left when the trace ends (0 after an idle tail: the group scaled to zero)."""

    @property
    def runner_hours(self) -> float:
        return self.runner_seconds / 3600


def replay(trace: Trace, scaler: Scaler, settings: ScaleSettings, boot: BootModel,
           runners_per_host: int = 1) -> PolicyRun:
    """Run ``scaler`` over ``trace`` on hosts of ``runners_per_host`` runners; the group starts with fal's target
    for the first demand, already up (on whole hosts)."""
    start, end = math.ceil(trace.start), math.floor(trace.end)
    fleet = Fleet(boot, settings.max_multiplexing, runners_per_host)
    fleet.start_warm(target_runners(trace.value_at(start), settings), start)
    runner_seconds = waiting = unmet = 0.0
    peak = fleet.live
    for now in range(start, end):
        in_flight = trace.value_at(now)
        left_waiting = fleet.serve(now, in_flight)
        runner_seconds += fleet.live
        waiting += left_waiting
        unmet += left_waiting > 0
        scaler.tick(now, in_flight, fleet)
        peak = max(peak, fleet.live)
    return PolicyRun(scaler.name, runner_seconds, waiting, unmet, fleet.scale_ups, peak, fleet.live)
