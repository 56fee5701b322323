"""On-demand prices per instance type and region, with where each came from and when.

Read from ``data/<cloud>/prices.json``: per region, the USD/hour of each instance type plus that
region's source and date. AWS prices are refreshed from the Price List API; GCP prices are seeded from
public list prices (see the file's ``source``). A missing price is ``None``, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fleetform.catalog.data_file import DATA_DIR, load


@dataclass(frozen=True)
class Price:
    """The on-demand (Linux, shared tenancy) price of one instance type in one region.

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
    """Per region, per instance type, its price."""
    document = load(prices_path(cloud, data_dir))
    currency = document["currency"]
    return {
        region: {
            name: Price(float(value), currency, entry["source"], entry["as_of"])
            for name, value in sorted(entry["instance_types"].items())
        }
        for region, entry in sorted(document["regions"].items())
    }


def hourly_price(cloud: str, region: str, instance_type: str) -> Price | None:
    """The on-demand price per hour of ``instance_type`` in ``region``, or None when the catalog has none."""
    return region_prices(cloud).get(region, {}).get(instance_type)
