"""``fleetform catalog refresh`` over real HTTP: AWS through moto in server mode plus a local Price List
server, GCP through a local Compute REST server, both with the real SDK clients."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.catalog.data_file import DATA_DIR, load
from fleetform.catalog.refresh import refresh_catalog
from fleetform.errors import FleetformError
from tests.catalog.aws_pricing_server import PricingServer, ec2_product
from tests.catalog.conftest import GCP_PROJECT
from tests.catalog.gcp_compute_server import ComputeServer

TODAY = "2030-01-02"


def snapshot(data_dir: Path) -> dict[str, bytes]:
    return {str(path.relative_to(data_dir)): path.read_bytes() for path in sorted(data_dir.rglob("*.json"))}


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    """(old line, new line) pairs that differ; the files must have the same number of lines."""
    old, new = before.decode().splitlines(), after.decode().splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def refresh_gcp(data_dir: Path, server: ComputeServer, *regions: str):
    return refresh_catalog("gcp", data_dir, regions, project=GCP_PROJECT, api_endpoint=server.url, today=TODAY)


# --- GCP ----------------------------------------------------------------------------------------------


def test_gcp_refresh_of_unchanged_data_changes_nothing(data_dir: Path, compute_server: ComputeServer) -> None:
    before = snapshot(data_dir)
    report = refresh_gcp(data_dir, compute_server)
    assert (report.changes, report.written) == ((), ())
    assert snapshot(data_dir) == before
    assert "/compute/v1/projects/fleetform-test/aggregated/machineTypes" in compute_server.paths


def test_gcp_changed_offering_changes_only_its_entry(data_dir: Path, compute_server: ComputeServer) -> None:
    before = snapshot(data_dir)
    zone = compute_server.data.machine_types["us-central1-c"]
    compute_server.data.machine_types["us-central1-c"] = [m for m in zone if m["name"] != "a3-highgpu-8g"]

    report = refresh_gcp(data_dir, compute_server)

    assert report.render() == (
        "gcp: 0 added, 0 removed, 1 changed (gcp/offerings.json rewritten)\n"
        "  ~ gcp/offerings.json: regions us-central1 instance_types a3-highgpu-8g: "
        '["us-central1-a","us-central1-b","us-central1-c"] -> ["us-central1-a","us-central1-b"]'
    )
    after = snapshot(data_dir)
    assert {name for name in before if before[name] != after[name]} == {"gcp/offerings.json"}
    assert changed_lines(before["gcp/offerings.json"], after["gcp/offerings.json"]) == [
        ('  "generated_at": "2026-08-21",', f'  "generated_at": "{TODAY}",'),
        ('        "a3-highgpu-8g": ["us-central1-a", "us-central1-b", "us-central1-c"],',
         '        "a3-highgpu-8g": ["us-central1-a", "us-central1-b"],'),
        (f'  "source": "{load(DATA_DIR / "gcp/offerings.json")["source"]}"',
         '  "source": "GCP Compute API: zones.list, machineTypes.aggregatedList, acceleratorTypes.aggregatedList"'),
    ]  # fmt: skip


def test_gcp_new_machine_type_and_zone_are_added_with_gpu_memory_from_the_description(
    data_dir: Path, compute_server: ComputeServer
) -> None:
    data = compute_server.data
    data.zones["us-central1-d"] = "us-central1"
    new_shape = {"name": "a3-highgpu-16g", "guestCpus": 416, "memoryMb": 3833856, "zone": "us-central1-d",
                 "accelerators": [{"guestAcceleratorType": "nvidia-h100-xl", "guestAcceleratorCount": 16}]}  # fmt: skip
    data.machine_types["us-central1-d"] = [new_shape]
    data.accelerator_types["us-central1-d"] = [
        {"name": "nvidia-h100-xl", "description": "NVIDIA H100 96GB", "zone": "us-central1-d"}
    ]

    report = refresh_gcp(data_dir, compute_server, "us-central1")

    assert [change.render() for change in report.changes] == [
        '  + gcp/instance_types.json: instance_types a3-highgpu-16g = {"gpu":"nvidia-h100-xl","gpu_count":16,'
        '"gpu_memory_mib":98304,"memory_mib":3833856,"on_demand":true,"vcpus":416}',
        '  + gcp/offerings.json: regions us-central1 instance_types a3-highgpu-16g = ["us-central1-d"]',
        '  + gcp/offerings.json: regions us-central1 zones us-central1-d = "us-central1-d"',
    ]


def test_gcp_refresh_keeps_curated_facts_the_api_does_not_report(data_dir: Path, compute_server: ComputeServer) -> None:
    refresh_gcp(data_dir, compute_server)
    entries = load(data_dir / "gcp/instance_types.json")["instance_types"]
    assert entries["a3-highgpu-1g"]["on_demand"] is False
    assert entries["g2-standard-4"]["gpu_memory_mib"] == 24576  # "NVIDIA L4" carries no size


def test_gcp_failing_api_is_a_clear_error_and_leaves_the_data(data_dir: Path, compute_server: ComputeServer) -> None:
    before = snapshot(data_dir)
    compute_server.fail_status = 403
    with pytest.raises(FleetformError) as caught:
        refresh_gcp(data_dir, compute_server)
    (problem,) = caught.value.problems
    assert problem.code == "catalog/refresh-failed"
    assert problem.message.startswith("GCP Compute API call failed: 403 GET http://127.0.0.1:")
    assert problem.message.endswith("; the catalog data was not changed")
    assert snapshot(data_dir) == before


def test_gcp_unknown_region_is_an_error_with_a_suggestion(data_dir: Path, compute_server: ComputeServer) -> None:
    with pytest.raises(FleetformError) as caught:
        refresh_gcp(data_dir, compute_server, "us-centrall1")
    assert caught.value.problems[0].message == (
        "GCP has no region 'us-centrall1'; did you mean 'us-central1' or 'us-west1' or 'us-east1'?"
    )


def test_gcp_without_credentials_is_a_clear_error(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    before = snapshot(data_dir)
    with pytest.raises(FleetformError) as caught:
        refresh_catalog("gcp", data_dir, ("us-central1",), project=GCP_PROJECT)
    (problem,) = caught.value.problems
    assert (problem.code, problem.fix) == (
        "catalog/refresh-failed",
        "run 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS",
    )
    assert problem.message.startswith("no Google credentials: ")
    assert snapshot(data_dir) == before


# --- AWS ----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("aws_env")
def test_aws_refresh_from_moto_reproduces_the_packaged_entries(data_dir: Path, pricing_server: PricingServer) -> None:
    before = snapshot(data_dir)
    report = refresh_catalog("aws", data_dir, ("us-east-1", "eu-north-1"), today=TODAY)
    assert report.changes == ()
    assert snapshot(data_dir) == before
    asked = {f["Field"]: f["Value"] for f in pricing_server.requests[0]["Filters"]}
    assert asked == {"regionCode": "us-east-1", "operatingSystem": "Linux", "tenancy": "Shared",
                     "preInstalledSw": "NA", "capacitystatus": "Used"}  # fmt: skip


@pytest.mark.usefixtures("aws_env")
def test_aws_changed_offering_and_price_change_only_their_entries(data_dir: Path,
                                                                  pricing_server: PricingServer) -> None:
    stale = (data_dir / "aws/offerings.json").read_text().replace(
        '"p5.4xlarge": ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]',
        '"p5.4xlarge": ["use1-az1", "use1-az2"]',
    )
    (data_dir / "aws/offerings.json").write_text(stale)
    pricing_server.products = [p for p in pricing_server.products
                               if p["product"]["attributes"]["instanceType"] != "g5.xlarge"]
    pricing_server.products.append(ec2_product("g5.xlarge", "us-east-1", 1.1))
    before = snapshot(data_dir)

    report = refresh_catalog("aws", data_dir, ("us-east-1",), today=TODAY)

    assert [change.render() for change in report.changes] == [
        '  ~ aws/offerings.json: regions us-east-1 instance_types p5.4xlarge: ["use1-az1","use1-az2"] -> '
        '["use1-az1","use1-az2","use1-az3","use1-az4","use1-az5","use1-az6"]',
        "  ~ aws/prices.json: regions us-east-1 instance_types g5.xlarge: 1.006 -> 1.1",
    ]
    after = snapshot(data_dir)
    assert {name for name in before if before[name] != after[name]} == {"aws/offerings.json", "aws/prices.json"}
    offerings_diff = changed_lines(before["aws/offerings.json"], after["aws/offerings.json"])
    assert [new for _, new in offerings_diff if "p5.4xlarge" in new] == [
        '        "p5.4xlarge": ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"],'
    ]
    assert len(offerings_diff) == 3  # that entry, generated_at and source
    prices_diff = changed_lines(before["aws/prices.json"], after["aws/prices.json"])
    assert [new.strip() for _, new in prices_diff if "g5.xlarge" in new] == ['"g5.xlarge": 1.1,']
    assert all('"instance_types"' not in new for _, new in prices_diff)


@pytest.mark.usefixtures("aws_env")
def test_aws_new_region_is_added(data_dir: Path) -> None:
    report = refresh_catalog("aws", data_dir, ("ap-northeast-1",), today=TODAY)
    assert "ap-northeast-1" in load(data_dir / "aws/offerings.json")["regions"]
    zones = load(data_dir / "aws/offerings.json")["regions"]["ap-northeast-1"]["zones"]
    assert set(zones) == {"apne1-az1", "apne1-az2", "apne1-az4"}
    assert any(change.path[:3] == ("regions", "ap-northeast-1", "zones") for change in report.changes)


@pytest.mark.usefixtures("aws_env")
def test_aws_unknown_region_is_an_error_with_a_suggestion(data_dir: Path) -> None:
    with pytest.raises(FleetformError) as caught:
        refresh_catalog("aws", data_dir, ("us-east-7",), today=TODAY)
    assert caught.value.problems[0].message == (
        "AWS has no region 'us-east-7'; did you mean 'us-east-2' or 'us-east-1' or 'us-west-2'?"
    )


@pytest.mark.usefixtures("aws_env")
def test_aws_failing_pricing_api_leaves_the_data(data_dir: Path, pricing_server: PricingServer) -> None:
    offerings = data_dir / "aws/offerings.json"
    offerings.write_text(offerings.read_text().replace("use1-az3", "use1-az9"))
    before = snapshot(data_dir)
    pricing_server.fail_with = "AccessDeniedException"
    with pytest.raises(FleetformError) as caught:
        refresh_catalog("aws", data_dir, ("us-east-1",), today=TODAY)
    assert caught.value.problems[0].message == (
        "AWS GetProducts failed: AccessDeniedException: AccessDeniedException (local test server); "
        "the catalog data was not changed"
    )
    assert snapshot(data_dir) == before


@pytest.mark.usefixtures("aws_env")
def test_aws_without_credentials_is_a_clear_error(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    before = snapshot(data_dir)
    with pytest.raises(FleetformError) as caught:
        refresh_catalog("aws", data_dir, ("us-east-1",), today=TODAY)
    (problem,) = caught.value.problems
    assert (problem.code, problem.message) == (
        "catalog/refresh-failed", "no AWS credentials: Unable to locate credentials; the catalog data was not changed",
    )  # fmt: skip
    assert snapshot(data_dir) == before
