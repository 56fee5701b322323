"""A generated 100-app platform (``benchmarks/platforms.py``) in the per-app layout: no region stack grows
with the number of apps, every app has its own stack per region, and the manifest orders them."""

from __future__ import annotations

import json
import shutil
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
    assert max(sizes.values()) <= MAX_STACK_RESOURCES and max(sizes.values()) < 60
    # The shared stacks hold nothing per app: each built app's ECR repositories are a stack of their own.
    assert sizes["aws-shared"] < 20 and sizes["gcp-shared"] < 30
    repository_stacks = [name for name in sizes if name.startswith("aws-shared--")]
    assert len(repository_stacks) == APPS and {sizes[name] for name in repository_stacks} == {6}  # 3 regions
    app_stacks = [name for name in sizes if "--" in name and name not in repository_stacks]
    assert len(app_stacks) == groups > APPS * 4  # one per app and cloud region (3 fal regions on 2 clouds)
    manifest = json.loads((out / "manifest.json").read_text())["stacks"]
    assert manifest[f"aws-us-east--{app_name(7)}"]["dependencies"] == [
        "aws-shared", f"aws-shared--{app_name(7)}", "aws-us-east"]


def test_one_app_change_writes_only_that_apps_stacks(generated):
    root, out, _ = generated
    before = {path.parent.name: path.read_bytes() for path in (out / "stacks").glob("*/cdk.tf.json")}
    change_app(root, 3)
    changed = synth_platform(root / "platform", out)
    assert sorted(changed.written) == sorted(name for name in before if name.endswith(f"--{app_name(3)}")
                                             and not name.startswith("aws-shared--"))
    assert Counter(name.split("--")[0] for name in changed.written).most_common(1)[0][1] <= 3


def test_adding_an_app_writes_its_own_stacks_and_no_shared_one(generated, tmp_path):
    """A new app's stacks (its repositories' and one per cloud region) appear; the shared stacks, which hold
    nothing per app, keep their bytes, and no region has more than 3 stacks written."""
    root, _, _ = generated
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    write_platform(copy, APPS + 1)
    added = synth_platform(copy / "platform", copy / "out")
    new = app_name(APPS)
    assert {name for name in added.stacks if name.endswith(f"--{new}")} <= set(added.written)
    assert f"aws-shared--{new}" in added.written
    assert not {"aws-shared", "gcp-shared"} & set(added.written)
    assert Counter(name.split("--")[0] for name in added.written).most_common(1)[0][1] <= 3
