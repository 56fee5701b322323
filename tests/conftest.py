"""Shared fixtures: app projects written into a temporary folder, and the CLI run in-process."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from fleetform.cli import main
from fleetform.tf._framework import FRAMEWORK

# Property tests are derandomized by default, so a CI run cannot go red or green by chance; the opt-in
# `fuzz` profile (FLEETFORM_HYPOTHESIS=fuzz) searches much longer with fresh random seeds.
settings.register_profile("ci", derandomize=True, max_examples=200, print_blob=True)
settings.register_profile("fuzz", derandomize=False, max_examples=5000, print_blob=True)
settings.load_profile(os.environ.get("FLEETFORM_HYPOTHESIS", "ci"))

REPO = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of cdktf API that fleetform's Python engine refuses run on cdktf and cdktn only (scripts/test runs
    tests/tf again on each); on the Python engine they are skipped, and say so."""
    if FRAMEWORK != "python":
        return
    skip = pytest.mark.skip(reason="cdktf API: runs in scripts/test's FLEETFORM_FRAMEWORK=cdktf and cdktn passes")
    for item in items:
        if item.get_closest_marker("cdktf_api"):
            item.add_marker(skip)
EXAMPLES = REPO / "examples"


def copy_examples(target: Path) -> Path:
    """A copy of examples/ (platform + apps), so a synth can write next to it; returns the platform folder."""
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("cdktf.out", "__pycache__"))
    return target / "platform"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def _own_check_cache(tmp_path_factory, monkeypatch) -> None:
    """Each test its own check cache (``fleetform check`` caches by default): no result leaks between tests
    or from the user's ``~/.cache``."""
    monkeypatch.setenv("FLEETFORM_CACHE_DIR", str(tmp_path_factory.mktemp("check-cache")))


@pytest.fixture
def run_cli(capsys, monkeypatch) -> Callable[..., CliResult]:
    """Run ``fleetform ARGS`` in-process; returns exit code, stdout and stderr."""
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str | Path, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def make_project(tmp_path, monkeypatch) -> Callable[..., Path]:
    """Write an app project: ``make_project(pyproject_text, {"app.py": "..."})`` -> its folder (the cwd)."""
    monkeypatch.chdir(tmp_path)

    def make(pyproject: str, files: dict[str, str] | None = None) -> Path:
        (tmp_path / "pyproject.toml").write_text(textwrap.dedent(pyproject), encoding="utf-8")
        for name, text in (files or {}).items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return make
