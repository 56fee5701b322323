"""Which construct renders what on each cloud, and how each cloud's stacks are configured.

The platform construct knows clouds only by name; this table is the one place that maps a name to
its region, shared-stack and provider classes (imported on first use, so a one-cloud platform never
loads the other cloud's constructs).
"""

from __future__ import annotations

from importlib import import_module

from fleetform.constructs.region import RegionFleet
from fleetform.constructs.shared import SharedResources
from fleetform.plan.model import PlatformPlan
from fleetform.tf import Construct

_CLOUD_MODULES = {"aws": "fleetform.constructs.aws", "gcp": "fleetform.constructs.gcp"}


def region_fleet_class(cloud: str) -> type[RegionFleet]:
    return import_module(_CLOUD_MODULES[cloud]).REGION_FLEET


def shared_resources_class(cloud: str) -> type[SharedResources]:
    return import_module(_CLOUD_MODULES[cloud]).SHARED_RESOURCES


def configure_provider(stack: Construct, cloud: str, cloud_region: str, platform: PlatformPlan) -> None:
    """The stack's provider block: region, account/project guard, tags or labels on every resource."""
    import_module(_CLOUD_MODULES[cloud]).configure_provider(stack, cloud_region, platform)
