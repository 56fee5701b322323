"""Rebuilding a cloud's catalog data files from its APIs (``fleetform catalog refresh``).

Reading (:mod:`.aws`, :mod:`.gcp`) produces a :class:`~.snapshot.CloudSnapshot`; :mod:`.update` merges
it into the data files, writes only files whose entries changed, and reports each changed entry.
Nothing is written when any API call fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from pathlib import Path

from fleetform.catalog.instance_types import instance_types, instance_types_path
from fleetform.catalog.prices import region_prices, region_spot_prices
from fleetform.catalog.refresh.changes import RefreshReport
from fleetform.catalog.refresh.snapshot import CloudSnapshot
from fleetform.catalog.refresh.update import apply_snapshot
from fleetform.catalog.regions import DEFAULT_CLOUD_REGIONS, offerings_path, region_offerings


def refresh_catalog(
    cloud: str,
    data_dir: Path,
    regions: Sequence[str] = (),
    *,
    project: str | None = None,
    api_endpoint: str | None = None,
    today: str | None = None,
) -> RefreshReport:
    """Refresh ``cloud``'s data under ``data_dir`` for ``regions`` (default: the regions already there).

    Args:
        cloud: ``aws`` or ``gcp``.
        data_dir: the catalog data directory (the packaged one, or a copy).
        regions: cloud regions to refresh; new ones are added.
        project: GCP only, the project to list machine types with.
        api_endpoint: GCP only, the Compute endpoint.
        today: the date written as ``generated_at`` / ``as_of`` (default: today, UTC).

    Raises:
        FleetformError: ``catalog/refresh-failed`` (credentials, API errors) or an unknown region;
            the data is then untouched.
    """
    chosen = tuple(regions) or _regions_in(cloud, data_dir)
    snapshot = _read(cloud, chosen, data_dir, project, api_endpoint)
    report = apply_snapshot(snapshot, data_dir, today or datetime.datetime.now(datetime.UTC).date().isoformat())
    for cached in (instance_types, region_offerings, region_prices, region_spot_prices):
        cached.cache_clear()
    return report


def _regions_in(cloud: str, data_dir: Path) -> tuple[str, ...]:
    if offerings_path(cloud, data_dir).exists():
        return tuple(region_offerings(cloud, data_dir))
    return tuple(dict.fromkeys(DEFAULT_CLOUD_REGIONS[cloud].values()))


def _read(cloud: str, regions: tuple[str, ...], data_dir: Path, project: str | None,
          api_endpoint: str | None) -> CloudSnapshot:
    return _READERS[cloud](regions, data_dir, project, api_endpoint)


def _read_aws(regions: tuple[str, ...], data_dir: Path, project: str | None, api_endpoint: str | None) -> CloudSnapshot:
    from fleetform.catalog.refresh.aws import read_aws  # boto3 loads only when AWS is refreshed

    return read_aws(regions)


def _read_gcp(regions: tuple[str, ...], data_dir: Path, project: str | None, api_endpoint: str | None) -> CloudSnapshot:
    from fleetform.catalog.refresh.gcp import read_gcp  # the Compute client loads only when GCP is refreshed

    known = instance_types("gcp", data_dir) if instance_types_path("gcp", data_dir).exists() else {}
    return read_gcp(regions, project=project, api_endpoint=api_endpoint, known=known)


_READERS: dict[str, Callable[[tuple[str, ...], Path, str | None, str | None], CloudSnapshot]] = {
    "aws": _read_aws, "gcp": _read_gcp}
"""Per cloud, how its catalog is read from the cloud's own APIs."""
