"""The example platform end to end: synth (twice, byte-identical), every stack through real Terraform,
the npm cdktf-cli path, and one app's change touching only that app's resources."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from fleetform.check import check_stacks
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


def test_every_cloud_and_fal_region_has_a_stack(example_out):
    stacks = sorted(path.name for path in (example_out / "stacks").iterdir())
    expected = sorted([f"{cloud}-{region}" for cloud in ("aws", "gcp") for region in FAL_REGIONS]
                      + ["aws-shared", "gcp-shared"])
    assert stacks == expected


def test_synth_is_byte_identical_across_runs(example_out, tmp_path):
    again = tmp_path / "cdktf.out"
    synth_platform(EXAMPLES / "platform", again)
    assert stack_files(again) == stack_files(example_out)
    assert (again / "manifest.json").read_bytes() == (example_out / "manifest.json").read_bytes()


def test_every_stack_validates_and_plans_with_real_terraform(example_out):
    report = check_stacks(example_out)
    assert report.ok, report.render()
    assert len(report.stacks) == 12


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
