"""The lint gates: ruff, mypy and import-linter pass with zero findings.

Each tool runs as its own process from this venv, from the repository root, with the configuration
in pyproject.toml ([tool.ruff], [tool.mypy], [tool.importlinter]); a failure shows the tool's output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINTED_PATHS = ("cdk", "tests", "benchmarks", "scripts")


def _run(*command: str | Path) -> None:
    done = subprocess.run([str(part) for part in command], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, command))} exited {done.returncode}\n{done.stdout}{done.stderr}"


def test_ruff_finds_nothing() -> None:
    _run(sys.executable, "-m", "ruff", "check", "--no-fix", *LINTED_PATHS)


@pytest.mark.slow  # a cold cache takes minutes on a busy machine; a warm one seconds
def test_mypy_finds_nothing() -> None:
    _run(sys.executable, "-m", "mypy")


def test_import_layers_are_kept() -> None:
    _run(Path(sys.executable).parent / "lint-imports")
