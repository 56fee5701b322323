"""Issue 16's layout property: a change to one app touches at most 3 stacks per cloud region it runs in
(its own stack, and its region's base or routes stack where the change reaches them), never another app's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from fleetform.constructs import platform_plan
from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES, copy_examples
from tests.synth.test_example_platform import example_out  # noqa: F401 (a fixture)

MAX_STACKS_PER_REGION = 3


def _captioner_block(text: str) -> str:
    """The captioner's tables: they end the speech project's file."""
    return text[text.index("[tool.fal.apps.captioner]"):]


CHANGES: dict[str, tuple[str, Callable[[str], str]]] = {
    "scaling": ("captioner", lambda text: text.replace("keep_alive = 30\n", "keep_alive = 90\n")),
    "machine": ("transcriber", lambda text: text.replace('machine_type = ["GPU-A100", "GPU-H100"]',
                                                         'machine_type = ["GPU-H100"]')),
    "regions": ("transcriber", lambda text: text.replace('regions = ["us-central", "eu-north"]',
                                                         'regions = ["us-central", "eu-north", "us-east"]')),
    "auth": ("transcriber", lambda text: text.replace('auth = "public"', 'auth = "private"', 1)),
    "added app": ("captioner-copy", lambda text: text + "\n" + _captioner_block(text).replace(
        "tool.fal.apps.captioner", "tool.fal.apps.captioner-copy")),
    "removed app": ("captioner", lambda text: text.replace(_captioner_block(text), "")),
}

REPOSITORY_CHANGES = {"added app", "removed app", "regions"}
"""Changes that add or remove an app's image repositories (AWS: one per region it runs in)."""


def stack_bytes(out: Path) -> dict[str, bytes]:
    return {path.parent.name: path.read_bytes() for path in (out / "stacks").glob("*/cdk.tf.json")}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_one_app_change_touches_at_most_three_stacks_per_region_it_runs_in(tmp_path, example_out, change):  # noqa: F811
    app, edit = CHANGES[change]
    platform = copy_examples(tmp_path / "examples")
    speech = platform.parent / "apps" / "speech" / "pyproject.toml"
    edited = edit(speech.read_text())
    assert edited != speech.read_text(), change
    speech.write_text(edited)
    synth_platform(platform, tmp_path / "changed")
    before, after = stack_bytes(example_out), stack_bytes(tmp_path / "changed")
    touched = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert touched, change

    stacks = {stack.name: stack for folder in (EXAMPLES / "platform", platform)
              for stack in platform_plan(folder).stacks}
    shared = [name for name in touched if stacks[name].role == "shared"]
    # The shared stacks hold each app's image repositories in the regions it runs in, and nothing else of it.
    assert not shared or change in REPOSITORY_CHANGES, (change, shared)
    touched = [name for name in touched if name not in shared]
    regions = Counter((stacks[name].cloud, stacks[name].cloud_region) for name in touched)
    assert max(regions.values()) <= MAX_STACKS_PER_REGION, touched
    # Only the app's own stacks and its regions' base or routes stacks: never another app's, never a shared one.
    app_regions = {(stack.cloud, stack.cloud_region) for stack in stacks.values() if stack.app == app}
    for name in touched:
        stack = stacks[name]
        assert stack.app == app or (stack.role in ("base", "routes")
                                    and (stack.cloud, stack.cloud_region) in app_regions), (change, name)

