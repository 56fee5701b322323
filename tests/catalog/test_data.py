"""The packaged catalog data: consistent with itself, with fal's regions, and in the diff-friendly layout."""

from __future__ import annotations

import json

import pytest

from fleetform.catalog.data_file import DATA_DIR, render
from fleetform.catalog.instance_types import instance_types
from fleetform.catalog.machines import machine_types
from fleetform.catalog.prices import hourly_price, region_prices, region_spot_prices, spot_price
from fleetform.catalog.refresh import aws, gcp
from fleetform.catalog.regions import (
    DEFAULT_CLOUD_REGIONS,
    cloud_region_for,
    known_cloud_regions,
    region_offerings,
    zones,
    zones_for,
)
from fleetform.errors import FleetformError
from fleetform.vocabulary import CLOUDS, FAL_REGIONS

KEPT = {"aws": aws.KEPT_FAMILIES, "gcp": gcp.KEPT_FAMILIES}
KNOWN_PRICE_GAPS: set[tuple[str, str, str]] = {
    ("aws", "eu-north-1", "p5.4xlarge"),
    ("aws", "eu-north-1", "p6-b200.48xlarge"),
    ("gcp", "europe-north1", "a4-highgpu-8g"),
    ("gcp", "europe-west4", "a2-highgpu-1g"),
    ("gcp", "europe-west4", "a2-highgpu-2g"),
    ("gcp", "europe-west4", "a2-highgpu-4g"),
    ("gcp", "europe-west4", "a2-highgpu-8g"),
    ("gcp", "europe-west4", "a3-ultragpu-8g"),
    ("gcp", "europe-west4", "a4-highgpu-8g"),
    ("gcp", "us-central1", "a3-highgpu-1g"),
    ("gcp", "us-central1", "a3-highgpu-2g"),
    ("gcp", "us-central1", "a3-highgpu-4g"),
    ("gcp", "us-central1", "a3-highgpu-8g"),
    ("gcp", "us-central1", "a4-highgpu-8g"),
    ("gcp", "us-east4", "a4-highgpu-8g"),
    ("gcp", "us-west1", "a3-highgpu-1g"),
    ("gcp", "us-west1", "a3-highgpu-2g"),
    ("gcp", "us-west1", "a3-highgpu-4g"),
    ("gcp", "us-west1", "a3-highgpu-8g"),
}
"""(cloud, region, type) of fal-reachable shapes the seed source gives no sane price for (data/README.md)."""
DEPTHS = {"machines.json": 2, "instance_types.json": 2, "offerings.json": 4, "prices.json": 4}


