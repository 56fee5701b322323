"""One simulation: the reference and each cloud's policy on one trace, and what they cost.

Each cloud is represented by the app's first group on that cloud (the plan's stack order), whose
preferred instance type sets the runners per host (``plan.packing``) and, with its price, turns
runner-hours into billed host GPU-hours and dollars: hosts are billed whole, so a cloud's runner costs
its host's GPUs and price over the runners the host carries. The reference (fal bills per runner) runs
once; its GPU-hours and cost are counted on each cloud's runner shape, so a cloud's
``gpu_hours_ratio`` compares like with like.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fleetform.plan.metrics import gcp_series_labels
from fleetform.plan.model import GroupPlan
from fleetform.scaling.aws_policy import aws_scaling_policy
from fleetform.scaling.boot import BootModel
from fleetform.scaling.gcp_policy import gcp_scaling_policy
from fleetform.scaling.settings import ScaleSettings, app_scale_settings
from fleetform.simulate.aws import AwsPolicy
from fleetform.simulate.engine import PolicyRun, Scaler, replay
from fleetform.simulate.gcp import GcpPolicy, regions_summed
from fleetform.simulate.reference import FalReference
from fleetform.simulate.trace import Trace

SIMULATED_GROUP_NAME = "simulated"
"""Stands for the ASG, MIG, load balancer and backend service names the policies mention."""


@dataclass(frozen=True)
class CloudRun:
    """One cloud's policy over the trace, with the runner shape that prices it."""

    group: GroupPlan
    run: PolicyRun
    regions_summed: int = 1
    """Regions whose demand the cloud's policy scales this group on (1: its own, issue 14.2)."""

    @property
    def runners_per_host(self) -> int:
        return self.group.packing.preferred.runners

    @property
    def gpus_per_runner(self) -> float:
        """The host GPUs each runner is billed for: its own and its share of the idle ones."""
        host = self.group.packing.preferred
        return host.gpus / host.runners

    def gpu_hours(self, run: PolicyRun) -> float:
        return run.runner_hours * self.gpus_per_runner

    def cost_usd(self, run: PolicyRun) -> float | None:
        price = self.group.hourly_usd_per_runner
        return None if price is None else run.runner_hours * price


@dataclass(frozen=True)
class Simulation:
    trace: Trace
    settings: ScaleSettings
    boot: BootModel
    reference: PolicyRun
    clouds: tuple[CloudRun, ...]

    def gpu_hours_ratio(self, cloud: CloudRun) -> float | None:
        """The cloud's GPU-hours over the reference's on the same runner shape (None: reference used none)."""
        return None if not self.reference.runner_seconds else cloud.run.runner_seconds / self.reference.runner_seconds

    def extra_wait_per_scale_up(self, cloud: CloudRun) -> float:
        """Seconds of unmet demand beyond the reference's, per scale-up of the cloud's policy."""
        extra = max(0.0, cloud.run.unmet_seconds - self.reference.unmet_seconds)
        return extra / max(1, cloud.run.scale_ups)

    @property
    def wait_bound_seconds(self) -> int:
        """The issue's bound on extra waiting per scale-up: scaling_delay plus boot time."""
        return self.settings.scaling_delay_seconds + self.boot.seconds


def simulate_groups(groups: list[GroupPlan], trace: Trace, boot: BootModel,
                    every_region: Sequence[GroupPlan] = ()) -> Simulation:
    """Replay ``trace`` under fal's reference and under the policy of each group's cloud.

    ``every_region`` holds all the app's groups: each region serves the trace, and a policy whose
    metric filter matched other regions' series would scale on their demand too.
    """
    settings = app_scale_settings(groups[0].scaling)
    reference = replay(trace, FalReference(settings), settings, boot)
    clouds = []
    for group in groups:
        peers = [peer for peer in every_region if peer.cloud == group.cloud] or [group]
        scaler, regions = _SCALERS[group.cloud](group, boot, peers)
        clouds.append(CloudRun(group, replay(trace, scaler, settings, boot, group.packing.preferred.runners), regions))
    return Simulation(trace, settings, boot, reference, tuple(clouds))


def _aws_scaler(group: GroupPlan, boot: BootModel, peers: Sequence[GroupPlan]) -> tuple[Scaler, int]:
    """CloudWatch is regional and each runner publishes into its own region: one region's demand."""
    settings = app_scale_settings(group.scaling)
    drain = group.rollout.draining
    protected = drain.protect_busy_runners and group.runner.metrics_port is not None
    return AwsPolicy(settings, aws_scaling_policy(settings, boot, group_name=SIMULATED_GROUP_NAME,
                                                  load_balancer=SIMULATED_GROUP_NAME,
                                                  target_group=SIMULATED_GROUP_NAME),
                     protected_for=drain.protection_idle_seconds if protected else 0.0), 1


def _gcp_scaler(group: GroupPlan, boot: BootModel, peers: Sequence[GroupPlan]) -> tuple[Scaler, int]:
    """Cloud Monitoring is project-wide: the policy sums every region's series its filter matches."""
    settings = app_scale_settings(group.scaling)
    policy = gcp_scaling_policy(settings, boot, group_name=SIMULATED_GROUP_NAME, region=group.cloud_region,
                                backend_service=SIMULATED_GROUP_NAME)
    regions = regions_summed(policy, [gcp_series_labels(SIMULATED_GROUP_NAME, peer.cloud_region) for peer in peers])
    return GcpPolicy(settings, policy, regions), regions


_SCALERS: dict[str, Callable[[GroupPlan, BootModel, Sequence[GroupPlan]], tuple[Scaler, int]]] = {
    "aws": _aws_scaler, "gcp": _gcp_scaler}
"""Per cloud, the replay of its scaling policy."""
