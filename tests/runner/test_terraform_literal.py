"""``terraform_literal`` keeps a boot script byte for byte through real Terraform."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetform.check.runner import check_terraform_json
from fleetform.runner import boot_script, terraform_literal
from tests.runner.groups import PLATFORM, group


@pytest.mark.parametrize(("text", "escaped"), [
    ("echo ${HOME}", "echo $${HOME}"),
    ("%{ if x }", "%%{ if x }"),
    ("$$ $1 $x % 100%", "$$ $1 $x % 100%"),
    ("already $${x}", "already $$${x}"),
    ("${a}${b}%{c}", "$${a}$${b}%%{c}"),
])
def test_terraform_literal_escapes_template_sequences(text: str, escaped: str) -> None:
    assert terraform_literal(text) == escaped


@pytest.mark.terraform
def test_a_boot_script_survives_terraform(tmp_path: Path) -> None:
    script = boot_script(group("gcp"), PLATFORM) + "literal: $${kept} %%{kept} $$ 100%\n"
    result = check_terraform_json({"output": {"startup_script": {"value": terraform_literal(script)}}},
                                  name="literal", plan_json_dir=tmp_path)
    assert result.ok, [diagnostic.summary for diagnostic in result.diagnostics]
    plan = json.loads(result.plan_json.read_text(encoding="utf-8"))
    assert plan["planned_values"]["outputs"]["startup_script"]["value"] == script

    unescaped = check_terraform_json({"output": {"startup_script": {"value": script}}}, name="raw")
    assert not unescaped.ok, "without escaping, Terraform reads the script's ${...} as references"
