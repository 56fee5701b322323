"""What one cloud's APIs said, in the catalog's terms, before it is merged into the data files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fleetform.catalog.instance_types import InstanceType


@dataclass(frozen=True)
class RegionSnapshot:
    """One cloud region as its API describes it.

    Attributes:
        zones: zone id → name hint (AWS AZ ID → the AZ name this account sees; GCP zone → itself).
        offerings: instance type → the zone ids offering it (kept families only).
        prices: instance type → on-demand USD/hour, or None when this cloud's prices are not refreshed.
    """

    zones: Mapping[str, str]
    offerings: Mapping[str, tuple[str, ...]]
    prices: Mapping[str, float] | None = None


@dataclass(frozen=True)
class CloudSnapshot:
    """Everything read from one cloud in one refresh.

    Attributes:
        cloud: ``aws`` or ``gcp``.
        instance_types: every kept instance type offered in the refreshed regions, by name.
        regions: the refreshed regions, by name.
        source: how the data was read, for the files' ``source``.
        price_source: how the prices were read, for each refreshed region's price ``source``.
    """

    cloud: str
    instance_types: Mapping[str, InstanceType]
    regions: Mapping[str, RegionSnapshot]
    source: str
    price_source: str | None = None
