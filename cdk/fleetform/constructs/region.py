"""The shape every cloud's region shares: the region's own resources, then one construct per app group.

A cloud renders a region by subclassing :class:`RegionFleet` (as aws-cdk's ECS patterns share a base
and specialise per launch type). Each group is built under a construct whose id is the app name, so
construct paths and resource ids derive from the stack (cloud + region) and the app name only.
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan, PlatformPlan, RegionPlan
from fleetform.tf import Construct


class RegionFleet(Construct):
    """One cloud region: its network lookups, load balancers and data volume, then its app groups."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, region: RegionPlan) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        self.region = region
        self.build_region()
        for group in region.groups:
            self.build_group(Construct(self, group.app), group)

    def build_region(self) -> None:
        """Resources the region's groups share (network lookups, load balancers, the /data volume)."""
        raise NotImplementedError

    def build_group(self, scope: Construct, group: GroupPlan) -> None:
        """One app's instance group, its routing and its permissions, under ``scope``."""
        raise NotImplementedError
