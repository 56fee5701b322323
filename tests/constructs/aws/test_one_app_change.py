"""Changing one app's setting changes that app's stack only: its resources there, and every other stack (the
region's base, the other apps', the shared one) stays byte-identical."""

from __future__ import annotations

import json

import pytest

from fleetform.synth import synth_platform
from tests.constructs.aws.synthesized import Stack, read_stacks, small_platform

APPS = """\
[tool.fal.apps.alpha]
machine_type = "M"
auth = "public"
keep_alive = 60
max_concurrency = 4
termination_grace_period_seconds = 5
[tool.fal.apps.alpha.image]
image = "python:3.12-slim"

[tool.fal.apps.beta]
machine_type = "M"
auth = "public"
[tool.fal.apps.beta.image]
image = "python:3.12-slim"
"""


def everything(stack: Stack) -> dict[str, str]:
    """Each resource, data source and output of a stack as JSON, keyed by kind, type and construct path."""
    found = {f"output:{name}": json.dumps(body, sort_keys=True)
             for name, body in stack.config.get("output", {}).items()}
    for type_name in stack.config.get("resource", {}):
        found |= {f"resource:{type_name}:{path}": json.dumps(body, sort_keys=True)
                  for path, body in stack.resources(type_name).items()}
    for type_name in stack.config.get("data", {}):
        found |= {f"data:{type_name}:{path}": json.dumps(body, sort_keys=True)
                  for path, body in stack.data_sources(type_name).items()}
    return found


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> dict[str, Stack]:
    root = tmp_path_factory.mktemp("before")
    return stacks_of(small_platform(root, APPS), root / "cdktf.out")


def stacks_of(platform, out) -> dict[str, Stack]:
    synth_platform(platform, out)
    return read_stacks(out)


@pytest.mark.parametrize("old, new, changed", [
    pytest.param("termination_grace_period_seconds = 5", "termination_grace_period_seconds = 25",
                 {"InstanceGroup/DrainHook", "InstanceGroup/LaunchTemplate"}, id="grace"),  # drains on request_timeout
    pytest.param("max_concurrency = 4", "max_concurrency = 6", {"InstanceGroup/AutoScalingGroup"},
                 id="max-concurrency"),
    pytest.param('image = "python:3.12-slim"\n\n', 'image = "python:3.13-slim"\n\n', {"InstanceGroup/LaunchTemplate"},
                 id="image"),
])
def test_one_apps_change_touches_only_that_apps_resources(before, tmp_path, old, new, changed):
    assert APPS.count(old) == 1
    out = tmp_path / "cdktf.out"
    after = stacks_of(small_platform(tmp_path, APPS.replace(old, new)), out)
    assert sorted(after) == sorted(before) == ["aws-shared", "aws-us-east", "aws-us-east--alpha", "aws-us-east--beta"]
    differences = set()
    changed_stacks = set()
    for name, stack in after.items():
        old_items, new_items = everything(before[name]), everything(stack)
        different = {key for key in old_items.keys() | new_items.keys() if old_items.get(key) != new_items.get(key)}
        differences |= different
        if stack.config != before[name].config:
            changed_stacks.add(name)
    assert changed_stacks == {"aws-us-east--alpha"}
    paths = {key.rsplit(":", 1)[1] for key in differences if not key.startswith("output:")}
    assert all(path.startswith("region/alpha/") for path in paths), sorted(paths)
    assert {path.removeprefix("region/alpha/") for path in paths} >= changed
    assert not any(key.startswith("output:") for key in differences)
