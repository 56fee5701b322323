"""``FleetPlatform``: a platform repo's whole deployment, in stacks that do not grow with the number of apps.

Per cloud one shared stack (and, where the cloud keeps a repository per app, one stack of each built app's
repositories); per cloud region a base stack (network, load balancers, ``/data``), one stack per
app and, on clouds that route every app in one resource, a routes stack (:attr:`PlatformPlan.stacks`). Stacks
never reference each other: a stack finds what another created by its deterministic name (secrets, image
repositories, load balancers), so each stack plans and applies alone, and a change to one app plans only
that app's stacks. The manifest's stack dependencies order ``cdktf deploy '*'``: shared, base, apps, routes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from fleetform.constructs.backend import configure_backend
from fleetform.constructs.clouds import configure_provider, region_fleet_class, shared_resources_class
from fleetform.plan.model import PlatformPlan, StackPlan
from fleetform.plan.platform import plan_platform, plan_workspace
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp
from fleetform.spec.workspace import open_workspace
from fleetform.tf import App, Construct, TerraformStack


class FleetPlatform(Construct):
    """Every app of a platform on every enabled cloud and region.

    ``settings`` is the platform repo's pyproject.toml (or its folder): its ``[tool.fleetform]`` and the
    app projects its ``apps`` globs name. Or pass ``PlatformSettings`` and the resolved ``apps``, or a plan.
    """

    def __init__(self, scope: Construct, construct_id: str = "fleetform", *,
                 settings: Path | str | PlatformSettings | PlatformPlan, apps: Sequence[ResolvedApp] = (),
                 render: Collection[str] | None = None) -> None:
        super().__init__(scope, construct_id)
        if isinstance(settings, PlatformPlan):
            self.plan = settings
        elif isinstance(settings, PlatformSettings):
            self.plan = plan_platform(apps, settings, None)
        else:
            self.plan = plan_workspace(open_workspace(Path(settings)))
        self.stacks: dict[str, TerraformStack] = {}
        self.written: tuple[str, ...] = ()
        """The stacks whose files the synth that built this platform changed (``fleetform.synth``)."""
        self.rendered = tuple(stack.name for stack in self.plan.stacks if render is None or stack.name in render)
        """The stacks rendered in full; the others (``render`` leaves them out) are empty, there only so
        that the manifest names every stack and its dependencies (incremental synth keeps their files)."""
        shared_plans = {shared.cloud: shared for shared in self.plan.shared}
        regions = {(region.cloud, region.cloud_region): region for region in self.plan.regions}
        for stack_plan in self.plan.stacks:
            if stack_plan.name not in self.rendered:
                self._stack(stack_plan, configured=False)
            elif stack_plan.role in ("shared", "app-shared"):
                stack = self._stack(stack_plan)
                shared_resources_class(stack_plan.cloud)(stack, "shared", platform=self.plan, stack=stack_plan,
                                                         shared=shared_plans[stack_plan.cloud].of_stack(stack_plan))
            else:
                stack = self._stack(stack_plan)
                region_fleet_class(stack_plan.cloud)(stack, "region", platform=self.plan, stack=stack_plan,
                                                     region=regions[(stack_plan.cloud, stack_plan.cloud_region)])

    def _stack(self, plan: StackPlan, *, configured: bool = True) -> TerraformStack:
        # A child of the app, not of this construct: cdktf's manifest writes a stack dependency as the
        # other stack's construct path and cdktf-cli matches it against stack names, so the two must agree.
        stack = TerraformStack(App.of(self), plan.name)
        if configured:
            configure_backend(stack, plan.name, self.plan.state)
            configure_provider(stack, plan.cloud, plan.cloud_region, self.plan)
        for dependency in plan.depends_on:
            stack.add_dependency(self.stacks[dependency])
        self.stacks[plan.name] = stack
        return stack


def platform_plan(settings: Path | str) -> PlatformPlan:
    """The plan ``FleetPlatform`` would build from a platform repo, without building it."""
    return plan_workspace(open_workspace(Path(settings)))
