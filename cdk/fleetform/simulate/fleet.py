"""The runners of one simulated group: launched, in service, up, busy or idle, and what they cost.

A runner launched at ``t`` is in service (AWS ``InService``, counted by group metrics) at
``t + provisioning`` and takes requests at ``t + boot``. Requests are packed onto up runners,
``max_multiplexing`` each, the most recently busy first; what does not fit waits. Every policy is
replayed on this same model, so the differences in the results are the policies' own.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from fleetform.scaling.boot import BootModel


@dataclass
class Runner:
    launched_at: float
    in_service_at: float
    up_at: float
    last_busy_at: float | None = None
    """When it last served a request; None: never served."""

    def is_up(self, now: float) -> bool:
        return now >= self.up_at

    def idle_since(self) -> float:
        return self.last_busy_at if self.last_busy_at is not None else self.up_at


class Fleet:
    """The group's runners and the counters a simulation reports."""

    def __init__(self, boot: BootModel, max_multiplexing: int) -> None:
        self.boot = boot
        self.max_multiplexing = max_multiplexing
        self.runners: list[Runner] = []
        self.scale_ups = 0

    def start_warm(self, count: int, now: float) -> None:
        """Runners already up when the trace starts."""
        self.runners += [Runner(now - self.boot.seconds, now - self.boot.seconds + self.boot.provisioning_seconds, now)
                         for _ in range(count)]

    @property
    def live(self) -> int:
        return len(self.runners)

    def up(self, now: float) -> int:
        return sum(now >= runner.up_at for runner in self.runners)

    def in_service(self, now: float) -> int:
        return sum(now >= runner.in_service_at for runner in self.runners)

    def last_launch(self) -> float | None:
        return max((runner.launched_at for runner in self.runners), default=None)

    def serve(self, now: float, in_flight: float) -> float:
        """Pack ``in_flight`` onto the up runners; returns the requests left waiting."""
        up = [runner for runner in self.runners if now >= runner.up_at]
        busy = min(len(up), math.ceil(in_flight / self.max_multiplexing)) if in_flight > 0 else 0
        chosen = up if busy == len(up) else heapq.nlargest(busy, up, key=Runner.idle_since)
        for runner in chosen:
            runner.last_busy_at = now
        return max(0.0, in_flight - len(up) * self.max_multiplexing)

    def launch(self, count: int, now: float) -> None:
        if count <= 0:
            return
        self.scale_ups += 1
        self.runners += [Runner(now, now + self.boot.provisioning_seconds, now + self.boot.seconds)
                         for _ in range(count)]

    def remove(self, runners: list[Runner]) -> None:
        for runner in runners:
            self.runners.remove(runner)

    def resize(self, desired: int, now: float, protected_for: float = 0.0) -> None:
        """Launch or remove runners to reach ``desired``: booting ones go first, then the longest idle.

        A runner that served within the last ``protected_for`` seconds is not removed (AWS scale-in
        protection while busy, issue 14.3): the group stays above ``desired`` until it is idle.
        """
        if desired > self.live:
            self.launch(desired - self.live, now)
        elif desired < self.live:
            removable = [runner for runner in self.runners if not self._protected(runner, now, protected_for)]
            order = sorted(removable,
                           key=lambda r: (r.is_up(now), r.idle_since() if r.is_up(now) else -r.launched_at))
            self.remove(order[: self.live - desired])

    @staticmethod
    def _protected(runner: Runner, now: float, protected_for: float) -> bool:
        return runner.last_busy_at is not None and now - runner.last_busy_at < protected_for
