"""fal machine-type names and the cloud-native escape hatch, as the spec validates them."""

from __future__ import annotations

import pytest

from fleetform.catalog.machines import (
    current_machine_type_names,
    fal_machine_type_names,
    is_gpu_machine,
    parse_machine_name,
)
from fleetform.errors import FleetformError


def test_current_names_are_fals_docs_names_in_docs_order() -> None:
    assert current_machine_type_names() == (
        "XS", "S", "M", "L", "XL",
        "GPU-RTX4090", "GPU-RTX5090", "GPU-A100", "GPU-L40", "GPU-H100", "GPU-H200", "GPU-B200",
    )  # fmt: skip


def test_every_accepted_name_includes_the_legacy_ones() -> None:
    assert fal_machine_type_names()[len(current_machine_type_names()) :] == (
        "GPU", "GPU-A100-40G", "GPU-A100-80G", "GPU-A6000", "GPU-T4",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "is_gpu"),
    [("XS", False), ("XL", False), ("GPU-H100", True), ("GPU-RTX4090", True), ("GPU", True),
     ("aws:g6e.2xlarge", True), ("aws:m7i.large", False), ("gcp:g2-standard-8", True), ("gcp:e2-medium", False)],
)  # fmt: skip
def test_is_gpu_machine(name: str, is_gpu: bool) -> None:
    assert is_gpu_machine(name) is is_gpu


@pytest.mark.parametrize(
    ("name", "resolved", "deprecation"),
    [
        ("GPU-H100", "GPU-H100", None),
        ("GPU", "GPU-A100", "'GPU' is a legacy fal name for 'GPU-A100'; write 'GPU-A100'"),
        ("GPU-A100-40G", "GPU-A100", "'GPU-A100-40G' is a legacy fal name for 'GPU-A100'; write 'GPU-A100'"),
        (
            "GPU-A100-80G",
            "GPU-A100-80G",
            "'GPU-A100-80G' is a legacy fal machine type that fal's current docs no longer list; "
            "the nearest current type is 'GPU-H100'",
        ),
    ],
)
def test_fal_names_and_legacy_aliases(name: str, resolved: str, deprecation: str | None) -> None:
    parsed = parse_machine_name(name)
    assert parsed.fal_type is not None and parsed.fal_type.name == resolved
    assert parsed.deprecation == deprecation


def test_cloud_native_name_names_a_known_instance_type() -> None:
    parsed = parse_machine_name("aws:g6e.2xlarge")
    assert (parsed.cloud, parsed.instance_type and parsed.instance_type.name) == ("aws", "g6e.2xlarge")
    assert parsed.instance_type is not None and parsed.instance_type.gpu_count == 1


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("GPU-H10", "catalog/unknown-machine",
         "unknown machine type 'GPU-H10'; did you mean 'GPU-H100' or 'GPU-H200' or 'GPU-A100'?"),
        ("gpu-h100", "catalog/unknown-machine",
         "unknown machine type 'gpu-h100'; did you mean 'GPU-H100' or 'GPU-H200' or 'GPU-A100'?"),
        ("aws:g6e.2xlarg", "catalog/unknown-instance-type",
         "'aws:g6e.2xlarg': the catalog knows no aws instance type 'g6e.2xlarg'; "
         "did you mean 'aws:g6e.2xlarge' or 'aws:g6e.24xlarge' or 'aws:g6e.12xlarge'?"),
        ("gcp:g2-standard-7", "catalog/unknown-instance-type",
         "'gcp:g2-standard-7': the catalog knows no gcp instance type 'g2-standard-7'; "
         "did you mean 'gcp:g2-standard-8' or 'gcp:g2-standard-4' or 'gcp:g2-standard-96'?"),
        ("azure:nc24", "catalog/unknown-machine", "unknown cloud 'azure' in machine type 'azure:nc24'"),
    ],
)  # fmt: skip
def test_unknown_names_fail_with_near_matches(name: str, code: str, message: str) -> None:
    with pytest.raises(FleetformError) as caught:
        parse_machine_name(name, where="pyproject.toml: tool.fal.apps.x.machine_type")
    (problem,) = caught.value.problems
    assert (problem.code, problem.where, problem.message) == (
        code, "pyproject.toml: tool.fal.apps.x.machine_type", message,
    )  # fmt: skip
