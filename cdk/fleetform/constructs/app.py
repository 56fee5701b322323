"""``FleetApp``: one app's instance group in a team's own cdktf stack.

For a team that composes its app into its own infrastructure code: the stack is the team's (with its
provider and backend); fleetform adds the app's group for that stack's cloud region, with its own
load balancer. Secrets and image repositories are the platform's shared ones, found by name.
"""

from __future__ import annotations

from pathlib import Path

from fleetform.constructs.clouds import region_fleet_class
from fleetform.errors import FleetformError, did_you_mean, format_choices
from fleetform.plan.model import PlatformPlan, RegionPlan
from fleetform.plan.platform import plan_platform
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.pyproject import read_pyproject
from fleetform.spec.resolve import load_apps
from fleetform.tf import Construct


class FleetApp(Construct):
    """The group of app ``name`` from the fal project ``project`` (a pyproject.toml or its folder)."""

    def __init__(self, scope: Construct, construct_id: str, *, project: Path | str, name: str, cloud: str,
                 cloud_region: str, settings: PlatformSettings | None = None) -> None:
        super().__init__(scope, construct_id)
        settings = settings or PlatformSettings()
        pyproject = read_pyproject(Path(project))
        apps = [app for app in load_apps(pyproject, settings) if app.spec.name == name]
        if not apps:
            known = [app.spec.name for app in load_apps(pyproject, settings)]
            raise FleetformError.single("plan/unknown-app", str(pyproject.path),
                                        f"no app named {name!r}{did_you_mean(name, known)}",
                                        allowed=format_choices(known), fix="use the app's deployed name")
        plan = plan_platform(apps, settings.model_copy(update={"clouds": (cloud,)}), pyproject.path,
                             rules="team-stack")
        self.plan: PlatformPlan = plan
        self.region: RegionPlan = _region(plan, cloud, cloud_region, name)
        region_fleet_class(cloud)(self, "region", platform=plan, region=self.region)


def _region(plan: PlatformPlan, cloud: str, cloud_region: str, name: str) -> RegionPlan:
    region = plan.region(cloud, cloud_region)
    if region is None:
        placed = [f"{r.cloud}:{r.cloud_region}" for r in plan.regions]
        raise FleetformError.single("plan/not-in-region", f"{cloud}:{cloud_region}",
                                    f"app {name!r} is not placed in {cloud} region {cloud_region}",
                                    allowed=", ".join(placed) or "none", fix="set the app's regions or the platform's")
    return region
