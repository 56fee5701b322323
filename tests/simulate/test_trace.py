"""Reading trace CSVs: the format, and bad input reported with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.errors import FleetformError
from fleetform.simulate import load_trace

TRACES = Path(__file__).resolve().parents[2] / "examples" / "traces"


def test_header_comments_and_step_values(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("time,in_flight\n# warm-up\n0,2\n\n60,5.5\n120,0\n", encoding="utf-8")
    trace = load_trace(path)
    assert (trace.name, trace.times, trace.in_flight) == ("t", (0.0, 60.0, 120.0), (2.0, 5.5, 0.0))
    assert [trace.value_at(t) for t in (0, 59, 60, 119, 120, 500)] == [2, 2, 5.5, 5.5, 0, 0]
    assert (trace.duration_seconds, trace.peak) == (120, 5.5)


@pytest.mark.parametrize("name", ["steady", "diurnal", "bursty", "spike_then_idle"])
def test_bundled_traces_load(name: str) -> None:
    trace = load_trace(TRACES / f"{name}.csv")
    assert trace.start == 0 and trace.peak < 30


@pytest.mark.parametrize(("text", "where", "message", "fix"), [
    ("0,1\n10\n", "t.csv:2", "expected 2 columns (time, in_flight), got 1: '10'",
     "write one `time,in_flight` pair per line"),
    ("0,1\nten,2\n", "t.csv:2", "time 'ten' is not a number", "write time as a number"),
    ("0,1\n10,many\n", "t.csv:2", "in_flight 'many' is not a number", "write in_flight as a number"),
    ("0,1\n10,-3\n", "t.csv:2", "in_flight -3 is negative", "in-flight request counts are 0 or more"),
    ("0,1\n10,inf\n", "t.csv:2", "in_flight 'inf' is not a finite number", "write in_flight as a finite number"),
    ("time,in_flight\n0,1\n10,2\n10,3\n", "t.csv:4", "time 10 is not after the previous row's 10",
     "rows must be in strictly increasing time order"),
    ("time,in_flight\n0,1\n", "t.csv", "the trace has 1 data row(s); at least 2 are needed (a start and an end)",
     "add `time,in_flight` rows, e.g. `0,4` and `3600,0`"),
])
def test_bad_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str, message: str,
                   fix: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text(text, encoding="utf-8")
    with pytest.raises(FleetformError) as raised:
        load_trace(Path("t.csv"))
    problem = raised.value.problems[0]
    assert (problem.code, problem.where, problem.message, problem.fix) == ("simulate/bad-trace", where, message, fix)


def test_missing_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FleetformError) as raised:
        load_trace(Path("nope.csv"))
    assert raised.value.problems[0].render() == (
        "error[simulate/trace-unreadable] nope.csv\n"
        "  cannot read the trace: No such file or directory\n"
        "  fix: pass --trace with a CSV file of `time,in_flight` rows")