@pytest.mark.parametrize("path", sorted(DATA_DIR.rglob("*.json")), ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_data_files_are_in_the_diff_friendly_layout_with_provenance(path) -> None:
    document = json.loads(path.read_text())
    assert path.read_text() == render(document, DEPTHS[path.name])
    assert document["generated_at"] and document["source"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_default_region_covers_the_five_fal_regions_and_has_data(cloud: str) -> None:
    assert tuple(DEFAULT_CLOUD_REGIONS[cloud]) == FAL_REGIONS
    assert set(DEFAULT_CLOUD_REGIONS[cloud].values()) <= set(known_cloud_regions(cloud))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_offerings_name_known_types_and_zones_of_their_region(cloud: str) -> None:
    known = instance_types(cloud)
    for region in region_offerings(cloud).values():
        zone_ids = {zone.id for zone in region.zones}
        for name, offered in region.offerings.items():
            assert name in known, (region.region, name)
            assert set(offered) <= zone_ids, (region.region, name)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_kept_families_are_the_refresh_filter_and_cover_every_machine_type(cloud: str) -> None:
    assert all(name.startswith(KEPT[cloud]) for name in instance_types(cloud))
    for machine in machine_types().values():
        families = machine.clouds.get(cloud)
        if families is not None:
            assert set(families.families) <= set(KEPT[cloud]), machine.name
            assert any(families.admits(shape) for shape in instance_types(cloud).values()), machine.name


def test_every_priced_type_is_known() -> None:
    for cloud in CLOUDS:
        for prices in region_prices(cloud).values():
            assert set(prices) <= set(instance_types(cloud))


def test_hourly_price_has_value_source_and_date() -> None:
    price = hourly_price("aws", "us-east-1", "p5.4xlarge")
    assert price is not None
    assert (price.value, price.currency, price.as_of) == (6.88, "USD", "2026-01-19")
    assert price.source.startswith("K2: aws/karpenter-provider-aws")
    assert hourly_price("aws", "eu-north-1", "p5.4xlarge") is None  # not sold there on demand
    assert hourly_price("gcp", "us-central1", "a2-highgpu-1g").value == 3.673385  # type: ignore[union-attr]


def test_seeded_prices_cite_their_source_per_entry_where_a_region_mixes_sources() -> None:
    eu_west = hourly_price("aws", "eu-west-2", "p5.4xlarge")
    assert eu_west is not None and eu_west.value == 8.944 and eu_west.source.startswith("SP8: skypilot-org")
    mixed = hourly_price("gcp", "us-central1", "a3-ultragpu-8g")
    assert mixed is not None and (mixed.source, mixed.as_of) == ("SP8G", "2026-12-04")
    assert hourly_price("gcp", "us-central1", "a2-highgpu-1g").source.startswith("A1")  # type: ignore[union-attr]


def test_spot_prices_are_seeded_for_the_shapes_the_platform_runs_as_spot() -> None:
    spot = spot_price("gcp", "us-east4", "a3-highgpu-1g")
    on_demand = hourly_price("gcp", "us-east4", "a3-highgpu-1g")
    assert spot is not None and on_demand is not None and spot.value < on_demand.value
    assert spot_price("gcp", "us-east4", "a2-highgpu-1g") is None  # runs on demand: no Spot price seeded
    for cloud in CLOUDS:
        for region, prices in region_spot_prices(cloud).items():
            for name, price in prices.items():
                assert price.value < region_prices(cloud)[region][name].value, (cloud, region, name)


def test_every_preferred_type_of_a_fal_machine_has_a_price_in_most_default_regions() -> None:
    """What fal machine types resolve to (1/2/4/8 GPUs) is priced wherever offered, but for listed gaps."""
    from fleetform.catalog.machines import current_machine_type_names, is_gpu_machine
    from fleetform.catalog.regions import DEFAULT_CLOUD_REGIONS, region_offerings
    from fleetform.catalog.resolve import resolve

    missing = set()
    for cloud in CLOUDS:
        for machine in current_machine_type_names():
            for gpus in (1, 2, 4, 8) if is_gpu_machine(machine) else (None,):
                try:
                    resolution = resolve([machine], gpus, cloud)
                except FleetformError:
                    continue
                shape = resolution.choices[0].instance_type.name
                for region in DEFAULT_CLOUD_REGIONS[cloud].values():
                    if region_offerings(cloud)[region].zones_offering(shape) and not hourly_price(cloud, region, shape):
                        missing.add((cloud, region, shape))
    assert missing == KNOWN_PRICE_GAPS


def test_aws_zones_are_az_ids_with_the_name_as_a_hint() -> None:
    assert [(zone.id, zone.name_hint) for zone in zones("aws", "us-east-1")][:2] == [
        ("use1-az1", "us-east-1b"), ("use1-az2", "us-east-1c"),
    ]  # fmt: skip


def test_zones_for_needs_every_type() -> None:
    assert zones_for("aws", "us-east-1", ["p5.48xlarge"]) == tuple(f"use1-az{n}" for n in range(1, 7))
    assert zones_for("aws", "us-east-1", ["p5.48xlarge", "p5en.48xlarge"]) == ("use1-az2", "use1-az6")
    with pytest.raises(FleetformError) as caught:
        zones_for("gcp", "europe-west4", ["a3-ultragpu-8g", "a3-highgpu-8g"])
    assert caught.value.problems[0].message == (
        "no zone of gcp region europe-west4 offers 'a3-ultragpu-8g' and 'a3-highgpu-8g'"
    )
    assert caught.value.problems[0].allowed == "regions that do: europe-west1, us-central1, us-east4, us-east5"


def test_cloud_region_for_uses_overrides_and_checks_them() -> None:
    assert cloud_region_for("aws", "us-east") == "us-east-1"
    assert cloud_region_for("aws", "us-east", {"us-east": "us-east-2"}) == "us-east-2"
    with pytest.raises(FleetformError) as caught:
        cloud_region_for("aws", "us-east", {"us-east": "us-east-9"}, where="pyproject.toml: tool.fleetform.regions.aws")
    (problem,) = caught.value.problems
    assert (problem.code, problem.where) == (
        "catalog/unknown-cloud-region", "pyproject.toml: tool.fleetform.regions.aws"
    )
