"""What a GCP machine family asks of an instance template: boot disk type, NIC, how GPUs attach.

Sources (GCP documentation):

- A2, A3, A4 and G2 ("accelerator-optimized") machine types come with their GPUs attached; only N1
  VMs take GPUs as ``guest_accelerator`` entries
  (https://cloud.google.com/compute/docs/accelerator-optimized-machines,
  https://cloud.google.com/compute/docs/gpus#gpu-models).
- A3 Ultra (``a3-ultragpu-*``) and A4 (``a4-highgpu-*``) boot only from Hyperdisk; A2, A3
  High/Mega/Edge and G2 boot from Persistent Disk (``pd-balanced``) as well
  ("Supported disk types" per series on the page above).
- A3 and A4 need the gVNIC network interface; A2 and G2 support it, and fleetform uses it on every
  accelerator-optimized family so that one template serves all of a group's fallback types
  (https://cloud.google.com/compute/docs/networking/using-gvnic).
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.errors import FleetformError, format_choices

PD_BALANCED = "pd-balanced"
HYPERDISK_BALANCED = "hyperdisk-balanced"
GVNIC = "GVNIC"


@dataclass(frozen=True)
class MachineFamily:
    """The template requirements shared by every machine type whose name starts with ``prefix``."""

    prefix: str
    boot_disk_type: str
    nic_type: str | None
    """``GVNIC``, or None for the default (VirtIO)."""
    guest_accelerators: bool
    """Whether GPUs are attached through the template's ``guest_accelerator`` (N1 only)."""


FAMILIES: tuple[MachineFamily, ...] = (
    MachineFamily("a2-highgpu-", PD_BALANCED, GVNIC, False),
    MachineFamily("a2-megagpu-", PD_BALANCED, GVNIC, False),
    MachineFamily("a2-ultragpu-", PD_BALANCED, GVNIC, False),
    MachineFamily("a3-edgegpu-", PD_BALANCED, GVNIC, False),
    MachineFamily("a3-highgpu-", PD_BALANCED, GVNIC, False),
    MachineFamily("a3-megagpu-", PD_BALANCED, GVNIC, False),
    MachineFamily("a3-ultragpu-", HYPERDISK_BALANCED, GVNIC, False),
    MachineFamily("a4-highgpu-", HYPERDISK_BALANCED, GVNIC, False),
    MachineFamily("g2-standard-", PD_BALANCED, GVNIC, False),
    MachineFamily("n1-", PD_BALANCED, None, True),
    MachineFamily("e2-", PD_BALANCED, None, False),
    MachineFamily("n2-", PD_BALANCED, None, False),
)


def machine_family(machine_type: str, where: str) -> MachineFamily:
    """The family of ``machine_type`` (named at ``where``); a type of an unknown family is bad input."""
    for family in FAMILIES:
        if machine_type.startswith(family.prefix):
            return family
    raise FleetformError.single(
        "gcp/unknown-machine-family",
        where,
        f"fleetform does not know which boot disk and network interface GCP machine type {machine_type!r} needs",
        allowed=format_choices(family.prefix + "*" for family in FAMILIES),
        fix="choose a machine type of one of these families, or add its family to "
            "fleetform.plan.gcp_machine_family",
    )
