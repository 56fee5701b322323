"""The runners of one simulated group: launched, in service, up, busy or idle, and what they cost.

A runner launched at ``t`` is in service (AWS ``InService``, counted by group metrics) at
``t + provisioning`` and takes requests at ``t + boot``. Requests are packed onto up runners,
``max_multiplexing`` each, the most recently busy first; what does not fit waits. Every policy is
replayed on this same model, so the differences in the results are the policies' own.

A host carries ``runners_per_host`` runners (``plan.packing``; fal's reference: 1). Capacity is in
runners, but hosts come and go whole: a launch rounds up to whole hosts (an ASG with weights fills
the desired capacity "even if this results in an overage"), and scale-in removes a host only when
the runners left still cover the desired capacity and none of its runners is protected (the ASG
protects instances, not runners). Modelled, not confirmed: that a weighted ASG never scales in below
its desired capacity.
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
    host: int
    """The host it runs on: a host's runners launch, boot and go together."""
    last_busy_at: float | None = None
    """When it last served a request; None: never served."""

    def is_up(self, now: float) -> bool:
        return now >= self.up_at

    def idle_since(self) -> float:
        return self.last_busy_at if self.last_busy_at is not None else self.up_at


class Fleet:
    """The group's runners and the counters a simulation reports."""

    def __init__(self, boot: BootModel, max_multiplexing: int, runners_per_host: int = 1) -> None:
        self.boot = boot
        self.max_multiplexing = max_multiplexing
        self.runners_per_host = runners_per_host
        self.runners: list[Runner] = []
        self.scale_ups = 0
        self.hosts_launched = 0

    def start_warm(self, count: int, now: float) -> None:
        """Runners already up when the trace starts (on whole hosts)."""
        self._add_hosts(count, now - self.boot.seconds)

    def _add_hosts(self, runners: int, launched_at: float) -> None:
        """Hosts enough for ``runners`` runners, launched at ``launched_at``."""
        for _ in range(-(-runners // self.runners_per_host)):
            self.runners += [Runner(launched_at, launched_at + self.boot.provisioning_seconds,
                                    launched_at + self.boot.seconds, self.hosts_launched)
                             for _ in range(self.runners_per_host)]
            self.hosts_launched += 1

    @property
    def hosts(self) -> int:
        return len({runner.host for runner in self.runners})

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
        """Hosts for ``count`` more runners."""
        if count <= 0:
            return
        self.scale_ups += 1
        self._add_hosts(count, now)

    def remove(self, runners: list[Runner]) -> None:
        for runner in runners:
            self.runners.remove(runner)

    def resize(self, desired: int, now: float, protected_for: float = 0.0) -> None:
        """Launch or remove hosts to reach ``desired`` runners: booting ones go first, then the longest idle.

        A host one of whose runners served within the last ``protected_for`` seconds is not removed (AWS
        scale-in protection while busy, issue 14.3): the group stays above ``desired`` until it is idle.
        """
        if desired > self.live:
            self.launch(desired - self.live, now)
            return
        by_host: dict[int, list[Runner]] = {}
        for runner in self.runners:
            by_host.setdefault(runner.host, []).append(runner)
        removable = [host for host in by_host.values()
                     if not any(self._protected(runner, now, protected_for) for runner in host)]
        order = sorted(removable, key=lambda host: _removal_order(host, now))
        for host in order:
            if self.live - len(host) < desired:
                break
            self.remove(host)

    @staticmethod
    def _protected(runner: Runner, now: float, protected_for: float) -> bool:
        return runner.last_busy_at is not None and now - runner.last_busy_at < protected_for


def _removal_order(host: list[Runner], now: float) -> tuple[bool, float]:
    """Booting hosts first (the newest first), then up hosts by how long their busiest runner has been idle."""
    first = host[0]
    if not first.is_up(now):
        return False, -first.launched_at
    return True, max(runner.idle_since() for runner in host)
