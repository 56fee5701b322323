"""The shape every cloud's region shares: the region's own resources, one construct per app group, its routes.

A cloud renders a region by subclassing :class:`RegionFleet` (as aws-cdk's ECS patterns share a base
and specialise per launch type). Each group is built under a construct whose id is the app name, so
construct paths and resource ids derive from the region construct and the app name only.

The platform splits a region over several stacks (:meth:`fleetform.plan.model.RegionPlan.stacks`): the
``base`` stack builds the region's own resources, each ``app`` stack finds them by name and builds one
app's group, and a ``routes`` stack (where the cloud has one) finds them and routes to every app. Every
part keeps the construct path it has in a one-stack region (``region/<app>/...``), so a resource keeps its
Terraform address when it moves to its stack (what ``fleetform migrate-state`` relies on). Without a stack
plan (``FleetApp``, a team's own stack) one construct builds the whole region.
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan, PlatformPlan, RegionPlan, StackPlan
from fleetform.tf import Construct


class RegionFleet(Construct):
    """One cloud region, or the part of it ``stack`` holds: base resources, app groups, routes."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, region: RegionPlan,
                 stack: StackPlan | None = None) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        self.region = region
        self.stack = stack
        role = stack.role if stack is not None else None
        self.built_groups = tuple(group for group in region.groups
                                  if role is None or (role == "app" and stack is not None and group.app == stack.app))
        """The groups this construct builds: every group of a whole region, one app's in an app stack."""
        if role in (None, "base"):
            self.build_region()
        else:
            self.find_region()
        for group in self.built_groups:
            self.build_group(Construct(self, group.app), group)
        if role in (None, "routes"):
            self.build_routes()

    @property
    def whole_region(self) -> bool:
        """Whether this construct builds the whole region in one stack (a team's own stack)."""
        return self.stack is None

    def build_region(self) -> None:
        """Resources the region's groups share (network lookups, load balancers, the /data volume)."""
        raise NotImplementedError

    def find_region(self) -> None:
        """What :meth:`build_region` creates and :attr:`built_groups` use, found by deterministic name (an app
        or routes stack): a stack reads only what its own groups need, so another app's change never reaches it."""
        raise NotImplementedError

    def build_group(self, scope: Construct, group: GroupPlan) -> None:
        """One app's instance group, its routing and its permissions, under ``scope``."""
        raise NotImplementedError

    def build_routes(self) -> None:
        """Routing that names every app of the region in one resource; nothing where each app routes itself."""
