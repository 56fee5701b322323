"""CloudWatch metric math, as much of it as fleetform's AWS policies use: build, render, evaluate.

Policies are written as :class:`Query` lists (what ``aws_autoscaling_policy`` metrics blocks and
``aws_cloudwatch_metric_alarm`` metric queries hold). :func:`render` gives CloudWatch's syntax and
:func:`evaluate` computes the series the way CloudWatch documents it ("Using metric math", CloudWatch
User Guide): a missing value next to a present one counts as 0 in arithmetic and comparisons;
dividing by zero drops the data point; ``IF`` drops points where its condition is missing and, per
the syntax table, gives 0 when the condition holds and a time series argument has no point there;
``FILL`` fills gaps with a number or the last value (``REPEAT``). Tests and ``fleetform simulate``
evaluate the very queries the constructs synthesize.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Series = list[float | None]
Value = float | Series


@dataclass(frozen=True)
class Ref:
    """Another query's result, by id."""

    id: str


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Op:
    """``left <symbol> right``: arithmetic (+ - * /), comparison (> >= == < <=) or ``AND``."""

    symbol: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    """``CEIL(x)``, ``FILL(x, 0 | REPEAT)``, ``IF(condition, when_true, when_false)``."""

    function: str
    args: tuple[Expr | str, ...]


Expr = Ref | Num | Op | Call


@dataclass(frozen=True)
class MetricStat:
    """One CloudWatch metric read at a period with a statistic."""

    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    period_seconds: int


@dataclass(frozen=True)
class Query:
    """A metric query: a metric (``stat``) or an expression over earlier queries' ids."""

    id: str
    label: str
    stat: MetricStat | None = None
    expression: Expr | None = None
    return_data: bool = False


def ceil(x: Expr) -> Call:
    return Call("CEIL", (x,))


def fill(x: Expr, filler: float | str) -> Call:
    return Call("FILL", (x, filler if isinstance(filler, str) else Num(filler)))


def if_(condition: Expr, when_true: Expr, when_false: Expr) -> Call:
    return Call("IF", (condition, when_true, when_false))


_PRECEDENCE = {"AND": 1, ">": 2, ">=": 2, "==": 2, "<": 2, "<=": 2, "+": 3, "-": 3, "*": 4, "/": 4}


def render(expr: Expr | str, parent: int = 0) -> str:
    """CloudWatch syntax for ``expr``, with only the parentheses precedence needs."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, Ref):
        return expr.id
    if isinstance(expr, Num):
        return f"{expr.value:g}" if expr.value != int(expr.value) else str(int(expr.value))
    if isinstance(expr, Call):
        return f"{expr.function}({', '.join(render(arg) for arg in expr.args)})"
    level = _PRECEDENCE[expr.symbol]
    # Left-associative: the right operand needs parentheses at equal precedence ("a - (b - c)").
    text = f"{render(expr.left, level)} {expr.symbol} {render(expr.right, level + 1)}"
    return f"({text})" if level < parent else text


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    ">": lambda a, b: float(a > b), ">=": lambda a, b: float(a >= b), "==": lambda a, b: float(a == b),
    "<": lambda a, b: float(a < b), "<=": lambda a, b: float(a <= b),
    "AND": lambda a, b: float(bool(a) and bool(b)),
}


def evaluate(queries: Sequence[Query], metrics: Mapping[str, Series]) -> dict[str, Value]:
    """Every query's result, given each metric query's series (aligned timestamps, None = no data)."""
    results: dict[str, Value] = {}
    for query in queries:
        if query.stat is not None:
            results[query.id] = list(metrics[query.id])
        else:
            assert query.expression is not None, f"query {query.id} has neither a metric nor an expression"
            results[query.id] = _value(query.expression, results)
    return results


def _value(expr: Expr | str, results: Mapping[str, Value]) -> Value:
    if isinstance(expr, Ref):
        return results[expr.id]
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Op):
        return _binary(_ARITHMETIC[expr.symbol], _value(expr.left, results), _value(expr.right, results))
    if isinstance(expr, Call):
        return _call(expr, results)
    raise TypeError(f"not an expression: {expr!r}")


def _binary(function: Callable[[float, float], float], left: Value, right: Value) -> Value:
    if not isinstance(left, list) and not isinstance(right, list):
        return function(left, right)
    length = len(left) if isinstance(left, list) else len(right)  # type: ignore[arg-type]
    both_series = isinstance(left, list) and isinstance(right, list)
    out: Series = []
    for index in range(length):
        a = left[index] if isinstance(left, list) else left
        b = right[index] if isinstance(right, list) else right
        if (a is None and b is None) or (not both_series and (a is None or b is None)):
            out.append(None)
            continue
        a, b = (0.0 if a is None else a), (0.0 if b is None else b)
        out.append(None if function is operator.truediv and b == 0 else function(a, b))
    return out


def _call(call: Call, results: Mapping[str, Value]) -> Value:
    if call.function == "CEIL":
        value = _value(call.args[0], results)
        return [None if v is None else float(math.ceil(v)) for v in value] if isinstance(value, list) \
            else float(math.ceil(value))
    if call.function == "FILL":
        return _fill(_series(_value(call.args[0], results)), call.args[1], results)
    if call.function == "IF":
        return _if(*(_value(arg, results) for arg in call.args))
    raise ValueError(f"unsupported function {call.function}")


def _fill(series: Series, filler: Expr | str, results: Mapping[str, Value]) -> Series:
    if filler == "REPEAT":
        out: Series = []
        last: float | None = None
        for value in series:
            last = value if value is not None else last
            out.append(last)
        return out
    number = _value(filler, results)
    assert not isinstance(number, list), "FILL with a series filler is not used by fleetform"
    return [number if value is None else value for value in series]


def _if(condition: Value, when_true: Value, when_false: Value) -> Series:
    conditions = _series(condition)
    out: Series = []
    for index, flag in enumerate(conditions):
        if flag is None:
            out.append(None)
            continue
        chosen = when_true if flag else when_false
        value = chosen[index] if isinstance(chosen, list) else chosen
        out.append(0.0 if value is None and flag else value)
    return out


def _series(value: Value) -> Series:
    assert isinstance(value, list), "a time series was expected"
    return value
