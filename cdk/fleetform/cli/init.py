"""``fleetform init``: a new platform repo that validates, synthesizes and checks as written.

It writes ``pyproject.toml`` (``[tool.fleetform]`` with every key documented inline and a
dependency on this fleetform version), ``cdktf.json``, ``main.py``, ``.gitignore``, a short
``README.md`` and a starter app project (``apps/hello``), from the templates in
``cli/templates/init``. Existing files are never overwritten unless ``--force`` is given.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from string import Template

import click

from fleetform import __version__
from fleetform.errors import FleetformError, Problem, display_path
from fleetform.vocabulary import CLOUDS

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "init"
# Written file -> its template under TEMPLATE_DIR (dot files are stored without the dot).
FILES = {
    "pyproject.toml": "pyproject.toml.tpl",
    "cdktf.json": "cdktf.json.tpl",
    "main.py": "main.py.tpl",
    ".gitignore": "gitignore.tpl",
    "README.md": "README.md.tpl",
    "apps/hello/pyproject.toml": "apps/hello/pyproject.toml.tpl",
    "apps/hello/app.py": "apps/hello/app.py.tpl",
}
# The same rules as [tool.fleetform] name and gcp.project (fleetform.spec.platform).
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,19}$")
GCP_PROJECT_PATTERN = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
DEFAULT_NAME = "fleetform"


@click.command(name="init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="[tool.fleetform] name, the prefix of resource names (default: from DIRECTORY's name).")
@click.option("--cloud", "clouds", multiple=True, type=click.Choice(CLOUDS),
              help="A cloud that serves the apps (repeatable; default: aws and gcp).")
@click.option("--gcp-project", help="The GCP project (default: a placeholder, <name>-platform, to replace).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def command(directory: Path, name: str | None, clouds: tuple[str, ...], gcp_project: str | None, force: bool) -> int:
    """Write a new platform repo into DIRECTORY (default: .; created when missing).

    Then: `fleetform validate`, `fleetform synth` and `fleetform check` in it. Exit 2 (nothing
    written) when a file to write already exists, unless --force.
    """
    name = name if name is not None else name_for(directory)
    gcp_project = gcp_project if gcp_project is not None else f"{name}-platform"
    _check_options(name, gcp_project)
    files = platform_repo(name, clouds or CLOUDS, gcp_project)
    existing = [directory / path for path in files if (directory / path).exists()]
    if existing and not force:
        raise FleetformError([
            Problem("init/file-exists", display_path(path), "the file exists; fleetform init does not overwrite it",
                    fix="pass --force to overwrite, or init into another folder")
            for path in existing
        ])
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(display_path(target))
    click.echo(f"{len(files)} files written to {display_path(directory)}; next: fleetform validate, "
               "fleetform synth, fleetform check there", err=True)
    return 0


def platform_repo(name: str, clouds: Sequence[str], gcp_project: str) -> dict[str, str]:
    """The files of a new platform repo, path (relative, ``/``-separated) -> text."""
    values = {
        "name": name,
        "project_name": f"{name}-platform",
        "fleetform_version": __version__,
        "clouds": "[" + ", ".join(f'"{cloud}"' for cloud in clouds) + "]",
        "gcp_project": gcp_project,
        "project_id": str(uuid.uuid4()),
    }
    values["aws_section"] = _cloud_section("aws.toml.tpl", values, enabled="aws" in clouds)
    values["gcp_section"] = _cloud_section("gcp.toml.tpl", values, enabled="gcp" in clouds)
    return {path: _render(template, values) for path, template in FILES.items()}


def name_for(directory: Path) -> str:
    """A valid ``[tool.fleetform] name`` from a folder name: ``ACME GPU Platform`` -> ``acme-gpu-platform``."""
    words = re.sub(r"[^a-z0-9]+", "-", directory.resolve().name.lower())
    name = re.sub(r"^[^a-z]+", "", words)[:20].strip("-")
    return name or DEFAULT_NAME


def _check_options(name: str, gcp_project: str) -> None:
    problems = []
    if not NAME_PATTERN.match(name):
        problems.append(Problem("init/bad-name", "--name", f"{name!r} is not a valid platform name",
                                allowed="a lowercase letter, then up to 19 lowercase letters, digits or '-'"))
    if not GCP_PROJECT_PATTERN.match(gcp_project):
        problems.append(Problem("init/bad-gcp-project", "--gcp-project", f"{gcp_project!r} is not a GCP project ID",
                                allowed="6 to 30 lowercase letters, digits or '-', starting with a letter, "
                                "not ending with '-'"))
    if problems:
        raise FleetformError(problems)


def _cloud_section(template: str, values: dict[str, str], *, enabled: bool) -> str:
    """A cloud's ``[tool.fleetform.<cloud>]`` table; commented out when the cloud is not enabled."""
    text = _render(template, values)
    if enabled:
        return text
    note = f'# Not in clouds: add "{template.removesuffix(".toml.tpl")}" to clouds and uncomment this table.'
    return "\n".join([note] + [line if not line or line.startswith("#") else "# " + line
                               for line in text.splitlines()]) + "\n"


def _render(template: str, values: dict[str, str]) -> str:
    return Template((TEMPLATE_DIR / template).read_text(encoding="utf-8")).substitute(values)
