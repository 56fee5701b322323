"""Where an app's runners go: per cloud and fal region, the instance types and the zones that offer them.

An app is placed on every enabled cloud and in every one of its fal regions that can host its machine
types. A cloud or region that cannot (``GPU-L40`` on GCP, a B200 in a region without one) is left out
with a warning, so one missing offering does not block a platform; an app no cloud can host at all is an
error.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.catalog.resolve import resolve
from fleetform.errors import FleetformError, Problem, where_toml
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp


@dataclass(frozen=True)
class RegionPlacement:
    """One instance group: an app in one cloud region."""

    cloud: str
    fal_region: str
    cloud_region: str
    instance_types: tuple[str, ...]
    zones: tuple[str, ...]
    gpus_per_instance: int


@dataclass(frozen=True)
class AppPlacement:
    groups: tuple[RegionPlacement, ...]
    warnings: tuple[Problem, ...]


def place_app(app: ResolvedApp, platform: PlatformSettings) -> AppPlacement:
    """Place ``app`` on the platform's clouds and the app's regions; raises when nothing can host it."""
    where = where_toml(app.pyproject, "tool", "fal", "apps", app.key, "machine_type")
    groups: list[RegionPlacement] = []
    warnings: list[Problem] = []
    regions = app.spec.regions or platform.default_regions
    for cloud in platform.clouds:
        cloud_regions = {fal_region: platform.cloud_region(cloud, fal_region) for fal_region in regions}
        try:
            resolution = resolve(app.spec.machine_type, app.spec.num_gpus, cloud,
                                 tuple(dict.fromkeys(cloud_regions.values())), where=where)
        except FleetformError as error:
            warnings += [_not_on_cloud(cloud, problem) for problem in error.problems]
            continue
        warnings += resolution.warnings
        gpus = {choice.instance_type.name: choice.gpus for choice in resolution.choices}
        for fal_region, cloud_region in cloud_regions.items():
            placement = resolution.placements[cloud_region]
            if placement.problem is not None:
                warnings.append(placement.problem)
                continue
            warnings += placement.warnings
            groups.append(RegionPlacement(cloud, fal_region, cloud_region, placement.instance_types, placement.zones,
                                          gpus[placement.instance_types[0]]))
    if not groups:
        raise FleetformError([Problem("plan/unplaceable", where,
                                      f"no enabled cloud ({', '.join(platform.clouds)}) can run machine_type "
                                      f"{list(app.spec.machine_type)} in regions {list(regions)}",
                                      fix="see the warnings below for each cloud; choose another machine type or "
                                      "region, or add a fallback"), *warnings])
    return AppPlacement(tuple(groups), tuple(_unique(warnings)))


def _not_on_cloud(cloud: str, problem: Problem) -> Problem:
    return Problem(problem.code, problem.where, f"not placed on {cloud}: {problem.message}", problem.allowed,
                   problem.fix)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
