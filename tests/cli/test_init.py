"""``fleetform init``: the files it writes, what it refuses, and that the repo validates as written."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from fleetform import __version__
from tests.conftest import REPO

FILES = ["pyproject.toml", "cdktf.json", "main.py", ".gitignore", "README.md",
         "apps/hello/pyproject.toml", "apps/hello/app.py"]


def test_init_writes_a_platform_repo_into_a_new_folder(run_cli, tmp_path: Path) -> None:
    result = run_cli("init", "ACME GPU Platform", cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [f"ACME GPU Platform/{path}" for path in FILES]
    assert result.err == ("7 files written to ACME GPU Platform; next: fleetform validate, fleetform synth, "
                          "fleetform check there\n")
    pyproject = tomllib.loads((tmp_path / "ACME GPU Platform" / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == [f"fleetform=={__version__}"]
    settings = pyproject["tool"]["fleetform"]
    assert (settings["name"], settings["clouds"], settings["apps"]) == (
        "acme-gpu-platform", ["aws", "gcp"], ["apps/*/pyproject.toml"])
    assert settings["gcp"]["project"] == "acme-gpu-platform-platform"


def test_the_written_repo_validates(run_cli, tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "platform", "--name", "acme").code == 0
    result = run_cli("validate", tmp_path / "platform")
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "1 of 1 app(s) valid, 0 error(s)"
    assert result.out.startswith("hello  (")


def test_existing_files_are_named_and_nothing_is_written(run_cli, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mine'\n")
    (tmp_path / ".gitignore").write_text("secret.txt\n")
    result = run_cli("init", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err == "".join(
        f"error[init/file-exists] {name}\n"
        "  the file exists; fleetform init does not overwrite it\n"
        "  fix: pass --force to overwrite, or init into another folder\n"
        for name in ("pyproject.toml", ".gitignore")
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == [".gitignore", "pyproject.toml"]
    assert (tmp_path / "pyproject.toml").read_text() == "[project]\nname = 'mine'\n"


def test_force_overwrites(run_cli, tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('old')\n")
    result = run_cli("init", "--force", "--name", "acme", cwd=tmp_path)
    assert result.code == 0, result.err
    assert "synth_platform(Path(__file__).resolve().parent)" in (tmp_path / "main.py").read_text()


@pytest.mark.parametrize(("folder", "name"), [
    ("ACME GPU Platform", "acme-gpu-platform"),
    ("2024_ml-infra", "ml-infra"),
    ("an-extremely-long-platform-name", "an-extremely-long-pl"),
    ("42", "fleetform"),
])
def test_the_name_comes_from_the_folder(run_cli, tmp_path: Path, folder: str, name: str) -> None:
    assert run_cli("init", tmp_path / folder).code == 0
    assert tomllib.loads((tmp_path / folder / "pyproject.toml").read_text())["tool"]["fleetform"]["name"] == name


def test_bad_options_are_reported_together(run_cli, tmp_path: Path) -> None:
    result = run_cli("init", tmp_path, "--name", "Acme", "--gcp-project", "x")
    assert result.code == 2
    assert "error[init/bad-name] --name\n  'Acme' is not a valid platform name" in result.err
    assert "error[init/bad-gcp-project] --gcp-project\n  'x' is not a GCP project ID" in result.err
    assert not (tmp_path / "pyproject.toml").exists()


def test_one_cloud_leaves_the_others_table_commented_out(run_cli, tmp_path: Path) -> None:
    assert run_cli("init", tmp_path, "--cloud", "aws", "--name", "acme").code == 0
    text = (tmp_path / "pyproject.toml").read_text()
    settings = tomllib.loads(text)["tool"]["fleetform"]
    assert settings["clouds"] == ["aws"] and "gcp" not in settings
    assert '# Not in clouds: add "gcp" to clouds and uncomment this table.\n# [tool.fleetform.gcp]\n' in text


# A commented-out TOML line of the template: `# key = value` or `# [table]`, as opposed to prose.
_COMMENTED_TOML = re.compile(r"^# (\[[^\]]+\]|[A-Za-z0-9_-]+ = [^#]*)(\s+#.*)?$")


def _every_key_uncommented(text: str) -> dict:
    lines = [(match.group(1) if (match := _COMMENTED_TOML.match(line)) else line) for line in text.splitlines()]
    return tomllib.loads("\n".join(lines))["tool"]["fleetform"]


def _readme_keys() -> list[str]:
    """The key column of the README's `[tool.fleetform]` table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## For platform teams: `[tool.fleetform]`", 1)[1].split("\n## ", 1)[0]
    keys = []
    for row in re.findall(r"^\| (`[^|]+`) \|", table, flags=re.MULTILINE):
        keys += re.findall(r"`([^`]+)`", row)
    return keys


def test_every_readme_key_is_in_the_written_pyproject(run_cli, tmp_path: Path) -> None:
    assert run_cli("init", tmp_path, "--name", "acme").code == 0
    settings = _every_key_uncommented((tmp_path / "pyproject.toml").read_text())
    keys = _readme_keys()
    assert len(keys) >= 20 and "gcp.project" in keys
    missing = []
    for key in keys:
        node = settings
        for part in key.split("."):
            if part.startswith("<"):  # `regions.<cloud>.<fal region>`: any entry, there must be one
                part = next(iter(node), None) if isinstance(node, dict) else None
            if not isinstance(node, dict) or part not in node:
                missing.append(key)
                break
            node = node[part]
    assert missing == []
