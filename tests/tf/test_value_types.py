"""Which Python values pass for which Terraform type: exactly what Terraform itself converts."""

from __future__ import annotations

import math
from typing import Any

import pytest

from fleetform.tf.value_types import describe_type, find_mismatch

_OBJECT = ["object", {"port": "number", "name": "string"}]
_OBJECT_WITH_OPTIONAL = ["object", {"port": "number", "name": "string"}, ["name"]]

ACCEPTED: list[tuple[Any, Any]] = [
    ("string", "abc"),
    ("string", 3),  # Terraform turns numbers and bools into strings
    ("string", True),
    ("number", 3),
    ("number", 2.5),
    ("number", "3"),  # ... and numeric strings into numbers
    ("number", "-1.5e3"),
    ("bool", False),
    ("bool", "true"),
    ("bool", "0"),
    (["list", "string"], ["a", "b"]),
    (["list", "string"], ("a",)),
    (["set", "string"], {"b", "a"}),
    (["set", "number"], [1, "2"]),
    (["map", "string"], {"a": "b"}),
    (["map", ["list", "number"]], {"a": [1, 2]}),
    (_OBJECT, {"port": 80, "name": "http"}),
    (_OBJECT_WITH_OPTIONAL, {"port": 80}),
    (["tuple", ["string", "number"]], ["a", 1]),
    ("dynamic", {"anything": [1, "x"]}),
    ("number", "${var.size}"),  # an expression: only Terraform knows its type
    (["list", "string"], "${aws_subnet.a.*.id}"),
]

REJECTED: list[tuple[Any, Any, str, str]] = [
    ("string", ["a"], "", "a string"),
    ("string", {"a": "b"}, "", "a string"),
    ("number", "three", "", "a number"),
    ("number", "0x1F", "", "a number"),
    ("number", True, "", "a number"),
    ("number", math.inf, "", "a number"),
    ("bool", "yes", "", "a bool"),
    ("bool", 1, "", "a bool"),
    (["list", "string"], "a", "", "a list of string"),
    (["list", "string"], {"a"}, "", "a list of string"),  # a Python set has no order to keep
    (["list", "number"], [1, "x"], "[1]", "a number"),
    (["list", "string"], ["a", None], "[1]", "a string (null elements are not allowed)"),
    (["map", "string"], {"a": 1, "b": ["c"]}, '["b"]', "a string"),
    (["map", "string"], ["a"], "", "a map of string"),
    (_OBJECT, {"port": "x", "name": "n"}, ".port", "a number"),
    (["tuple", ["string", "number"]], ["a"], "", "a tuple of string, number"),
]


@pytest.mark.parametrize(("cty_type", "value"), ACCEPTED)
def test_accepts_what_terraform_converts(cty_type: Any, value: Any) -> None:
    assert find_mismatch(cty_type, value) is None


@pytest.mark.parametrize(("cty_type", "value", "path", "expected"), REJECTED)
def test_rejects_what_terraform_rejects(cty_type: Any, value: Any, path: str, expected: str) -> None:
    mismatch = find_mismatch(cty_type, value)
    assert mismatch is not None
    assert (mismatch.path, mismatch.expected) == (path, expected)


def test_object_value_problems_say_which_attribute() -> None:
    unknown = find_mismatch(_OBJECT, {"port": 1, "name": "a", "nmae": "b"})
    assert unknown is not None
    assert (unknown.path, unknown.unknown_key, unknown.choices) == (".nmae", "nmae", ("name", "port"))
    missing = find_mismatch(_OBJECT, {"port": 1})
    assert missing is not None and (missing.path, missing.missing) == (".name", True)


@pytest.mark.parametrize(
    ("cty_type", "words"),
    [
        ("string", "string"),
        (["set", ["list", "number"]], "set of list of number"),
        (_OBJECT, "object with attributes name, port"),
        ("dynamic", "any value"),
    ],
)
def test_types_in_words(cty_type: Any, words: str) -> None:
    assert describe_type(cty_type) == words
