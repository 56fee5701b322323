"""The generated part of each module's README: inputs, outputs and resources, from Terraform's own view.

Descriptions, defaults and resources come from the ``configuration`` of the example's plan
(``terraform show -json``), so they are what Terraform parsed; the type expressions, which that
view leaves out, are read from ``variables.tf``. ``tests/modules/test_readmes.py`` fails when a
README is stale; rewrite them with:

    .venv/bin/python -m tests.modules.module_docs
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.modules.roots import MODULE_NAMES, MODULES_DIR, checked_example, module_configuration

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
_VARIABLE = re.compile(r'^variable "([\w-]+)" \{\n(.*?)^\}', re.M | re.S)
_TYPE = re.compile(r"^  type\s*=\s*", re.M)


def variable_types(module_dir: Path) -> dict[str, str]:
    """Variable name -> its type expression on one line, read from ``variables.tf``."""
    text = (module_dir / "variables.tf").read_text(encoding="utf-8")
    return {name: _type_expression(body) for name, body in _VARIABLE.findall(text)}


def _type_expression(body: str) -> str:
    match = _TYPE.search(body)
    if match is None:
        return "any"
    depth, end = 0, len(body)
    for index in range(match.end(), len(body)):
        depth += (body[index] in "({[") - (body[index] in ")}]")
        if body[index] == "\n" and depth == 0:
            end = index
            break
    return _one_line(body[match.end() : end])


def _one_line(expression: str) -> str:
    """A multi-line type expression on one line: object attributes separated by commas."""
    lines = [re.sub(r"\s+", " ", line.strip()) for line in expression.splitlines() if line.strip()]
    text = lines[0]
    for line in lines[1:]:
        text += "" if text.endswith(("(", "{", "[", ",")) or line.startswith((")", "}", "]")) else ", "
        text += line
    return text


def docs_section(configuration: dict[str, Any], types: dict[str, str]) -> str:
    """The Markdown between the README's markers for one module."""
    lines = [BEGIN, "## Inputs", "", "| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
    for name, variable in sorted(configuration.get("variables", {}).items()):
        required = "default" not in variable
        default = "n/a" if required else f"`{json.dumps(variable['default'], separators=(', ', ': '))}`"
        lines.append(
            f"| `{name}` | {_cell(variable.get('description', ''))} | `{types.get(name, 'any')}` | {default} | "
            f"{'yes' if required else 'no'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, output in sorted(configuration.get("outputs", {}).items()):
        lines.append(f"| `{name}` | {_cell(output.get('description', ''))} |")
    lines += ["", "## Resources", "", "| Resource | Kind |", "|---|---|"]
    for resource in sorted(configuration.get("resources", []), key=lambda resource: resource["address"]):
        kind = "data source" if resource["mode"] == "data" else "resource"
        lines.append(f"| `{resource['address']}` | {kind} |")
    return "\n".join([*lines, END])


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def readme_with_docs(readme: str, section: str) -> str:
    """``readme`` with everything from the BEGIN marker to the END marker replaced by ``section``."""
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[:start] + section + readme[end:]


def expected_readme(module: str, plan: dict[str, Any]) -> str:
    """The README of ``module`` with its generated section rendered from the example's plan."""
    module_dir = MODULES_DIR / module
    configuration = module_configuration(plan, _module_call(plan))
    readme = (module_dir / "README.md").read_text(encoding="utf-8")
    return readme_with_docs(readme, docs_section(configuration, variable_types(module_dir)))


def _module_call(plan: dict[str, Any]) -> str:
    """The example's call of its module (each example calls exactly one)."""
    (call,) = plan["configuration"]["root_module"]["module_calls"]
    return call


def main() -> int:
    with tempfile.TemporaryDirectory() as plans:
        for module in MODULE_NAMES:
            result, plan = checked_example(module, Path(plans))
            if not result.ok:
                print(result.render(), file=sys.stderr)
                return 1
            (MODULES_DIR / module / "README.md").write_text(expected_readme(module, plan), encoding="utf-8")
            print(f"wrote modules/{module}/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
