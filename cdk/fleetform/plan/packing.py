"""How many runners share one host: fal runs one runner per ``num_gpus`` GPUs, so a bigger host carries several.

fal's capacity numbers (``min_concurrency``, ``max_concurrency``, ``concurrency_buffer``,
``max_multiplexing``) count runners, and a runner is ``num_gpus`` GPUs. When a group's instance type has
more GPUs than that (a 1-GPU app falling back to an 8-GPU ``p4d.24xlarge``, ``num_gpus = 2`` on
``p5.48xlarge``), handing every GPU to one runner pays for GPUs nothing uses. The decision, one per group
and instance type:

* A host of a type with G GPUs carries ``runners = G // num_gpus`` runners (at least 1), each its own
  container with its own ``num_gpus`` GPUs, port, load-balancer target and in-flight gauge
  (``fleetform/runner``). The ``G mod num_gpus`` GPUs left over are idle and paid for: a
  ``plan/idle-gpus`` warning names their $/h (a warning, not an error: the app still runs).
* A group's capacity is counted in runners; hosts = ceil(runners / runners per host).
* CPU hosts carry one runner.

Per cloud (:data:`PACKING_RULES`):

* **AWS packs.** Each mixed-instances override carries ``weighted_capacity`` = that type's runners per
  host, so the ASG's min, max and desired capacity are capacity units, i.e. runners: "if you configure a
  mixed instances policy that defines weights for the instance types, you must specify these sizes with
  the same units", and the ASG "launches instances until the desired capacity is totally fulfilled, even
  if this results in an overage"; it may exceed ``MaxSize`` by at most the largest weight
  (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-weighting.html,
  API ``LaunchTemplateOverrides.WeightedCapacity``, ``UpdateAutoScalingGroup.MaxSize``).
* **GCP does not.** A MIG's autoscaler sizes the group in VMs, with no per-type weights
  (https://cloud.google.com/compute/docs/autoscaler), and its backend service reaches an instance group
  through the group's named port, one address per VM; per-runner targets would take zonal
  ``GCE_VM_IP_PORT`` network endpoint groups kept by the runners in place of the MIG backend (not
  built). GCP sells its accelerator families per GPU count (``a2-highgpu-1g/2g/4g/8g``,
  ``a3-highgpu-1g/2g/4g/8g``, ``g2-standard-*`` with 1, 2, 4 or 8 L4s), and the catalog picks the shape
  with exactly ``num_gpus`` GPUs (:mod:`fleetform.catalog.shapes`), so a GCP runner owns its VM; only where
  no such shape exists (``num_gpus = 3``; an 8-GPU-only family) are GPUs idle, with the same warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fleetform.catalog.instance_types import instance_types
from fleetform.errors import Problem
from fleetform.plan.model import HostPacking, PackingPlan
from fleetform.vocabulary import Cloud

PriceOf = Callable[[str], float | None]
"""$/hour of one host of an instance type in the group's region at its provisioning model (None: unknown)."""

PACKING_RULES: Mapping[Cloud, str | None] = {
    "aws": None,
    "gcp": ("one runner per VM: a MIG's autoscaler counts VMs, and GCP sells shapes with exactly num_gpus GPUs "
            "for most GPU counts"),
}
"""Per cloud: None when it packs runners, else why each host carries one runner."""


def plan_packing(cloud: Cloud, types: tuple[str, ...], num_gpus: int | None, price_of: PriceOf) -> PackingPlan:
    """The runners per host of each of ``types`` (fallback order) for an app asking ``num_gpus`` GPUs per runner.

    The spec defaults ``num_gpus`` to 1 on GPU types, and a cloud-native type must state its own count
    (``catalog/gpu-count-mismatch``), so ``num_gpus`` is every GPU type's runner size.
    """
    one_per_host = PACKING_RULES[cloud]
    shapes = instance_types(cloud)
    hosts = []
    for name in types:
        gpus = shapes[name].gpu_count
        per_runner = (num_gpus or 1) if gpus else 0
        runners = max(1, gpus // per_runner) if per_runner and one_per_host is None else 1
        hosts.append(HostPacking(name, gpus, runners, per_runner, price_of(name)))
    reason = one_per_host or ("fal runs one runner per num_gpus GPUs: each host of a type carries "
                              "GPUs // num_gpus runners, and the ASG counts them as capacity units")
    return PackingPlan(one_per_host is None, reason, tuple(hosts))


def slot_port_problems(packing: PackingPlan, app_port: int, metrics_port: int | None, agent_port: int,
                       where: str) -> tuple[Problem, ...]:
    """``plan/slot-ports-overlap`` when a host's slots would publish one port twice: slot k publishes app port +
    k and metrics port + k, and the runner agent listens on ``agent_port``."""
    slots = packing.max_runners_per_host
    ranges = [("exposed_port", range(app_port, app_port + slots))]
    if metrics_port is not None:
        ranges.append(("metrics_port", range(metrics_port, metrics_port + slots)))
    problems = []
    for index, (name, ports) in enumerate(ranges):
        clash = [other for other, taken in ranges[index + 1:] if set(ports) & set(taken)]
        if agent_port in ports:
            clash.append(f"the runner agent's port {agent_port}")
        if clash:
            problems.append(Problem(
                "plan/slot-ports-overlap", f"{where}.{name}",
                f"a host carries {slots} runners, which publish {name} {ports.start}-{ports.stop - 1} (one port per "
                f"runner), overlapping {' and '.join(clash)}",
                fix=f"move {name} at least {slots} ports away from the other ports"))
    return tuple(problems)


def idle_gpu_warnings(packing: PackingPlan, app: str, where: str, cloud_region: str) -> tuple[Problem, ...]:
    """``plan/idle-gpus`` for each type whose hosts keep GPUs no runner gets, with what they cost."""
    warnings = []
    for host in packing.hosts:
        if not host.idle_gpus:
            continue
        cost = "" if host.idle_hourly_usd is None else f" (${host.idle_hourly_usd:,.2f}/h of each host's price)"
        warnings.append(Problem(
            "plan/idle-gpus", where,
            f"{app} in {cloud_region}: {host.instance_type} has {host.gpus} GPUs and carries {host.runners} "
            f"runner(s) of {host.gpus_per_runner} GPU(s), so {host.idle_gpus} GPU(s) per host are paid for and "
            f"idle{cost}",
            fix="set num_gpus to a divisor of the instance's GPUs, or choose a machine_type with fewer GPUs"))
    return tuple(warnings)
