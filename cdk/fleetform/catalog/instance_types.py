"""The instance types (AWS) and machine types (GCP) the catalog knows, with their CPU, memory and GPUs.

Both clouds are described by one record, :class:`InstanceType`, read from
``data/<cloud>/instance_types.json``. Only the families fleetform maps fal's machine types to are kept,
plus the other GPU families a platform team may name directly (``aws:g5.xlarge``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fleetform.catalog.data_file import DATA_DIR, load

MIB_PER_GIB = 1024


@dataclass(frozen=True)
class InstanceType:
    """One VM shape of one cloud.

    Attributes:
        cloud: ``aws`` or ``gcp``.
        name: the cloud's own name, e.g. ``p5.4xlarge`` or ``a3-highgpu-8g``.
        vcpus: virtual CPUs.
        memory_mib: RAM in MiB.
        gpu: the cloud's GPU name (``H100``, ``nvidia-h100-80gb``), or None for a CPU-only shape.
        gpu_count: GPUs attached (0 for CPU-only shapes).
        gpu_memory_mib: memory of one GPU in MiB (0 for CPU-only shapes).
        on_demand: False when the cloud sells this shape only as Spot, Flex-start or capacity blocks,
            so an on-demand serving pool may never get capacity.
    """

    cloud: str
    name: str
    vcpus: int
    memory_mib: int
    gpu: str | None
    gpu_count: int
    gpu_memory_mib: int
    on_demand: bool

    @property
    def memory_gib(self) -> float:
        return self.memory_mib / MIB_PER_GIB

    @property
    def gpu_memory_gib(self) -> float:
        return self.gpu_memory_mib / MIB_PER_GIB

    def describe(self) -> str:
        """``p5.4xlarge (1×H100 80 GiB, 16 vCPU, 256 GiB)``."""
        shape = f"{self.vcpus} vCPU, {self.memory_gib:g} GiB"
        if self.gpu_count:
            shape = f"{self.gpu_count}×{self.gpu} {self.gpu_memory_gib:.0f} GiB, " + shape
        return f"{self.name} ({shape})"

    def to_json(self) -> dict[str, object]:
        """The data-file entry for this shape (without the cloud and name, which are its keys)."""
        return {
            "gpu": self.gpu,
            "gpu_count": self.gpu_count,
            "gpu_memory_mib": self.gpu_memory_mib,
            "memory_mib": self.memory_mib,
            "on_demand": self.on_demand,
            "vcpus": self.vcpus,
        }


def instance_types_path(cloud: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / cloud / "instance_types.json"


@lru_cache(maxsize=8)
def instance_types(cloud: str, data_dir: Path = DATA_DIR) -> Mapping[str, InstanceType]:
    """Every instance type the catalog knows for ``cloud``, by name."""
    entries = load(instance_types_path(cloud, data_dir))["instance_types"]
    return {name: _from_entry(cloud, name, entry) for name, entry in sorted(entries.items())}


def _from_entry(cloud: str, name: str, entry: Mapping[str, object]) -> InstanceType:
    return InstanceType(
        cloud=cloud,
        name=name,
        vcpus=int(entry["vcpus"]),  # type: ignore[call-overload]
        memory_mib=int(entry["memory_mib"]),  # type: ignore[call-overload]
        gpu=entry["gpu"] if isinstance(entry["gpu"], str) else None,
        gpu_count=int(entry["gpu_count"]),  # type: ignore[call-overload]
        gpu_memory_mib=int(entry["gpu_memory_mib"]),  # type: ignore[call-overload]
        on_demand=bool(entry["on_demand"]),
    )
