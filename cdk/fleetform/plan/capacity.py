"""How a group gets VMs: the provisioning model and the machine types its group really carries.

One decision per group, made here so that ``explain``, cost, ``simulate`` and synth describe the same
fleet. Each cloud's rule lives in :data:`CAPACITY_RULES`; the constructs only render the result.

**AWS.** Every type is bought on demand; an ASG's ``mixed_instances_policy`` carries every fallback
type in priority order, so all of them stay.

**GCP, provisioning model.** ``a3-highgpu-1g``/``-2g``/``-4g`` (the catalog's ``on_demand: false``) are
sold only as Spot or Flex-start VMs, not on demand
(https://cloud.google.com/compute/docs/accelerator-optimized-machines#a3-high-vms). Flex-start VMs
join a MIG only through resize requests, which the autoscaler does not issue, and run at most
seven days (https://cloud.google.com/compute/docs/instances/flex-start-vms). So a group whose
preferred type is not sold on demand runs **Spot** VMs (preemptible at any time with 30 s notice,
which is also fal's longest termination grace). Every other group runs on-demand (``STANDARD``) VMs.

**GCP, fallback types.** A regional MIG's ``instance_flexibility_policy`` lets it create VMs of other
machine types when the preferred one has no capacity; the selections override the template's
machine type, and everything else comes from the one template
(https://cloud.google.com/compute/docs/instance-groups/about-instance-flexibility). A fallback type
therefore joins only when the template fits it: the same boot disk type and NIC
(:mod:`~fleetform.plan.gcp_machine_family`), GPUs built into the machine type (an N1 template's
``guest_accelerator`` is one GPU model), and, for an on-demand group, a type that is sold on demand.
Types left out are warnings of the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from fleetform.catalog.instance_types import instance_types
from fleetform.plan.gcp_machine_family import MachineFamily, machine_family
from fleetform.vocabulary import Cloud

ProvisioningModel = Literal["on-demand", "spot"]


@dataclass(frozen=True)
class Capacity:
    """The provisioning model (with its reason) and the machine types the group may create, preferred first."""

    provisioning: ProvisioningModel
    provisioning_reason: str
    instance_types: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    """(machine type, why) for each fallback type the group cannot carry."""
    boot_disk_type: str | None
    """The template's boot disk type where the cloud makes it a per-family choice (GCP)."""
    nic_type: str | None
    gpus_in_template: bool
    """Whether GPUs are attached by the template (GCP N1 ``guest_accelerator``) rather than built into the type."""


def plan_capacity(cloud: Cloud, types: tuple[str, ...], where: str) -> Capacity:
    """The capacity of a group of ``types`` (fallback order) on ``cloud``; ``where`` names the app's key."""
    return CAPACITY_RULES[cloud](types, where)


def _aws_capacity(types: tuple[str, ...], where: str) -> Capacity:
    return Capacity("on-demand", "EC2 sells every catalog type on demand; the ASG carries all fallback types",
                    types, (), None, None, False)


def _gcp_capacity(types: tuple[str, ...], where: str) -> Capacity:
    preferred, *fallbacks = types
    on_demand = _gcp_on_demand(preferred)
    family = machine_family(preferred, where)
    kept, left_out = [preferred], []
    for machine_type in fallbacks:
        reason = _gcp_why_not(machine_type, family, on_demand, where)
        if reason is None:
            kept.append(machine_type)
        else:
            left_out.append((machine_type, reason))
    if on_demand:
        model: ProvisioningModel = "on-demand"
        reason = f"{preferred} is sold on demand"
    else:
        model = "spot"
        reason = (f"{preferred} is sold only as Spot or Flex-start, and a MIG's autoscaler cannot create "
                  "Flex-start VMs")
    return Capacity(model, reason, tuple(kept), tuple(left_out), family.boot_disk_type, family.nic_type,
                    family.guest_accelerators)


def _gcp_why_not(machine_type: str, preferred: MachineFamily, on_demand: bool, where: str) -> str | None:
    family = machine_family(machine_type, where)
    if family.guest_accelerators or preferred.guest_accelerators:
        return "N1 VMs take their GPUs from the template, which names one GPU model"
    if family.boot_disk_type != preferred.boot_disk_type:
        return f"it boots from {family.boot_disk_type}, the template's boot disk is {preferred.boot_disk_type}"
    if family.nic_type != preferred.nic_type:
        return "it needs another network interface type than the template's"
    if on_demand and not _gcp_on_demand(machine_type):
        return "it is sold only as Spot or Flex-start, and the group's preferred type runs on demand"
    return None


def _gcp_on_demand(machine_type: str) -> bool:
    return instance_types("gcp")[machine_type].on_demand


CAPACITY_RULES: Mapping[Cloud, Callable[[tuple[str, ...], str], Capacity]] = {
    "aws": _aws_capacity,
    "gcp": _gcp_capacity,
}
