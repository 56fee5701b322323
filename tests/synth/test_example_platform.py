"""The example platform end to end: synth (twice, byte-identical), every stack through real Terraform,
the npm cdktf-cli path, and one app's change touching only that app's resources."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from fleetform.check import check_stacks
from fleetform.check.offline_apply import deploy_order
from fleetform.check.stacks import find_stack_files, load_stacks
from fleetform.constructs import platform_plan
from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES, REPO, copy_examples

FAL_REGIONS = ("us-west", "us-central", "us-east", "eu-north", "eu-west")


def stack_files(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted((out / "stacks").rglob("*.json"))}


@pytest.fixture(scope="module")
def example_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    synth_platform(EXAMPLES / "platform", out)
    return out


def test_every_cloud_and_fal_region_has_a_base_stack_and_each_app_its_own(example_out):
    stacks = sorted(path.name for path in (example_out / "stacks").iterdir())
    bases = [f"{cloud}-{region}" for cloud in ("aws", "gcp") for region in FAL_REGIONS]
    plan = platform_plan(EXAMPLES / "platform")
    apps = [region.app_stack_name(group.app) for region in plan.regions for group in region.groups]
    routes = [f"gcp-{region}-routes" for region in FAL_REGIONS]
    repositories = [f"aws-shared--{app}" for app in ("captioner", "image-generator", "transcriber", "upscaler")]
    assert stacks == sorted([*bases, "aws-shared", "gcp-shared", *repositories, *apps, *routes])
    assert len(apps) == 13 and "aws-us-east--captioner" in apps


def test_the_manifest_orders_shared_base_app_and_routes_stacks(example_out):
    """``cdktf deploy '*'`` waits for each stack's dependencies by name: shared, then base, apps, routes."""
    manifest = json.loads((example_out / "manifest.json").read_text())["stacks"]
    dependencies = {name: entry["dependencies"] for name, entry in manifest.items()}
    assert dependencies["aws-shared"] == [] and dependencies["aws-us-east"] == ["aws-shared"]
    assert dependencies["aws-us-east--captioner"] == ["aws-shared", "aws-shared--captioner", "aws-us-east"]
    assert dependencies["aws-shared--captioner"] == ["aws-shared"]
    assert dependencies["gcp-us-central-routes"] == ["gcp-us-central", "gcp-us-central--transcriber"]
    assert all(dependency in manifest for names in dependencies.values() for dependency in names)
    order = [stack.name for stack in deploy_order(load_stacks(find_stack_files(example_out)), dependencies)]
    assert order.index("gcp-shared") < order.index("gcp-us-central") < order.index("gcp-us-central--transcriber") \
        < order.index("gcp-us-central-routes")


def test_synth_is_byte_identical_across_runs(example_out, tmp_path):
    again = tmp_path / "cdktf.out"
    synth_platform(EXAMPLES / "platform", again)
    assert stack_files(again) == stack_files(example_out)
    assert (again / "manifest.json").read_bytes() == (example_out / "manifest.json").read_bytes()


def test_every_stack_validates_and_plans_with_real_terraform(example_out):
    report = check_stacks(example_out)
    assert report.ok, report.render()
    assert len(report.stacks) == len(list((example_out / "stacks").iterdir())) == 34


def _stack(out: Path, name: str) -> dict:
    return json.loads((out / "stacks" / name / "cdk.tf.json").read_text())


def _one(config: dict, kind: str, type_name: str) -> dict:
    (body,) = config[kind][type_name].values()
    return body


def test_internet_facing_load_balancers_answer_at_their_region_names_in_the_zones(example_out):
    """Issue 14.11: a record per region in the stack that owns the load balancer, the apps' URLs on that name
    (the name the certificates cover), and no cross-stack reference: the app stacks hold the URL as a literal."""
    base = _stack(example_out, "aws-us-central")
    balancer = next(iter(base["resource"]["aws_lb"]))
    zone = _one(base, "data", "aws_route53_zone")
    assert (zone["name"], zone["private_zone"]) == ("aws.gpu.acme.example", False)
    record = _one(base, "resource", "aws_route53_record")
    assert {key: value for key, value in record.items() if key != "//"} == {
        "zone_id": f"${{data.aws_route53_zone.{next(iter(base['data']['aws_route53_zone']))}.zone_id}}",
        "name": "us-east-2.aws.gpu.acme.example", "type": "A",
        "alias": {"name": f"${{aws_lb.{balancer}.dns_name}}", "zone_id": f"${{aws_lb.{balancer}.zone_id}}",
                  "evaluate_target_health": False}}
    assert base["output"]["public_load_balancer_host"]["value"] == "us-east-2.aws.gpu.acme.example"
    app = _stack(example_out, "aws-us-central--transcriber")
    assert app["output"]["transcriber_url"]["value"] == "https://us-east-2.aws.gpu.acme.example/transcriber"
    assert "aws_route53_record" not in app.get("resource", {})

    routes = _stack(example_out, "gcp-us-central-routes")
    managed = _one(routes, "data", "google_dns_managed_zone")
    assert managed["name"] == "acme-gpu-gcp"
    address = next(name for name, body in routes["resource"]["google_compute_address"].items()
                   if body["address_type"] == "EXTERNAL")
    record = _one(routes, "resource", "google_dns_record_set")
    assert {key: value for key, value in record.items() if key != "//"} == {
        "managed_zone": f"${{data.google_dns_managed_zone.{next(iter(routes['data']['google_dns_managed_zone']))}"
                        ".name}",
        "name": "us-central1.gcp.gpu.acme.example.", "type": "A", "ttl": 300,
        "rrdatas": [f"${{google_compute_address.{address}.address}}"]}
    assert routes["output"]["transcriber_url"]["value"] == "https://us-central1.gcp.gpu.acme.example/transcriber"
    app = _stack(example_out, "gcp-us-central--transcriber")
    assert app["output"]["transcriber_url"]["value"] == "https://us-central1.gcp.gpu.acme.example/transcriber"
    shared = _stack(example_out, "gcp-shared")
    assert "dns.googleapis.com" in {body["service"] for body in shared["resource"]["google_project_service"].values()}


