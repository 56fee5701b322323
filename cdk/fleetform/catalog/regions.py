"""fal's regions on each cloud: the default cloud region behind each, its zones, and what each zone offers.

fal has five regions (``fleetform.vocabulary.FAL_REGIONS``); a platform team runs each of them in
one region of each cloud. The defaults below come from cloud-mapping.md §2a (chosen for GPU coverage;
fal itself names no cloud regions) and are overridable in platform settings, e.g.
``[tool.fleetform.regions.aws] us-east = "us-east-2"``.

Zones are keyed by AWS **AZ ID** (``use1-az4``), which is the same physical zone in every account; the
AZ name (``us-east-1a``) differs per account and is kept only as a hint. GCP zone names are global.

A group's zones are the zones offering **all** of its instance types, so any fallback type can launch
in any of the group's zones (an ASG's subnets and a MIG's distribution zones are shared by all its
types). Types a region does not offer at all are dropped from that region's group by
:mod:`fleetform.catalog.resolve` before the zones are computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from fleetform.catalog.data_file import DATA_DIR, load
from fleetform.errors import FleetformError, did_you_mean, format_choices
from fleetform.vocabulary import CLOUDS, FAL_REGIONS

DEFAULT_CLOUD_REGIONS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "aws": MappingProxyType(
            {
                "us-west": "us-west-2",
                "us-central": "us-east-2",
                "us-east": "us-east-1",
                "eu-north": "eu-north-1",
                "eu-west": "eu-west-2",
            }
        ),
        "gcp": MappingProxyType(
            {
                "us-west": "us-west1",
                "us-central": "us-central1",
                "us-east": "us-east4",
                "eu-north": "europe-north1",
                "eu-west": "europe-west4",
            }
        ),
    }
)
"""Per cloud id, fal region → cloud region (cloud-mapping.md §2a)."""


@dataclass(frozen=True)
class Zone:
    """One zone of a cloud region.

    Attributes:
        id: the stable identifier: an AWS AZ ID (``use1-az4``) or a GCP zone (``us-east4-a``).
        name_hint: the AZ name one account saw for it (AWS; differs per account) or the GCP zone again.
    """

    id: str
    name_hint: str


@dataclass(frozen=True)
class RegionOfferings:
    """One cloud region: its zones and, per instance type, the zones that offer it."""

    cloud: str
    region: str
    zones: tuple[Zone, ...]
    offerings: Mapping[str, tuple[str, ...]]

    def zones_offering(self, instance_type: str) -> tuple[str, ...]:
        return self.offerings.get(instance_type, ())


def offerings_path(cloud: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / cloud / "offerings.json"


@lru_cache(maxsize=8)
def region_offerings(cloud: str, data_dir: Path = DATA_DIR) -> Mapping[str, RegionOfferings]:
    """Every cloud region the catalog has data for, by name."""
    regions = load(offerings_path(cloud, data_dir))["regions"]
    return {
        region: RegionOfferings(
            cloud=cloud,
            region=region,
            zones=tuple(Zone(zone_id, hint) for zone_id, hint in sorted(entry["zones"].items())),
            offerings={name: tuple(zones) for name, zones in sorted(entry["instance_types"].items())},
        )
        for region, entry in sorted(regions.items())
    }


def known_cloud_regions(cloud: str) -> tuple[str, ...]:
    """The regions of ``cloud`` the catalog has zone and offering data for (sorted)."""
    _check_cloud(cloud)
    return tuple(region_offerings(cloud))


def cloud_region_for(
    cloud: str, fal_region: str, overrides: Mapping[str, str] | None = None, *, where: str = "regions"
) -> str:
    """The cloud region behind ``fal_region``: the platform's override, else the default.

    Raises:
        FleetformError: ``catalog/unknown-region`` for a fal region typo, ``catalog/unknown-cloud-region``
            for an override naming a region the catalog has no data for.
    """
    _check_cloud(cloud)
    check_fal_region(fal_region, where=where)
    region = (overrides or {}).get(fal_region, DEFAULT_CLOUD_REGIONS[cloud][fal_region])
    check_cloud_region(cloud, region, where=where)
    return region


def check_fal_region(fal_region: str, *, where: str = "regions") -> None:
    """``catalog/unknown-region`` unless ``fal_region`` is one of fal's five regions."""
    if fal_region not in FAL_REGIONS:
        raise FleetformError.single(
            "catalog/unknown-region",
            where,
            f"unknown fal region {fal_region!r}{did_you_mean(fal_region, FAL_REGIONS)}",
            allowed=", ".join(FAL_REGIONS),
        )


def check_cloud_region(cloud: str, region: str, *, where: str = "regions") -> None:
    """``catalog/unknown-cloud-region`` unless the catalog has data for ``region`` of ``cloud``."""
    known = known_cloud_regions(cloud)
    if region not in known:
        raise FleetformError.single(
            "catalog/unknown-cloud-region",
            where,
            f"the catalog has no zone data for {cloud} region {region!r}{did_you_mean(region, known)}",
            allowed=format_choices(known),
            fix=f"pick one of these, or add it with 'fleetform catalog refresh --cloud {cloud} --region {region}'",
        )


def zones(cloud: str, cloud_region: str) -> tuple[Zone, ...]:
    """Every zone of ``cloud_region`` the catalog knows."""
    check_cloud_region(cloud, cloud_region)
    return region_offerings(cloud)[cloud_region].zones


def zones_for(
    cloud: str, cloud_region: str, instance_types: Sequence[str], *, where: str = "machine_type"
) -> tuple[str, ...]:
    """The zones of ``cloud_region`` that offer **all** of ``instance_types`` (sorted zone ids).

    Raises:
        FleetformError: ``catalog/no-zone`` when no zone offers them all, naming the regions that do.
    """
    check_cloud_region(cloud, cloud_region)
    found = _common_zones(region_offerings(cloud)[cloud_region], instance_types)
    if found:
        return found
    elsewhere = regions_offering(cloud, instance_types)
    raise FleetformError.single(
        "catalog/no-zone",
        where,
        f"no zone of {cloud} region {cloud_region} offers {_and_list(instance_types)}",
        allowed=("regions that do: " + ", ".join(elsewhere)) if elsewhere else f"no {cloud} region in the catalog does",
        fix="map this fal region to one of those regions in platform settings, or choose another machine type",
    )


def regions_offering(cloud: str, instance_types: Sequence[str]) -> tuple[str, ...]:
    """The catalog regions of ``cloud`` with at least one zone offering all of ``instance_types``."""
    return tuple(
        region for region, data in region_offerings(cloud).items() if _common_zones(data, instance_types)
    )


def _common_zones(region: RegionOfferings, instance_types: Iterable[str]) -> tuple[str, ...]:
    common: set[str] | None = None
    for name in instance_types:
        offered = set(region.zones_offering(name))
        common = offered if common is None else common & offered
    return tuple(sorted(common or ()))


def _and_list(names: Sequence[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _check_cloud(cloud: str) -> None:
    if cloud not in CLOUDS:
        raise FleetformError.single(
            "catalog/unknown-cloud",
            "cloud",
            f"unknown cloud {cloud!r}{did_you_mean(cloud, CLOUDS)}",
            allowed=", ".join(CLOUDS),
        )
