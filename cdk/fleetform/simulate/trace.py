"""A demand trace: in-flight requests over time, read from a CSV file.

Format: one ``time,in_flight`` row per change (seconds from any origin, strictly increasing; a
number of requests in flight, queued ones included). The value holds until the next row; the last
row marks the end of the trace. An optional header row and ``#`` comment lines are allowed.
"""

from __future__ import annotations

import bisect
import csv
import math
from dataclasses import dataclass
from pathlib import Path

from fleetform.errors import FleetformError, display_path

HEADER_NAMES = ({"time", "in_flight"}, {"time_seconds", "in_flight"}, {"time", "in_flight_requests"})


@dataclass(frozen=True)
class Trace:
    """In-flight requests as a step function of time (seconds)."""

    name: str
    times: tuple[float, ...]
    in_flight: tuple[float, ...]

    @property
    def start(self) -> float:
        return self.times[0]

    @property
    def end(self) -> float:
        return self.times[-1]

    @property
    def duration_seconds(self) -> float:
        return self.end - self.start

    @property
    def peak(self) -> float:
        return max(self.in_flight[:-1] or self.in_flight)

    def value_at(self, time: float) -> float:
        """In-flight requests at ``time`` (the last row at or before it)."""
        return self.in_flight[max(0, bisect.bisect_right(self.times, time) - 1)]


def load_trace(path: Path) -> Trace:
    """Read a trace CSV; bad content raises ``FleetformError`` naming ``file:line``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FleetformError.single("simulate/trace-unreadable", display_path(path),
                                    f"cannot read the trace: {error.strerror or error}",
                                    fix="pass --trace with a CSV file of `time,in_flight` rows") from error
    times: list[float] = []
    values: list[float] = []
    for line_number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not times and {cell.lower() for cell in cells} in HEADER_NAMES:
            continue
        time, value = _row(path, line_number, cells)
        if times and time <= times[-1]:
            raise _bad(path, line_number, f"time {cells[0]} is not after the previous row's {times[-1]:g}",
                       "rows must be in strictly increasing time order")
        times.append(time)
        values.append(value)
    if len(times) < 2:
        raise FleetformError.single(
            "simulate/bad-trace", display_path(path),
            f"the trace has {len(times)} data row(s); at least 2 are needed (a start and an end)",
            fix="add `time,in_flight` rows, e.g. `0,4` and `3600,0`")
    return Trace(path.stem, tuple(times), tuple(values))


def _row(path: Path, line_number: int, cells: list[str]) -> tuple[float, float]:
    if len(cells) != 2:
        raise _bad(path, line_number, f"expected 2 columns (time, in_flight), got {len(cells)}: {','.join(cells)!r}",
                   "write one `time,in_flight` pair per line")
    time = _number(path, line_number, "time", cells[0])
    value = _number(path, line_number, "in_flight", cells[1])
    if value < 0:
        raise _bad(path, line_number, f"in_flight {cells[1]} is negative", "in-flight request counts are 0 or more")
    return time, value


def _number(path: Path, line_number: int, column: str, cell: str) -> float:
    try:
        number = float(cell)
    except ValueError:
        raise _bad(path, line_number, f"{column} {cell!r} is not a number", f"write {column} as a number") from None
    if not math.isfinite(number):
        raise _bad(path, line_number, f"{column} {cell!r} is not a finite number", f"write {column} as a finite number")
    return number


def _bad(path: Path, line_number: int, message: str, fix: str) -> FleetformError:
    return FleetformError.single("simulate/bad-trace", f"{display_path(path)}:{line_number}", message, fix=fix)
