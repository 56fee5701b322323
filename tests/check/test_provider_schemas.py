"""The pinned schemas: one loader, unchanged files, provider blocks, provenance that matches the files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import fleetform
from fleetform.errors import FleetformError
from fleetform.provider_schemas import PROVIDER_SOURCES, PROVIDER_VERSIONS, load_provider_schema

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "provider_schema"
PROVENANCE = (SCHEMA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PROVIDER_SOURCES))
def test_loader_returns_one_provider_entry(name: str) -> None:
    schema = load_provider_schema(name)
    assert sorted(schema) == ["data_source_schemas", "provider", "resource_schemas"]
    assert schema["provider"]["version"] == 0
    assert all(type_name.startswith(f"{name}_") for type_name in schema["resource_schemas"])
    assert all("block" in entry for entry in schema["data_source_schemas"].values())
    assert load_provider_schema(name) is schema  # cached


def test_unknown_provider_is_bad_input() -> None:
    with pytest.raises(FleetformError) as raised:
        load_provider_schema("azurerm")
    assert raised.value.render() == (
        "error[schema/unknown-provider] provider_schema\n"
        "  no pinned schema for provider 'azurerm'\n"
        "  allowed: aws, google"
    )


def test_package_reaches_the_schemas_through_its_link() -> None:
    link = Path(fleetform.__file__).parent / "provider_schema"
    assert link.is_symlink() and link.resolve() == SCHEMA_DIR


@pytest.mark.parametrize("name", sorted(PROVIDER_SOURCES))
def test_pinned_files_are_unchanged_and_described(name: str) -> None:
    digest = hashlib.sha256((SCHEMA_DIR / f"{name}.json").read_bytes()).hexdigest()
    source = f"registry.terraform.io/{PROVIDER_SOURCES[name]}"
    row = f"| {name} | `{source}` | {PROVIDER_VERSIONS[name]} | `{name}.json` | `{digest}` |"
    assert row in PROVENANCE


@pytest.mark.parametrize("name", sorted(PROVIDER_SOURCES))
def test_provenance_lists_exactly_the_pinned_types(name: str) -> None:
    section = PROVENANCE.split(f"## {name}.json")[1]
    resources = re.search(r"Resources: (.*)", section).group(1)
    data_sources = re.search(r"Data sources: (.*)", section).group(1)
    schema = load_provider_schema(name)
    assert re.findall(r"`([a-z0-9_]+)`", resources) == sorted(schema["resource_schemas"])
    assert re.findall(r"`([a-z0-9_]+)`", data_sources) == sorted(schema["data_source_schemas"])


@pytest.mark.parametrize(
    ("name", "path", "kind"),
    [
        ("aws", "region", "string"),
        ("aws", "profile", "string"),
        ("aws", "allowed_account_ids", ["set", "string"]),
        ("aws", "forbidden_account_ids", ["set", "string"]),
        ("aws", "skip_credentials_validation", "bool"),
        ("aws", "skip_metadata_api_check", "string"),
        ("aws", "skip_requesting_account_id", "bool"),
        ("aws", "default_tags.tags", ["map", "string"]),
        ("aws", "assume_role.role_arn", "string"),
        ("aws", "assume_role.session_name", "string"),
        ("aws", "assume_role.external_id", "string"),
        ("aws", "assume_role_with_web_identity.web_identity_token_file", "string"),
        ("aws", "ignore_tags.key_prefixes", ["set", "string"]),
        ("google", "project", "string"),
        ("google", "region", "string"),
        ("google", "zone", "string"),
        ("google", "default_labels", ["map", "string"]),
        ("google", "credentials", "string"),
        ("google", "impersonate_service_account", "string"),
        ("google", "add_terraform_attribution_label", "bool"),
        ("google", "user_project_override", "bool"),
        ("google", "external_credentials.audience", "string"),
        ("google", "compute_custom_endpoint", "string"),
    ],
)
def test_provider_blocks_hold_the_documented_arguments(name: str, path: str, kind: object) -> None:
    block = load_provider_schema(name)["provider"]["block"]
    *nested, attribute = path.split(".")
    for step in nested:
        block = block["block_types"][step]["block"]
    assert block["attributes"][attribute]["type"] == kind
    assert block["attributes"][attribute].get("optional") or block["attributes"][attribute].get("required")


def test_provider_block_nesting_matches_the_providers() -> None:
    aws = load_provider_schema("aws")["provider"]["block"]["block_types"]
    assert {name: (nested["nesting_mode"], nested.get("max_items")) for name, nested in aws.items()} == {
        "assume_role": ("list", None),
        "assume_role_with_web_identity": ("list", 1),
        "default_tags": ("list", 1),
        "endpoints": ("set", None),
        "ignore_tags": ("list", 1),
    }
    google = load_provider_schema("google")["provider"]["block"]["block_types"]
    assert {name: (nested["nesting_mode"], nested.get("max_items")) for name, nested in google.items()} == {
        "batching": ("list", 1),
        "external_credentials": ("list", 1),
    }
