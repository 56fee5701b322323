"""cdktf constructs that render the plan: ``FleetPlatform`` for platform repos, ``FleetApp`` for one app."""

from fleetform.constructs.app import FleetApp
from fleetform.constructs.platform import FleetPlatform, platform_plan

__all__ = ["FleetApp", "FleetPlatform", "platform_plan"]
