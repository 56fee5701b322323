"""fleetform's Python engine writes the same ``cdktf.out`` as cdktf, byte for byte (issue 16.3).

Each engine synthesizes in its own process (``FLEETFORM_FRAMEWORK`` is read once, at import), as a user
runs ``fleetform synth``: the example platform and a generated 100-app platform (``benchmarks/platforms.py``).
Every file must be identical: each stack's ``cdk.tf.json`` (logical ids, ``//`` metadata, key order,
number format), ``manifest.json`` (dependencies, annotations) and the plan. Only the incremental-synth
keys differ, on purpose: they name the engine, so switching engines renders every stack again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fleetform.synth_cache import KEYS_FILE
from tests.conftest import EXAMPLES, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from platforms import write_platform


def synth(config: Path, out: Path, framework: str) -> dict[str, bytes]:
    """Every file ``fleetform synth`` writes on ``framework``, by path below ``out``."""
    environment = {**os.environ, "FLEETFORM_FRAMEWORK": framework, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "fleetform", "synth", "--config", str(config), "--out", str(out)],
                            env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and path.name != KEYS_FILE}


def assert_identical(config: Path, tmp_path: Path) -> dict[str, bytes]:
    on_cdktf = synth(config, tmp_path / "cdktf", "cdktf")
    on_python = synth(config, tmp_path / "python", "python")
    assert sorted(on_python) == sorted(on_cdktf)
    different = [name for name in on_cdktf if on_python[name] != on_cdktf[name]]
    assert different == []
    return on_cdktf


def test_the_example_platform_synthesizes_byte_identically_on_both_engines(tmp_path: Path) -> None:
    files = assert_identical(EXAMPLES / "platform", tmp_path)
    stacks = [name for name in files if name.endswith("cdk.tf.json")]
    assert len(stacks) == 34 and "manifest.json" in files
    assert b'"@cdktf/warn"' in files["manifest.json"]  # annotations are compared too


@pytest.mark.slow
def test_a_generated_100_app_platform_synthesizes_byte_identically_on_both_engines(tmp_path: Path) -> None:
    files = assert_identical(write_platform(tmp_path / "generated", 100), tmp_path)
    assert len([name for name in files if name.endswith("cdk.tf.json")]) > 4 * 100  # an app stack per app and region


def test_edge_cases_synthesize_byte_identically_on_both_engines(tmp_path: Path) -> None:
    outputs = {}
    for framework in ("cdktf", "python"):
        out = tmp_path / framework
        environment = {**os.environ, "FLEETFORM_FRAMEWORK": framework}
        result = subprocess.run([sys.executable, "-m", "tests.synth.engine_sample", str(out)], cwd=tmp_path,
                                env={**environment, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs[framework] = {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*"))
                              if path.is_file()}
    assert sorted(outputs["python"]) == sorted(outputs["cdktf"])
    assert [name for name in outputs["cdktf"] if outputs["python"][name] != outputs["cdktf"][name]] == []
    assert len(outputs["cdktf"]) == 6  # 5 stacks and the manifest
