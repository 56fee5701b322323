"""A platform repo from nothing: fleetform built as a wheel, installed into a fresh venv, `fleetform init`,
then `validate`, `synth` and `check` in the new folder, with no fleetform checkout in reach.

Slow (a wheel build and a venv install, both reusing pip's cache), but part of the normal suite: it
is the README's promise. `fleetform cdktf` in a new repo is tested in test_cdktf.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fleetform import __version__
from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.terraform]
TIMEOUT = 600


def _run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    process = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, timeout=TIMEOUT, **kwargs)
    assert process.returncode == 0, process.stdout + process.stderr
    return process


def _wheel(root: Path) -> Path:
    """fleetform's wheel, built from a copy of the sources so that the build leaves nothing in the checkout."""
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "cdk", source / "cdk", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", root / "wheels", source])
    (wheel,) = (root / "wheels").glob("fleetform-*.whl")
    return wheel


def test_init_then_validate_synth_and_check_from_a_wheel(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    assert wheel.name == f"fleetform-{__version__}-py3-none-any.whl"
    packaged = set(zipfile.ZipFile(wheel).namelist())
    assert {"fleetform/cli/cdktf-cli/package-lock.json", "fleetform/cli/templates/init/pyproject.toml.tpl"} <= packaged

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-compile",
          "-c", REPO / "constraints.txt", wheel])
    # Nothing of the checkout leaks in: no PYTHONPATH, the venv first on PATH, a cwd outside the repo.
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = _run([venv / "bin" / "python", "-c", "import fleetform; print(fleetform.__file__)"], cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv)

    fleetform = venv / "bin" / "fleetform"
    _run([fleetform, "init", "acme-platform"], cwd=tmp_path, env=env)
    repo = tmp_path / "acme-platform"
    validate = _run([fleetform, "validate"], cwd=repo, env=env)
    assert validate.stdout.splitlines()[-1] == "1 of 1 app(s) valid, 0 error(s)"

    _run([fleetform, "synth"], cwd=repo, env=env)
    stacks = sorted(path.parent.name for path in (repo / "cdktf.out" / "stacks").glob("*/cdk.tf.json"))
    assert any(name.startswith("aws-") for name in stacks) and any(name.startswith("gcp-") for name in stacks)

    check = _run([fleetform, "check"], cwd=repo, env=env)
    assert check.stdout.splitlines()[-1].startswith(f"{len(stacks)} stacks: {len(stacks)} ok, 0 failed in ")