def test_regions_serving_only_private_apps_get_no_record(example_out):
    """Internal load balancers get no record: their names belong in a private zone fleetform does not manage."""
    for stack in ("aws-eu-west", "gcp-eu-west-routes"):
        config = _stack(example_out, stack)
        assert not {"aws_route53_record", "google_dns_record_set"} & set(config.get("resource", {})), stack
        assert "public_load_balancer_host" not in config.get("output", {}), stack
    outputs = _stack(example_out, "aws-eu-west--image-generator")["output"]
    assert outputs["image-generator_url"]["value"].startswith("https://${data.aws_lb.")


def test_no_machine_specific_path_in_the_output(example_out):
    text = "".join(path.read_text() for path in sorted(example_out.rglob("*.json")))
    for fragment in (str(REPO), str(example_out.parent)):
        assert fragment not in text


def test_cdktf_cli_writes_the_same_stacks(tmp_path, example_out):
    """`cdktf synth` (npm cdktf-cli, the repo's cdktf.json and main.py) == `fleetform synth`."""
    platform = copy_examples(tmp_path / "examples")
    result = subprocess.run([str(REPO / "scripts" / "cdktf"), "synth"], cwd=platform, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert stack_files(platform / "cdktf.out") == stack_files(example_out)


def resources_by_app(out: Path) -> dict[str, dict[str, str]]:
    """Per app (construct path segment after `region`), its resources' JSON, keyed by stack and address."""
    found: dict[str, dict[str, str]] = {}
    for file in sorted((out / "stacks").glob("*/cdk.tf.json")):
        config = json.loads(file.read_text())
        for kind in ("resource", "data"):
            for type_name, blocks in config.get(kind, {}).items():
                for name, body in blocks.items():
                    parts = body["//"]["metadata"]["path"].split("/")  # stack/region/app/...
                    owner = parts[2] if len(parts) > 3 and parts[1] == "region" else "(region)"
                    key = f"{file.parent.name}:{type_name}.{name}"
                    found.setdefault(owner, {})[key] = json.dumps(body, sort_keys=True)
    return found


def changed_stacks(before: Path, after: Path) -> list[str]:
    """The stacks whose files differ between two synth outputs (same stack names in both)."""
    names = sorted(path.name for path in (before / "stacks").iterdir())
    assert names == sorted(path.name for path in (after / "stacks").iterdir())
    return [name for name in names
            if (before / "stacks" / name / "cdk.tf.json").read_bytes()
            != (after / "stacks" / name / "cdk.tf.json").read_bytes()]


def test_changing_one_app_changes_only_its_resources(tmp_path, example_out):
    platform = copy_examples(tmp_path / "examples")
    speech = platform.parent / "apps" / "speech" / "pyproject.toml"
    speech.write_text(speech.read_text().replace("keep_alive = 30\n", "keep_alive = 90\n")
                      .replace("termination_grace_period_seconds = 25", "termination_grace_period_seconds = 20"))
    changed = tmp_path / "changed"
    synth_platform(platform, changed)
    before, after = resources_by_app(example_out), resources_by_app(changed)
    assert before.keys() == after.keys()
    differing = sorted(owner for owner in before if before[owner] != after[owner])
    assert differing == ["captioner", "transcriber"]
    # Only those apps' own stacks change, at most 3 stacks per cloud region (the goal of issue 16).
    changed = changed_stacks(example_out, tmp_path / "changed")
    assert changed and all(name.endswith(("--captioner", "--transcriber")) for name in changed), changed


SNAPSHOT = Path(__file__).parent / "snapshots" / "example-platform.txt"


def synth_summary(out: Path) -> str:
    """One line per resource, data source and output: stack, address, construct path, hash of its JSON."""
    import hashlib

    lines = []
    for file in sorted((out / "stacks").glob("*/cdk.tf.json")):
        config = json.loads(file.read_text())
        for kind in ("resource", "data"):
            for type_name, blocks in sorted(config.get(kind, {}).items()):
                for name, body in sorted(blocks.items()):
                    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
                    prefix = "data." if kind == "data" else ""
                    path = body["//"]["metadata"]["path"].split("/", 1)[-1]
                    lines.append(f"{file.parent.name} {prefix}{type_name}.{name} {path} {digest}")
        for name, body in sorted(config.get("output", {}).items()):
            digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
            lines.append(f"{file.parent.name} output.{name} - {digest}")
    return "\n".join(lines) + "\n"


def test_snapshot_of_the_example_synth(example_out):
    """Layer 3: what changed in the example's output shows in this file's diff (FLEETFORM_UPDATE_SNAPSHOTS=1)."""
    summary = synth_summary(example_out)
    if os.environ.get("FLEETFORM_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(summary)
    assert SNAPSHOT.read_text() == summary, "the example's synth changed: review, then update the snapshot"
