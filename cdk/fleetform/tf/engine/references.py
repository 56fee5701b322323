"""References on fleetform's engine: Terraform expressions, typed as the attribute they point at.

A reference to a string or bool attribute is the expression itself (``"${aws_lb.x.arn}"``). One to a
number, list or map attribute is a ``float``, ``list`` or ``dict`` carrying the expression, as cdktf's
number, list and map tokens are, so it passes wherever a value of the attribute's type goes
(``min_size=lt.latest_version``); the stack's JSON writes the expression in its place.
"""

from __future__ import annotations

import math


class NumberReference(float):
    """A reference to a number attribute (its float value is NaN; only Terraform knows the number)."""

    expression: str

    def __new__(cls, expression: str) -> NumberReference:
        value = super().__new__(cls, math.nan)
        value.expression = expression
        return value

    def __repr__(self) -> str:
        return f"<number reference {self.expression}>"


class ListReference(list[str]):
    """A reference to a list or set attribute (one element: the expression)."""

    def __init__(self, expression: str) -> None:
        super().__init__([expression])
        self.expression = expression

    def __repr__(self) -> str:
        return f"<list reference {self.expression}>"


class MapReference(dict[str, str]):
    """A reference to a map attribute (one key: the expression)."""

    def __init__(self, expression: str) -> None:
        super().__init__({expression: expression})
        self.expression = expression

    def __repr__(self) -> str:
        return f"<map reference {self.expression}>"


TYPED_REFERENCES = (NumberReference, ListReference, MapReference)
