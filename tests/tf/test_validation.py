"""The schema check on its own, against small hand-written block schemas (no framework involved)."""

from __future__ import annotations

from typing import Any

import pytest

from fleetform.tf.schema import parse_block
from fleetform.tf.validation import check_arguments

SCHEMA = parse_block(
    {
        "attributes": {
            "name": {"type": "string", "required": True},
            "old_name": {"type": "string", "optional": True, "deprecated": True},
        },
        "block_types": {
            "pair": {"nesting_mode": "list", "min_items": 2, "max_items": 3, "block": {"attributes": {"v": {"type": "number", "optional": True}}}},
            "by_label": {"nesting_mode": "map", "block": {"attributes": {"v": {"type": "number", "required": True}}}},
            "group": {"nesting_mode": "group", "block": {"attributes": {"v": {"type": "bool", "optional": True}}}},
        },
    }
)
PAIR = [{"v": 1}, {"v": 2}]


def _messages(arguments: dict[str, Any]) -> list[tuple[str, str]]:
    report = check_arguments(SCHEMA, arguments, subject="test_thing")
    return [(finding.code, finding.message) for finding in report.findings]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"name": "a", "pair": PAIR}, []),
        ({"name": "a", "pair": [{"v": 1}]}, [("tf/too-few-blocks", "test_thing: 'pair' needs at least 2 blocks, 1 given")]),
        ({"name": "a", "pair": PAIR * 2}, [("tf/too-many-blocks", "test_thing: 'pair' allows at most 3 blocks, 4 given")]),
        ({"name": "a", "pair": "x"}, [("tf/wrong-type", "test_thing: block 'pair' must be a list of dicts (one per block), got str 'x'")]),
        ({"name": "a", "pair": [{"v": 1}, 5]}, [("tf/wrong-type", "test_thing: each 'pair' block must be a dict of its arguments, got int 5")]),
        ({"name": "a", "pair": PAIR, "by_label": {"x": {"v": 1}, "y": {}}}, [("tf/missing-required", "test_thing: required argument 'by_label[\"y\"].v' is missing")]),
        ({"name": "a", "pair": PAIR, "by_label": [{"v": 1}]}, [("tf/wrong-type", "test_thing: 'by_label' must be a dict of blocks by label, got list [{'v': 1}]")]),
        ({"name": "a", "pair": PAIR, "group": {"v": "no"}}, [("tf/wrong-type", "test_thing: 'group.v' must be a bool, got str 'no'")]),
        ({"name": None, "pair": PAIR}, [("tf/missing-required", "test_thing: required argument 'name' is missing")]),
        ({"name": "a", "pair": "${var.pairs}"}, []),
    ],
)
def test_block_rules(arguments: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert _messages(arguments) == expected


def test_deprecated_arguments_are_reported_not_rejected() -> None:
    report = check_arguments(SCHEMA, {"name": "a", "old_name": "b", "pair": PAIR}, subject="test_thing")
    assert (report.findings, report.deprecated) == ([], ["old_name"])
