"""The pinned Terraform provider schemas fleetform synthesizes against and checks with.

``provider_schema/<name>.json`` is real ``terraform providers schema -json`` output of the pinned
provider release, cut to the resource and data source types fleetform uses; it carries no schema
for the ``provider`` block itself, which lives beside it in ``<name>.provider.json`` (written from
the provider's documentation). Both are read through the package (``fleetform/provider_schema`` is
a link to the repository's ``provider_schema/`` folder) so that an installed wheel finds them too.
See ``provider_schema/PROVENANCE.md`` for where they come from and how to refresh them.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from fleetform.errors import FleetformError, format_choices

# The provider releases the pinned schemas were taken from; synthesized stacks pin the same.
PROVIDER_VERSIONS: dict[str, str] = {"aws": "6.47.0", "google": "6.50.0"}

# Registry source address of each provider, as written in ``required_providers``.
PROVIDER_SOURCES: dict[str, str] = {"aws": "hashicorp/aws", "google": "hashicorp/google"}

SCHEMA_PACKAGE_DIR = "provider_schema"


def registry_address(name: str) -> str:
    """The fully qualified provider address Terraform uses as key in ``providers schema -json``."""
    return f"registry.terraform.io/{PROVIDER_SOURCES[name]}"


@functools.cache
def load_provider_schema(name: str) -> dict[str, Any]:
    """One provider's schema: ``{"provider": ..., "resource_schemas": ..., "data_source_schemas": ...}``.

    The same shape as one entry of ``terraform providers schema -json``'s ``provider_schemas``.
    The result is cached and shared: treat it as read-only.
    """
    if name not in PROVIDER_SOURCES:
        raise FleetformError.single(
            "schema/unknown-provider",
            "provider_schema",
            f"no pinned schema for provider {name!r}",
            allowed=format_choices(PROVIDER_SOURCES),
        )
    pinned = _read_json(f"{name}.json")
    entry = pinned["provider_schemas"][registry_address(name)]
    return {
        "provider": _read_json(f"{name}.provider.json"),
        "resource_schemas": entry.get("resource_schemas", {}),
        "data_source_schemas": entry.get("data_source_schemas", {}),
    }


def _read_json(file_name: str) -> dict[str, Any]:
    path = resources.files("fleetform").joinpath(SCHEMA_PACKAGE_DIR, file_name)
    return json.loads(path.read_text(encoding="utf-8"))
