"""``fleetform migrate-state``: from one stack per cloud region to base, app and routes stacks (and the
apps' ECR repositories from ``aws-shared`` to their ``aws-shared--<app>`` stacks), with no replacement.
The old layout is applied into local state with real Terraform and the offline provider, the states are
migrated, and real Terraform plans the new layout against them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fleetform.check.offline_apply import apply_stacks, plan_stacks
from fleetform.constructs import platform_plan
from fleetform.constructs.backend import configure_backend
from fleetform.constructs.clouds import configure_provider, region_fleet_class, shared_resources_class
from fleetform.migrate_state import migrate_states
from fleetform.synth import synth_platform
from fleetform.tf import App, TerraformStack
from tests.conftest import EXAMPLES

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def synth_one_stack_per_region(platform: Path, out: Path) -> None:
    """The layout before issue 16: per cloud region one stack holding the region and all its apps, and per
    cloud one shared stack holding every app's image repositories."""
    plan = platform_plan(platform)
    app = App(outdir=str(out))
    stacks: dict[str, TerraformStack] = {}
    for shared in plan.shared:
        stack = stacks[shared.stack_name] = TerraformStack(app, shared.stack_name)
        configure_backend(stack, shared.stack_name, plan.state)
        configure_provider(stack, shared.cloud, shared.home_region, plan)
        shared_resources_class(shared.cloud)(stack, "shared", platform=plan, stack=shared.stacks[0], shared=shared)
    for region in plan.regions:
        stack = TerraformStack(app, region.stack_name)
        configure_backend(stack, region.stack_name, plan.state)
        configure_provider(stack, region.cloud, region.cloud_region, plan)
        region_fleet_class(region.cloud)(stack, "region", platform=plan, region=region)
        stack.add_dependency(stacks[f"{region.cloud}-shared"])
    app.synth()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("migrate")
    synth_one_stack_per_region(EXAMPLES / "platform", root / "old")
    states = root / "states"
    applied = apply_stacks(root / "old", states)
    assert all(result.ok for result in applied), [result.render() for result in applied if not result.ok]
    assert len(applied) == 12
    synth_platform(EXAMPLES / "platform", root / "new")
    before = {path.name: path.read_bytes() for path in states.glob("*.tfstate")}
    report = migrate_states(root / "new", states)
    return root, states, {"report": report, "before": before}


def _addresses(state: bytes) -> list[str]:
    return [f"{r['type']}.{r['name']}" for r in json.loads(state)["resources"] if r["mode"] == "managed"]


def test_each_app_moves_to_its_stack_and_the_routes_to_the_routes_stack(migrated):
    _, states, found = migrated
    report = found["report"]
    us_east = next(stack for stack in report.stacks if stack.stack == "aws-us-east")
    assert sorted(us_east.moves) == ["aws-us-east--captioner", "aws-us-east--image-generator", "aws-us-east--upscaler"]
    assert all("_captioner_" in address for address in us_east.moves["aws-us-east--captioner"])
    gcp = next(stack for stack in report.stacks if stack.stack == "gcp-us-central")
    assert "gcp-us-central-routes" in gcp.moves
    assert any(address.startswith("google_compute_region_url_map.") for address in gcp.moves["gcp-us-central-routes"])
    aws_shared = next(stack for stack in report.stacks if stack.stack == "aws-shared")
    assert sorted(aws_shared.moves) == [f"aws-shared--{app}" for app in
                                        ("captioner", "image-generator", "transcriber", "upscaler")]
    assert all(address.startswith(("aws_ecr_repository.", "aws_ecr_lifecycle_policy."))
               and "_acme-captioner" in address for address in aws_shared.moves["aws-shared--captioner"])
    assert len(aws_shared.moves["aws-shared--captioner"]) == 10  # a repository and its policy in 5 regions
    assert not any(stack.undeclared for stack in report.stacks)
    # Every managed resource is in exactly one state, and none was lost.
    old = sorted(address for state in found["before"].values() for address in _addresses(state))
    new = sorted(address for path in states.glob("*.tfstate") for address in _addresses(path.read_bytes()))
    assert new == old and len(old) > 300
    # The push order: every receiving stack before the stack it received from; a backup of every changed file.
    assert report.written.index("aws-us-east--captioner") < report.written.index("aws-us-east")
    assert (states / "aws-us-east.tfstate.backup").read_bytes() == found["before"]["aws-us-east.tfstate"]


def test_the_new_layout_plans_no_create_destroy_or_replace_against_the_migrated_states(migrated):
    root, states, _ = migrated
    results = plan_stacks(root / "new", states)
    assert len(results) == 34
    assert all(result.ok for result in results), [result.render() for result in results if not result.ok]
    changed = {result.name: result.changes.render() for result in results
               if result.changes is not None and not result.changes.none}
    assert changed == {}


def test_migrating_again_moves_nothing(migrated, tmp_path):
    root, states, _ = migrated
    copy = tmp_path / "states"
    shutil.copytree(states, copy)
    again = migrate_states(root / "new", copy)
    assert (again.moved, again.written) == (0, [])
