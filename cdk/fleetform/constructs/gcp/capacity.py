"""How a group gets VMs on GCP: the provisioning model, and which fallback machine types one template can serve.

**Provisioning model.** ``a3-highgpu-1g``/``-2g``/``-4g`` (the catalog's ``on_demand: false``) are sold
only as Spot or Flex-start VMs, not on demand
(https://cloud.google.com/compute/docs/accelerator-optimized-machines#a3-high-vms). Flex-start VMs
join a MIG only through resize requests, which the autoscaler does not issue, and run at most
seven days (https://cloud.google.com/compute/docs/instances/flex-start-vms). So a group whose
preferred type is not sold on demand runs **Spot** VMs (preemptible at any time with 30 s notice,
which is also fal's longest termination grace); ``instance_termination_action = DELETE`` lets the
MIG recreate a preempted runner as soon as capacity returns. Every other group runs ``STANDARD``
(on-demand) VMs. Spot requires ``automatic_restart = false`` and ``on_host_maintenance = TERMINATE``
(https://cloud.google.com/compute/docs/instances/spot).

**Host maintenance.** GPU VMs cannot live-migrate: ``on_host_maintenance = TERMINATE`` with
``automatic_restart`` (https://cloud.google.com/compute/docs/gpus/gpu-host-maintenance). CPU VMs
live-migrate (``MIGRATE``).

**Fallback types.** A regional MIG's ``instance_flexibility_policy`` lets it create VMs of other
machine types when the preferred one has no capacity; the selections override the template's
machine type, and everything else comes from the one template
(https://cloud.google.com/compute/docs/instance-groups/about-instance-flexibility). A fallback type
therefore joins only when the template fits it: the same boot disk type and NIC
(:mod:`~fleetform.constructs.gcp.machine_family`), GPUs built into the machine type (an N1
template's ``guest_accelerator`` is one GPU model), and, for an on-demand group, a type that is
sold on demand. Whether GCP accepts accelerator-optimized types in instance selections is not
stated in the pages above (cloud-mapping.md §5, item 8); fleetform lists them, and the MIG skips a
selection it cannot create. Types left out are reported as warnings on the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fleetform.catalog.instance_types import instance_types
from fleetform.constructs.gcp.machine_family import MachineFamily, machine_family
from fleetform.plan.model import GroupPlan

STANDARD = "STANDARD"
SPOT = "SPOT"


@dataclass(frozen=True)
class Capacity:
    """The provisioning model and the machine types the group's MIG may create, preferred first."""

    provisioning_model: str
    machine_types: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    """(machine type, why) for each fallback type of the plan the template cannot serve."""

    @property
    def spot(self) -> bool:
        return self.provisioning_model == SPOT


def plan_capacity(group: GroupPlan) -> Capacity:
    preferred, *fallbacks = group.machine.instance_types
    model = STANDARD if _on_demand(preferred) else SPOT
    family = machine_family(preferred, group.source)
    kept, left_out = [preferred], []
    for machine_type in fallbacks:
        reason = _why_not(machine_type, family, model, group.source)
        if reason is None:
            kept.append(machine_type)
        else:
            left_out.append((machine_type, reason))
    return Capacity(model, tuple(kept), tuple(left_out))


def scheduling(group: GroupPlan, capacity: Capacity) -> dict[str, Any]:
    """The template's ``scheduling`` block."""
    if capacity.spot:
        return {"provisioning_model": SPOT, "preemptible": True, "automatic_restart": False,
                "on_host_maintenance": "TERMINATE", "instance_termination_action": "DELETE"}
    maintenance = "TERMINATE" if group.machine.gpus_per_instance else "MIGRATE"
    return {"provisioning_model": STANDARD, "automatic_restart": True, "on_host_maintenance": maintenance}


def _why_not(machine_type: str, preferred: MachineFamily, model: str, where: str) -> str | None:
    family = machine_family(machine_type, where)
    if family.guest_accelerators or preferred.guest_accelerators:
        return "N1 VMs take their GPUs from the template, which names one GPU model"
    if family.boot_disk_type != preferred.boot_disk_type:
        return f"it boots from {family.boot_disk_type}, the template's boot disk is {preferred.boot_disk_type}"
    if family.nic_type != preferred.nic_type:
        return "it needs another network interface type than the template's"
    if model == STANDARD and not _on_demand(machine_type):
        return "it is sold only as Spot or Flex-start, and the group's preferred type runs on demand"
    return None


def _on_demand(machine_type: str) -> bool:
    return instance_types("gcp")[machine_type].on_demand
