"""CloudWatch metric math as fleetform writes and evaluates it: syntax, and the documented semantics."""

from __future__ import annotations

import pytest

from fleetform.scaling.metric_math import MetricStat, Num, Op, Query, Ref, ceil, evaluate, fill, if_, render

STAT = MetricStat("Ns", "M", (), "Sum", 10)


@pytest.mark.parametrize(("expr", "text"), [
    (Op("+", Ref("demand"), Num(2)), "demand + 2"),
    (ceil(Op("/", Ref("inflight"), Num(4))), "CEIL(inflight / 4)"),
    (Op("*", Op("+", Ref("a"), Ref("b")), Num(2)), "(a + b) * 2"),
    (Op("-", Ref("a"), Op("-", Ref("b"), Ref("c"))), "a - (b - c)"),
    (Op("/", Op("*", Ref("demand"), Num(25)), Num(100)), "demand * 25 / 100"),
    (if_(Op(">", Ref("p"), Num(2)), Ref("p"), Num(2)), "IF(p > 2, p, 2)"),
    (if_(Op("==", Ref("d"), Num(0)), Op("+", fill(Ref("r"), 0), Num(1)), Num(0)), "IF(d == 0, FILL(r, 0) + 1, 0)"),
    (fill(Ref("inservice"), "REPEAT"), "FILL(inservice, REPEAT)"),
    (Num(3.2), "3.2"),
    (Num(-1), "-1"),
])
def test_render(expr, text: str) -> None:
    assert render(expr) == text


def _run(expression, **series: list[float | None]) -> list[float | None]:
    queries = [Query(name, name, stat=STAT) for name in series] + [Query("out", "out", expression=expression)]
    result = evaluate(queries, series)["out"]
    assert isinstance(result, list)
    return result


@pytest.mark.parametrize(("expression", "series", "expected"), [
    # "Missing values in a time series are treated as 0" next to a present value; both missing stays missing.
    (Op("+", Ref("a"), Ref("b")), {"a": [1, None, None], "b": [2, 3, None]}, [3, 3, None]),
    # A series with a number: a missing point stays missing.
    (Op("+", Ref("a"), Num(1)), {"a": [1, None]}, [2, None]),
    # "If ... a function attempts to divide by zero, the data point is dropped."
    (Op("/", Ref("a"), Ref("b")), {"a": [4, 4], "b": [2, 0]}, [2, None]),
    (ceil(Op("/", Ref("a"), Num(4))), {"a": [0, 1, 4, 5, None]}, [0, 1, 1, 2, None]),
    (fill(Ref("a"), "REPEAT"), {"a": [None, 2, None, None, 5, None]}, [None, 2, 2, 2, 5, 5]),
    (fill(Ref("a"), 0), {"a": [None, 2]}, [0, 2]),
    # IF(metric1, metric2, scalar3) from the CloudWatch table: [1,1,0,0,-], [30,-,0,0,30], 5 -> [30,0,5,5,-]
    (if_(Ref("c"), Ref("t"), Num(5)), {"c": [1, 1, 0, 0, None], "t": [30, None, 0, 0, 30]}, [30, 0, 5, 5, None]),
    (if_(Op(">", Ref("a"), Num(2)), Ref("a"), Num(2)), {"a": [1, 3, None]}, [2, 3, None]),
    (Op(">", Ref("a"), Ref("b")), {"a": [2, 1, None], "b": [1, 1, 1]}, [1, 0, 0]),
])
def test_evaluate(expression, series: dict, expected: list) -> None:
    assert _run(expression, **series) == expected


def test_later_queries_read_earlier_ones() -> None:
    queries = [Query("inflight", "i", stat=STAT),
               Query("demand", "d", expression=ceil(Op("/", Ref("inflight"), Num(4)))),
               Query("target", "t", expression=Op("+", Ref("demand"), Num(2)), return_data=True)]
    assert evaluate(queries, {"inflight": [0, 9]})["target"] == [2, 5]
