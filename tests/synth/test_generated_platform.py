"""A generated 100-app platform (``benchmarks/platforms.py``) in the per-app layout: no region stack grows
with the number of apps, every app has its own stack per region, and the manifest orders them."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from fleetform.synth import synth_platform
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from platforms import app_name, change_app, write_platform

pytestmark = pytest.mark.slow
APPS = 100
MAX_STACK_RESOURCES = 500


def resources(out: Path) -> dict[str, int]:
    return {path.parent.name: sum(len(blocks) for blocks in json.loads(path.read_text()).get("resource", {}).values())
            for path in (out / "stacks").glob("*/cdk.tf.json")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path, int]:
    root = tmp_path_factory.mktemp("generated")
    platform = synth_platform(write_platform(root, APPS), root / "out")
    return root, root / "out", len(platform.plan.groups())


def test_no_region_stack_grows_with_the_apps(generated):
    _, out, groups = generated
    sizes = resources(out)
    regional = {name: size for name, size in sizes.items() if not name.endswith("-shared")}
    assert max(regional.values()) <= MAX_STACK_RESOURCES and max(regional.values()) < 60
    app_stacks = [name for name in sizes if "--" in name]
    assert len(app_stacks) == groups > APPS * 4  # one per app and cloud region (3 fal regions on 2 clouds)
    manifest = json.loads((out / "manifest.json").read_text())["stacks"]
    assert manifest[f"aws-us-east--{app_name(7)}"]["dependencies"] == ["aws-shared", "aws-us-east"]


def test_one_app_change_writes_only_that_apps_stacks(generated):
    root, out, _ = generated
    before = {path.parent.name: path.read_bytes() for path in (out / "stacks").glob("*/cdk.tf.json")}
    change_app(root, 3)
    changed = synth_platform(root / "platform", out)
    assert sorted(changed.written) == sorted(name for name in before if name.endswith(f"--{app_name(3)}"))
    assert Counter(name.split("--")[0] for name in changed.written).most_common(1)[0][1] <= 3
