"""``fleetform cdktf``: which cdktf-cli it pins, where it installs it, and how a failed install reads.

The last test installs the CLI for real (npm, into a cache of the test's own) and runs
``fleetform cdktf synth`` in a repo ``fleetform init`` wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fleetform.cli import cdktf
from tests.conftest import REPO


def test_the_pinned_version_is_the_lockfiles_and_the_repos() -> None:
    lock = json.loads((cdktf.LOCK_DIR / "package-lock.json").read_text())
    assert cdktf.cdktf_cli_version() == lock["packages"]["node_modules/cdktf-cli"]["version"] == "0.21.0"
    for name in ("package.json", "package-lock.json"):  # tools/cdktf-cli (scripts/bootstrap) uses the same files
        assert (REPO / "tools" / "cdktf-cli" / name).resolve() == (cdktf.LOCK_DIR / name).resolve()


@pytest.mark.parametrize(("env", "expected"), [
    ({"FLEETFORM_CACHE_DIR": "/c/ff", "XDG_CACHE_HOME": "/c/xdg", "HOME": "/home/u"}, "/c/ff"),
    ({"XDG_CACHE_HOME": "/c/xdg", "HOME": "/home/u"}, "/c/xdg/fleetform"),
    ({"HOME": "/home/u"}, "/home/u/.cache/fleetform"),
])
def test_the_cache_folder(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for name in ("FLEETFORM_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cdktf.cache_dir() == Path(expected)


def test_a_failed_install_is_reported_with_npms_words_and_leaves_nothing(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FLEETFORM_CACHE_DIR", str(tmp_path / "cache"))
    # npm offline with an empty cache: the real npm fails at once, as it would without a registry.
    monkeypatch.setenv("npm_config_offline", "true")
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    result = run_cli("cdktf", "--version", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("installing cdktf-cli 0.21.0 into ")
    assert "error[cdktf/install-failed] " in result.err
    assert "downloading cdktf-cli and its dependencies failed (npm ci exit code 1)" in result.err
    assert "ENOTCACHED" in result.err
    assert "fix: npm needs the npm registry" in result.err
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == ["cdktf-cli-0.21.0.lock"]


def test_help_lists_init_and_cdktf(run_cli) -> None:
    result = run_cli("--help")
    assert result.code == 0
    assert "  cdktf " in result.out and "  init " in result.out


@pytest.mark.slow
def test_fleetform_cdktf_synth_in_a_new_repo_installs_the_cli_and_writes_what_fleetform_synth_writes(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "FLEETFORM_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TF_CLI_CONFIG_FILE", None)  # a machine setting naming a file that may not exist

    def fleetform(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "fleetform", *args], cwd=tmp_path / "repo", env=env,
                              capture_output=True, text=True, timeout=900)

    (tmp_path / "repo").mkdir()
    assert fleetform("init").returncode == 0
    first = fleetform("cdktf", "synth", "--output", str(tmp_path / "cdktf-out"))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stderr.startswith(f"installing cdktf-cli 0.21.0 into {tmp_path / 'cache' / 'cdktf-cli-0.21.0'} ")
    assert "installed cdktf-cli 0.21.0 in " in first.stderr

    assert fleetform("synth", "--out", str(tmp_path / "fleetform-out")).returncode == 0
    assert _stack_files(tmp_path / "cdktf-out") == _stack_files(tmp_path / "fleetform-out") != {}

    again = fleetform("cdktf", "--version")
    assert (again.returncode, again.stdout.strip()) == (0, "0.21.0")
    assert "installing" not in again.stderr  # the second run uses the installed CLI


def _stack_files(out: Path) -> dict[str, dict]:
    return {path.parent.name: json.loads(path.read_text()) for path in sorted(out.glob("stacks/*/cdk.tf.json"))}
