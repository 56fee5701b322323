"""A pyproject.toml sent with a build loses its [tool.fal] tables, and only those (fleetform.images.fal_settings)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from fleetform.images.fal_settings import without_fal_settings
from tests.conftest import EXAMPLES
from tests.images.test_contexts import contexts

PROJECT = b'''# the project
[project]
name = "speech"
dependencies = [
  "fal",
  ["not", "a header"],
]

[tool.fal.apps.captioner]
ref = "app.py::Captioner"

[tool.ruff]
line-length = 100

[[tool.fal.apps.captioner.extra]]
x = 1

[tool.fal.apps.captioner.image.registries."https://index.docker.io/v1/"]
username = "bot"
'''


def test_only_the_fal_tables_go_and_every_other_line_stays_as_written() -> None:
    stripped = without_fal_settings(PROJECT).decode()
    assert "tool.fal" not in stripped and "# the project\n" in stripped and '  ["not", "a header"],\n' in stripped
    parsed = tomllib.loads(stripped)
    assert parsed == {"project": tomllib.loads(PROJECT.decode())["project"], "tool": {"ruff": {"line-length": 100}}}


def test_a_layout_it_cannot_cut_safely_is_sent_unchanged() -> None:
    inline = b'[project]\nname = "x"\n\n[tool]\nfal = { apps = { x = { ref = "a.py" } } }\n'
    assert without_fal_settings(inline) == inline
    assert without_fal_settings(b"not = [toml") == b"not = [toml"
    plain = b'[project]\nname = "x"\n'
    assert without_fal_settings(plain) == plain


def test_a_deploy_setting_keeps_the_key_and_a_project_change_moves_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("cdktf.out", "__pycache__", ".terraform"))
    before = contexts(root / "platform")
    pyproject = root / "apps" / "speech" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("request_timeout = 120", "request_timeout = 150"))
    assert contexts(root / "platform") == before
    pyproject.write_text(pyproject.read_text().replace('version = "1.2.0"', 'version = "1.2.1"'))
    after = contexts(root / "platform")
    for app in ("captioner", "transcriber"):  # the project folder is the Dockerfile's context / a local project
        assert after[app][1] != before[app][1], app
