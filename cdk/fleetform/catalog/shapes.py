"""Choosing the instance type that runs one fal machine type with a given number of GPUs on one cloud.

The choice, for ``(machine type, GPUs, cloud)``:

1. The candidates are the cloud's instance types of the machine type's families carrying its GPU
   (``GPU-H100`` on AWS: ``p5.*`` with H100s). None at all: ``catalog/not-offered``, naming the
   closest alternatives by GPU memory.
2. The GPU count: exactly the requested one when some candidate has it; otherwise the **next size up**
   with a ``catalog/no-gpu-count`` warning (2×A100 on AWS runs on ``p4d.24xlarge`` and pays for 8);
   ``catalog/too-many-gpus`` when no candidate has that many.
3. Among candidates with that count, the smallest (by vCPU, then memory) giving at least fal's CPU and
   RAM for the requested GPUs, plus :data:`NODE_OVERHEAD_GIB` of RAM for the OS, container runtime and
   runner agent; when none is that large, the largest with a ``catalog/undersized`` warning.
4. A shape the cloud does not sell on demand (``a3-highgpu-1g/2g/4g``, reportedly Spot or Flex-start
   only) is still chosen, with a ``catalog/not-on-demand`` warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fleetform.catalog.instance_types import InstanceType, instance_types
from fleetform.catalog.machines import FalMachineType, machine_types
from fleetform.errors import FleetformError, Problem

NODE_OVERHEAD_GIB = 1.0
"""RAM a node needs beyond fal's per-runner RAM: OS, container runtime and the runner agent."""

VRAM_FLOOR = 0.75
"""Alternatives offered for a missing GPU have at least this share of its memory, so the model still fits."""

MAX_ALTERNATIVES = 4


@dataclass(frozen=True)
class Shape:
    """The instance type chosen for one machine type on one cloud, and what the user should know about it."""

    instance_type: InstanceType
    warnings: tuple[Problem, ...] = ()


def shape_for(machine: FalMachineType, gpus: int, cloud: str, *, where: str = "machine_type") -> Shape:
    """The instance type that runs ``machine`` with ``gpus`` GPUs (ignored for CPU types) on ``cloud``.

    Raises:
        FleetformError: ``catalog/not-offered`` or ``catalog/too-many-gpus``.
    """
    candidates = _candidates(machine, cloud)
    if not candidates:
        raise FleetformError(not_offered(machine, cloud, where=where))
    warnings: list[Problem] = []
    count = _gpu_count(machine, gpus, candidates, cloud, where, warnings)
    chosen = _smallest_sufficient(machine, gpus, [c for c in candidates if c.gpu_count == count], where, warnings)
    if not chosen.on_demand:
        warnings.append(_not_on_demand(machine, chosen, candidates, where))
    return Shape(chosen, tuple(warnings))


def not_offered(machine: FalMachineType, cloud: str, *, where: str) -> Problem:
    """``catalog/not-offered``: ``cloud`` has no hardware for ``machine``; names the closest alternatives."""
    reason = machine.why_not_offered(cloud) or f"{cloud} has no {machine.gpu or 'shape'} for it"
    choices = alternatives(cloud, machine.vram_gib) if machine.vram_gib else ()
    return Problem(
        "catalog/not-offered",
        where,
        f"{machine.name!r} is not offered on {cloud}: {reason}",
        allowed=f"closest on {cloud} by GPU memory: " + ", ".join(choices) if choices else None,
        fix="use one of these (a machine_type list is tried in order), or deploy this app to another cloud",
    )


def alternatives(cloud: str, vram_gib: float) -> tuple[str, ...]:
    """The GPUs on ``cloud`` nearest to ``vram_gib`` of memory (at least :data:`VRAM_FLOOR` of it).

    Each GPU is named by the current fal machine type that runs on it, else by its smallest instance type
    in the cloud-native form: ``GPU-A100 (A100 40 GiB)``, ``aws:g6.xlarge (L4 22 GiB)``.
    """
    by_gpu: dict[tuple[str, int], InstanceType] = {}
    for shape in sorted(instance_types(cloud).values(), key=lambda s: (s.gpu_count, s.vcpus, s.memory_mib, s.name)):
        if shape.gpu and shape.on_demand and shape.gpu_memory_gib >= VRAM_FLOOR * vram_gib:
            by_gpu.setdefault((shape.gpu, shape.gpu_memory_mib), shape)
    ranked = sorted(by_gpu.values(), key=lambda s: (abs(s.gpu_memory_gib - vram_gib), s.gpu_memory_gib, s.name))
    return tuple(_alternative_label(shape) for shape in ranked[:MAX_ALTERNATIVES])


