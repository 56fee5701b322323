"""Regenerate the bundled demand traces (deterministic): ``python examples/traces/generate.py``.

Each trace is a CSV of ``time,in_flight`` rows (seconds, requests in flight); see
``fleetform.simulate.trace`` for the format. Peaks stay under 30 requests in flight, within the
example apps' ``max_concurrency × max_multiplexing``.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def steady() -> list[tuple[int, int]]:
    """Two hours around 12 requests in flight, changing by at most one each minute."""
    rng = random.Random(1)
    return [(t, 12 + rng.choice((-1, 0, 0, 1))) for t in range(0, 7200, 60)] + [(7200, 12)]


def diurnal() -> list[tuple[int, int]]:
    """A day: about 2 in flight at night and 28 at the afternoon peak, sampled every 5 minutes."""
    rng = random.Random(2)
    rows = []
    for t in range(0, 86_400, 300):
        level = 15 - 13 * math.cos(2 * math.pi * (t - 3 * 3600) / 86_400)
        rows.append((t, max(0, round(level + rng.uniform(-1.5, 1.5)))))
    return rows + [(86_400, rows[0][1])]


def bursty() -> list[tuple[int, int]]:
    """Two hours at 2 in flight with bursts to 16-26 lasting 1-4 minutes every 8-15 minutes."""
    rng = random.Random(3)
    rows, t = [], 0
    while t < 7200:
        quiet = rng.randrange(480, 900, 30)
        rows.append((t, 2))
        t += quiet
        if t >= 7200:
            break
        rows.append((t, rng.randrange(16, 27)))
        t += rng.randrange(60, 241, 30)
    return rows + [(7200, 2)]


def spike_then_idle() -> list[tuple[int, int]]:
    """Idle, a 15-minute spike to 24 in flight, then idle for 100 minutes: the group goes to zero."""
    return [(0, 0), (300, 24), (1200, 0), (7200, 0)]


def main() -> None:
    for name, rows in (("steady", steady()), ("diurnal", diurnal()), ("bursty", bursty()),
                       ("spike_then_idle", spike_then_idle())):
        text = "time,in_flight\n" + "".join(f"{t},{value}\n" for t, value in rows)
        (HERE / f"{name}.csv").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
