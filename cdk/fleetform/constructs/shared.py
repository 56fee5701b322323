"""The shape of a cloud's shared stack: what the platform holds once per cloud."""

from __future__ import annotations

from fleetform.plan.model import PlatformPlan, SharedPlan
from fleetform.tf import Construct


class SharedResources(Construct):
    """Secret containers (values are set outside Terraform), image repositories, restricted log storage."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, shared: SharedPlan) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        self.shared = shared
        self.build()

    def build(self) -> None:
        raise NotImplementedError