def _alternative_label(shape: InstanceType) -> str:
    gpu = f"{shape.gpu} {shape.gpu_memory_gib:.0f} GiB"
    for machine in _current_gpu_types():
        families = machine.clouds.get(shape.cloud)
        if families is not None and families.admits(shape):
            return f"{machine.name} ({gpu})"
    return f"{shape.cloud}:{shape.name} ({gpu})"


def _current_gpu_types() -> Iterable[FalMachineType]:
    return (m for m in machine_types().values() if m.is_gpu and not m.legacy)


def _candidates(machine: FalMachineType, cloud: str) -> list[InstanceType]:
    """The shapes that can run ``machine``, most preferred family first, then smallest first."""
    families = machine.clouds.get(cloud)
    if families is None:
        return []
    admitted = [shape for shape in instance_types(cloud).values() if families.admits(shape)]
    return sorted(admitted, key=lambda s: (families.preference(s), s.vcpus, s.memory_mib, s.name))


def _gpu_count(
    machine: FalMachineType, gpus: int, candidates: list[InstanceType], cloud: str, where: str, warnings: list[Problem]
) -> int:
    if not machine.is_gpu:
        return 0
    counts = sorted({c.gpu_count for c in candidates})
    if gpus in counts:
        return gpus
    larger = [count for count in counts if count > gpus]
    offered = ", ".join(str(count) for count in counts)
    if not larger:
        raise FleetformError.single(
            "catalog/too-many-gpus",
            where,
            f"{machine.name!r} on {cloud} comes with at most {counts[-1]} GPUs per instance; {gpus} requested",
            allowed=f"num_gpus of {offered}",
        )
    warnings.append(
        Problem(
            "catalog/no-gpu-count",
            where,
            f"{cloud} has no {gpus}-GPU shape for {machine.name!r}; using the {larger[0]}-GPU shape, "
            f"which pays for {larger[0] - gpus} GPU(s) the runner does not use",
            allowed=f"num_gpus of {offered}",
        )
    )
    return larger[0]


def _smallest_sufficient(
    machine: FalMachineType, gpus: int, shapes: list[InstanceType], where: str, warnings: list[Problem]
) -> InstanceType:
    units = gpus if machine.is_gpu else 1
    cpu = (machine.cpu or 0.0) * units
    ram_gib = (machine.ram_gib or 0.0) * units + NODE_OVERHEAD_GIB
    for shape in shapes:
        if shape.vcpus >= cpu and shape.memory_gib >= ram_gib:
            return shape
    largest = max(shapes, key=lambda s: (s.vcpus, s.memory_mib))
    warnings.append(
        Problem(
            "catalog/undersized",
            where,
            f"{largest.describe()} is the largest {largest.cloud} shape for {machine.name!r}, but fal gives "
            f"{cpu:g} CPU and {ram_gib - NODE_OVERHEAD_GIB:g} GiB RAM for it",
        )
    )
    return largest


def _not_on_demand(machine: FalMachineType, shape: InstanceType, candidates: list[InstanceType], where: str) -> Problem:
    on_demand_counts = sorted({c.gpu_count for c in candidates if c.on_demand})
    counts = " or ".join(str(count) for count in on_demand_counts)
    return Problem(
        "catalog/not-on-demand",
        where,
        f"{shape.cloud} {shape.name} (for {machine.name!r}) is reportedly sold only as Spot or Flex-start, "
        "not on demand, so an on-demand pool may never get capacity",
        fix=(f"use num_gpus = {counts} (sold on demand), " if counts else "") + "or deploy this app to another cloud",
    )
