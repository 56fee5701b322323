"""fal's target runner count for an in-flight request count (fal-semantics.md §2, formalised).

    demand = ceil(in_flight / max_multiplexing)
    buffer = max(concurrency_buffer, ceil(concurrency_buffer_perc / 100 × demand))
    target = clamp(demand + buffer, min_concurrency, max_concurrency)

fal documents the buffer as "the maximum of concurrency_buffer and concurrency_buffer_perc / 100
* request volume"; the volume is taken in runners (demand), as the issue states, so a percentage
buffer never starts a runner at zero traffic ("no buffer during zero traffic").
"""

from __future__ import annotations

import math
from fractions import Fraction

from fleetform.scaling.settings import ScaleSettings


def demand_runners(in_flight: float, max_multiplexing: int) -> int:
    """Runners the in-flight requests need at ``max_multiplexing`` each (0 for no requests)."""
    if in_flight <= 0:
        return 0
    if float(in_flight).is_integer():
        return -(-int(in_flight) // max_multiplexing)
    return math.ceil(Fraction(in_flight) / max_multiplexing)


def buffer_runners(demand: int, settings: ScaleSettings) -> int:
    """Warm runners fal keeps above ``demand``: the fixed buffer, or the percentage one when larger."""
    percent = -(-settings.concurrency_buffer_perc * demand // 100)
    return max(settings.concurrency_buffer, percent)


def unclamped_target(in_flight: float, settings: ScaleSettings) -> int:
    """Demand plus buffer, before ``min_concurrency``/``max_concurrency`` apply."""
    demand = demand_runners(in_flight, settings.max_multiplexing)
    return demand + buffer_runners(demand, settings)


def target_runners(in_flight: float, settings: ScaleSettings) -> int:
    """The number of runners fal aims for with ``in_flight`` requests in flight (queued included)."""
    return min(settings.max_runners, max(settings.min_runners, unclamped_target(in_flight, settings)))
