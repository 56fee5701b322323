"""On-demand (and Spot) prices per instance type and region, with where each came from and when.

Read from ``data/<cloud>/prices.json``: per region, the USD/hour of each instance type plus that
region's ``source`` and ``as_of``. An entry is a number (the region's source and date) or an object
``{"usd": ..., "source": KEY, "as_of": DATE}`` when it was seeded from another source than the rest of
its region. ``spot_instance_types`` holds Spot prices, seeded for the shapes the platform runs as Spot.
AWS prices are refreshed from the Price List API; GCP prices are seeded from cited public tables (see
``data/README.md``). A missing price is ``None``, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fleetform.catalog.data_file import DATA_DIR, load


@dataclass(frozen=True)
class Price:
    """The price of one instance type in one region (on-demand: Linux, shared tenancy).

    Attributes:
        value: price per hour.
        currency: always ``USD``.
        source: where the number came from (an API or a cited table).
        as_of: the date the number was read (ISO 8601).
    """

    value: float
    currency: str
    source: str
    as_of: str


def prices_path(cloud: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / cloud / "prices.json"


@lru_cache(maxsize=8)
def region_prices(cloud: str, data_dir: Path = DATA_DIR) -> Mapping[str, Mapping[str, Price]]:
    """Per region, per instance type, its on-demand price."""
    return _table(cloud, data_dir, "instance_types")


@lru_cache(maxsize=8)
def region_spot_prices(cloud: str, data_dir: Path = DATA_DIR) -> Mapping[str, Mapping[str, Price]]:
    """Per region, per instance type, its Spot price (only where one was seeded)."""
    return _table(cloud, data_dir, "spot_instance_types")


def hourly_price(cloud: str, region: str, instance_type: str) -> Price | None:
    """The on-demand price per hour of ``instance_type`` in ``region``, or None when the catalog has none."""
    return region_prices(cloud).get(region, {}).get(instance_type)


def spot_price(cloud: str, region: str, instance_type: str) -> Price | None:
    """The Spot price per hour of ``instance_type`` in ``region``, or None when the catalog has none."""
    return region_spot_prices(cloud).get(region, {}).get(instance_type)


def _table(cloud: str, data_dir: Path, key: str) -> Mapping[str, Mapping[str, Price]]:
    document = load(prices_path(cloud, data_dir))
    currency = document["currency"]
    return {
        region: {name: _price(value, currency, entry) for name, value in sorted(entry.get(key, {}).items())}
        for region, entry in sorted(document["regions"].items())
    }


def _price(value: Any, currency: str, region: Mapping[str, Any]) -> Price:
    if isinstance(value, Mapping):
        return Price(float(value["usd"]), currency, str(value["source"]), str(value["as_of"]))
    return Price(float(value), currency, region["source"], region["as_of"])
