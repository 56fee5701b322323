"""The schema refresh's cut, on a small fake ``providers schema -json`` output (no registry needed)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

REFRESH_FILE = Path(__file__).resolve().parents[2] / "provider_schema" / "refresh.py"
_spec = importlib.util.spec_from_file_location("schema_refresh", REFRESH_FILE)
refresh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(refresh)

ADDRESS = "registry.terraform.io/hashicorp/aws"


def _schema(attribute: str) -> dict[str, Any]:
    return {"version": 0, "block": {"attributes": {attribute: {"type": "string", "optional": True}}}}


def full_schema() -> dict[str, Any]:
    return {
        "format_version": "1.0",
        "provider_schemas": {
            ADDRESS: {
                "provider": _schema("region"),
                "resource_schemas": {"aws_vpc": _schema("cidr_block"), "aws_subnet": _schema("vpc_id"),
                                     "aws_instance": _schema("ami")},
                "data_source_schemas": {"aws_ami": _schema("owners"), "aws_region": _schema("name")},
            },
            "registry.terraform.io/hashicorp/random": {"provider": _schema("x"), "resource_schemas": {}},
        },
    }


def test_cut_keeps_only_the_listed_types_and_splits_off_the_provider_block() -> None:
    pinned, provider = refresh.cut_schema(full_schema(), ADDRESS, ["aws_subnet", "aws_vpc"], ["aws_region"])
    assert pinned == {
        "format_version": "1.0",
        "provider_schemas": {
            ADDRESS: {
                "data_source_schemas": {"aws_region": _schema("name")},
                "resource_schemas": {"aws_subnet": _schema("vpc_id"), "aws_vpc": _schema("cidr_block")},
            }
        },
    }
    assert provider == _schema("region")


def test_cut_names_every_type_the_release_no_longer_has() -> None:
    with pytest.raises(refresh.RefreshError) as raised:
        refresh.cut_schema(full_schema(), ADDRESS, ["aws_vpc", "aws_gone"], ["aws_region", "aws_vanished"])
    assert str(raised.value) == f"{ADDRESS} no longer has: resource aws_gone, data source aws_vanished"


def test_cut_of_a_provider_missing_from_the_output() -> None:
    with pytest.raises(refresh.RefreshError) as raised:
        refresh.cut_schema(full_schema(), "registry.terraform.io/hashicorp/google", [], [])
    assert str(raised.value) == "the schema output has no provider registry.terraform.io/hashicorp/google"


def test_type_lists_are_read_from_the_pinned_file() -> None:
    pinned_file = REFRESH_FILE.parent / "aws.json"
    resources, data_sources = refresh.pinned_types(json.loads(pinned_file.read_text(encoding="utf-8")), ADDRESS)
    assert "aws_launch_template" in resources and "aws_iam_policy_document" in data_sources
    assert resources == sorted(resources)


def test_pinning_configuration_requires_the_exact_release() -> None:
    assert refresh.pinning_configuration("google", "6.50.0") == (
        'terraform {\n  required_providers {\n    google = {\n      source  = "hashicorp/google"\n'
        '      version = "= 6.50.0"\n    }\n  }\n}\n'
    )


def test_refresh_writes_both_files_in_the_pinned_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cut, _ = refresh.cut_schema(full_schema(), ADDRESS, ["aws_vpc"], ["aws_ami"])
    (tmp_path / "aws.json").write_text(json.dumps(cut, indent=1, sort_keys=True), encoding="utf-8")
    monkeypatch.setattr(refresh, "full_schema", lambda name, version, terraform: full_schema())
    refresh.refresh("aws", "6.99.0", None, tmp_path)
    assert (tmp_path / "aws.json").read_text(encoding="utf-8") == json.dumps(cut, indent=1, sort_keys=True)
    assert json.loads((tmp_path / "aws.provider.json").read_text(encoding="utf-8")) == _schema("region")
