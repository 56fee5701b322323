"""Incremental synth: only the stacks whose inputs changed are rendered and written, and the output is
byte-identical to a full synth (issue 16)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fleetform.synth import synth_platform
from fleetform.synth_cache import KEYS_FILE
from tests.conftest import copy_examples

pytestmark = pytest.mark.slow


def output_files(out: Path) -> dict[str, bytes]:
    """Every file a synth writes (stacks, manifest, plan), by path: what must equal a full synth's."""
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and path.name != KEYS_FILE}


def mtimes(out: Path) -> dict[str, int]:
    return {path.parent.name: path.stat().st_mtime_ns for path in (out / "stacks").glob("*/cdk.tf.json")}


@pytest.fixture
def platform(tmp_path) -> Path:
    return copy_examples(tmp_path / "examples")


def _edit(platform: Path, old: str, new: str) -> None:
    speech = platform.parent / "apps" / "speech" / "pyproject.toml"
    text = speech.read_text()
    assert old in text
    speech.write_text(text.replace(old, new))


def test_a_second_synth_renders_nothing_and_touches_no_file(platform, tmp_path):
    out = tmp_path / "out"
    first = synth_platform(platform, out)
    assert len(first.rendered) == len(first.written) == 34
    before, times = output_files(out), mtimes(out)
    again = synth_platform(platform, out)
    assert (again.rendered, again.written) == ((), ())
    assert output_files(out) == before and mtimes(out) == times


def test_one_app_change_renders_its_stacks_only_and_equals_a_full_synth(platform, tmp_path):
    out, full = tmp_path / "out", tmp_path / "full"
    synth_platform(platform, out)
    times = mtimes(out)
    _edit(platform, "keep_alive = 30\n", "keep_alive = 90\n")  # the captioner
    changed = synth_platform(platform, out)
    assert changed.written and all(name.endswith("--captioner") for name in changed.written), changed.written
    # Rendered: its region stacks and, since they read every group of the region, its regions' base stacks;
    # not its repositories' stack (nothing it holds changed).
    own = {name for name in changed.stacks if name.endswith("--captioner") and name != "aws-shared--captioner"}
    assert own <= set(changed.rendered) <= own | {name.split("--")[0] for name in own}
    assert {name for name, mtime in mtimes(out).items() if mtime != times[name]} == set(changed.written)
    synth_platform(platform, full, incremental=False)
    assert output_files(out) == output_files(full)


@pytest.mark.parametrize(("old", "new"), [
    ('regions = ["us-central", "eu-north"]', 'regions = ["us-central", "eu-north", "us-east"]'),  # new stacks
    ('regions = ["us-central", "eu-north"]', 'regions = ["us-central"]'),  # removed stacks
    ('machine_type = ["GPU-A100", "GPU-H100"]', 'machine_type = ["GPU-H100"]'),  # manifest warnings change
])
def test_incremental_equals_full_after_stacks_come_and_go(platform, tmp_path, old, new):
    out, full = tmp_path / "out", tmp_path / "full"
    synth_platform(platform, out)
    (out / "stacks" / "gcp-eu-north--transcriber" / "terraform.tfstate").write_text("{}")  # a local state
    _edit(platform, old, new)
    synth_platform(platform, out)
    synth_platform(platform, full, incremental=False)
    produced = {name: data for name, data in output_files(out).items() if not name.endswith("terraform.tfstate")}
    assert produced == output_files(full)
    # A stack that went away loses its configuration, never its state file.
    assert (out / "stacks" / "gcp-eu-north--transcriber" / "terraform.tfstate").is_file()


def test_a_hand_edited_stack_file_is_rendered_again(platform, tmp_path):
    out = tmp_path / "out"
    synth_platform(platform, out)
    stack = out / "stacks" / "aws-us-east--upscaler" / "cdk.tf.json"
    original = stack.read_bytes()
    stack.write_text(json.dumps({"edited": True}))
    again = synth_platform(platform, out)
    assert again.rendered == ("aws-us-east--upscaler",) and stack.read_bytes() == original


def test_cdktf_outdir_is_where_main_py_writes(platform, tmp_path, monkeypatch):
    """Under ``cdktf synth`` main.py passes no folder: the stacks go to CDKTF_OUTDIR, incrementally too."""
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "cli-out"))
    synth_platform(platform)
    assert (tmp_path / "cli-out" / "stacks" / "aws-us-east" / "cdk.tf.json").is_file()
    assert synth_platform(platform).written == ()
    assert os.environ["CDKTF_OUTDIR"] == str(tmp_path / "cli-out")
