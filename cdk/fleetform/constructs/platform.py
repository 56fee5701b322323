"""``FleetPlatform``: a platform repo's whole deployment, one stack per cloud region plus one shared per cloud.

Stacks are independent: a region stack finds what the shared stack created by its deterministic name
(secrets, image repositories), never through cross-stack references, so each stack plans and applies
alone and a change to one region never touches another. Each region stack depends on its cloud's shared
stack in cdktf's manifest, so ``cdktf deploy '*'`` applies the shared stacks first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fleetform.constructs.backend import configure_backend
from fleetform.constructs.clouds import configure_provider, region_fleet_class, shared_resources_class
from fleetform.plan.model import PlatformPlan
from fleetform.plan.platform import plan_platform, plan_workspace
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp
from fleetform.spec.workspace import open_workspace
from fleetform.tf import App, Construct, TerraformStack


class FleetPlatform(Construct):
    """Every app of a platform on every enabled cloud and region.

    ``settings`` is the platform repo's pyproject.toml (or its folder): its ``[tool.fleetform]`` and the
    app projects its ``apps`` globs name. Or pass ``PlatformSettings`` and the resolved ``apps``.
    """

    def __init__(self, scope: Construct, construct_id: str = "fleetform", *,
                 settings: Path | str | PlatformSettings, apps: Sequence[ResolvedApp] = ()) -> None:
        super().__init__(scope, construct_id)
        if isinstance(settings, PlatformSettings):
            self.plan = plan_platform(apps, settings, None)
        else:
            self.plan = plan_workspace(open_workspace(Path(settings)))
        self.stacks: dict[str, TerraformStack] = {}
        for shared in self.plan.shared:
            stack = self._stack(shared.stack_name, shared.cloud, shared.home_region)
            shared_resources_class(shared.cloud)(stack, "shared", platform=self.plan, shared=shared)
        for region in self.plan.regions:
            stack = self._stack(region.stack_name, region.cloud, region.cloud_region)
            region_fleet_class(region.cloud)(stack, "region", platform=self.plan, region=region)
            cloud_shared = self.plan.shared_for(region.cloud)
            if cloud_shared is not None:
                # Deploy order only (manifest.json): the region names the shared stack's secrets and
                # repositories, so `cdktf deploy '*'` must apply the shared stack first.
                stack.add_dependency(self.stacks[cloud_shared.stack_name])

    def _stack(self, name: str, cloud: str, cloud_region: str) -> TerraformStack:
        # A child of the app, not of this construct: cdktf's manifest writes a stack dependency as the
        # other stack's construct path and cdktf-cli matches it against stack names, so the two must agree.
        stack = TerraformStack(App.of(self), name)
        configure_backend(stack, name, self.plan.state)
        configure_provider(stack, cloud, cloud_region, self.plan)
        self.stacks[name] = stack
        return stack


def platform_plan(settings: Path | str) -> PlatformPlan:
    """The plan ``FleetPlatform`` would build from a platform repo, without building it."""
    return plan_workspace(open_workspace(Path(settings)))
