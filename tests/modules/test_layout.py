"""Every module has the standard layout, pins the checked provider release and documents its interface."""

from __future__ import annotations

import re

import pytest

from fleetform.provider_schemas import PROVIDER_SOURCES, PROVIDER_VERSIONS
from tests.modules.roots import MODULE_NAMES, MODULES_DIR, example_dir

FILES = ["README.md", "examples", "main.tf", "outputs.tf", "templates", "variables.tf", "versions.tf"]
_BLOCK = re.compile(r'^(variable|output) "([\w-]+)" \{\n(.*?)^\}', re.M | re.S)


def _provider(module: str) -> str:
    return "aws" if module.startswith("aws-") else "google"


def _blocks(module: str, file: str) -> dict[str, str]:
    text = (MODULES_DIR / module / file).read_text(encoding="utf-8")
    return {name: body for _, name, body in _BLOCK.findall(text)}


def test_the_index_lists_every_module() -> None:
    index = (MODULES_DIR / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| \[`([\w-]+)`\]\(([\w-]+)/\)", index, re.M)
    assert sorted(listed) == [(module, module) for module in MODULE_NAMES]
    assert sorted(path.name for path in MODULES_DIR.iterdir() if path.is_dir()) == sorted(MODULE_NAMES)


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_standard_module_layout(module: str) -> None:
    assert sorted(path.name for path in (MODULES_DIR / module).iterdir()) == FILES
    assert sorted(path.name for path in example_dir(module).iterdir()) == ["main.tf", "outputs.tf", "versions.tf"]
    assert sorted(path.name for path in (MODULES_DIR / module / "templates").iterdir()) == [
        "fleetform_settings.toml.tftpl"
    ]


@pytest.mark.parametrize("module", MODULE_NAMES)
@pytest.mark.parametrize("versions", ["versions.tf", "examples/complete/versions.tf"])
def test_pins_the_provider_release_fleetform_checks_against(module: str, versions: str) -> None:
    text = (MODULES_DIR / module / versions).read_text(encoding="utf-8")
    provider = _provider(module)
    assert re.findall(r'source\s*=\s*"([^"]+)"\s*\n\s*version\s*=\s*"([^"]+)"', text) == [
        (PROVIDER_SOURCES[provider], PROVIDER_VERSIONS[provider])
    ]
    assert 'required_version = ">= 1.9.0"' in text


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_variable_has_a_type_and_a_description(module: str) -> None:
    variables = _blocks(module, "variables.tf")
    assert variables
    assert [name for name, body in variables.items() if not re.search(r"^  type\s*=", body, re.M)] == []
    assert [name for name, body in variables.items() if not re.search(r'^  description\s*=\s*"\S', body, re.M)] == []


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_output_has_a_description(module: str) -> None:
    outputs = _blocks(module, "outputs.tf")
    assert "fleetform_settings" in outputs
    assert [name for name, body in outputs.items() if not re.search(r'^  description\s*=\s*"\S', body, re.M)] == []
