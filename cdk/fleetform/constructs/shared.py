"""The shape of a cloud's shared stack: what the platform holds once per cloud."""

from __future__ import annotations

from fleetform.plan.model import PlatformPlan, SharedPlan, StackPlan
from fleetform.tf import Construct


class SharedResources(Construct):
    """Secret containers (values are set outside Terraform), image repositories, restricted log storage.

    ``shared`` is the slice ``stack`` renders (:meth:`SharedPlan.of_stack`): the cloud's shared stack, or
    an ``app-shared`` stack holding one app's repositories under the same construct paths.
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, stack: StackPlan,
                 shared: SharedPlan) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        self.stack = stack
        self.shared = shared
        self.build()

    def build(self) -> None:
        raise NotImplementedError
