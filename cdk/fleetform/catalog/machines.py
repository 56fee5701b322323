"""fal's machine types, and the names ``machine_type`` accepts.

A ``machine_type`` is either one of fal's names (``GPU-H100``, ``XS``; current names exactly as fal's
docs list them, plus the legacy names older fal docs and the SDK still use), or a cloud-native escape
hatch ``aws:<instance type>`` / ``gcp:<machine type>`` naming an instance type the catalog knows.

Legacy names: ``GPU`` and ``GPU-A100-40G`` are accepted as aliases of ``GPU-A100`` (same A100 40 GB);
``GPU-A100-80G``, ``GPU-T4`` and ``GPU-A6000`` are accepted as their own (older) hardware. Every legacy
name carries a deprecation note naming the current name, which resolution reports as a warning. Whether
a cloud offers the hardware is a separate question answered by :mod:`fleetform.catalog.resolve` (the
consumer RTX cards and the A6000 are offered by no cloud and are rejected there with alternatives).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from fleetform.catalog.data_file import DATA_DIR, load
from fleetform.catalog.instance_types import InstanceType, instance_types
from fleetform.errors import FleetformError, did_you_mean, format_choices, near_matches
from fleetform.vocabulary import CLOUDS

CLOUD_NATIVE_SEPARATOR = ":"


@dataclass(frozen=True)
class CloudFamilies:
    """Where one fal machine type lives on one cloud.

    Attributes:
        families: instance-type name prefixes (``p5.``, ``a3-highgpu-``) whose shapes can serve it.
        gpu: the cloud's name of the GPU those shapes must carry, or None for a CPU machine type.
    """

    families: tuple[str, ...]
    gpu: str | None

    def admits(self, shape: InstanceType) -> bool:
        """True when ``shape`` is of one of these families and carries the right GPU (or none)."""
        if not shape.name.startswith(self.families):
            return False
        return shape.gpu == self.gpu if self.gpu else shape.gpu_count == 0

    def preference(self, shape: InstanceType) -> int:
        """The rank of ``shape``'s family: families listed first are preferred (``p5en.`` before ``p5e.``)."""
        return next(rank for rank, family in enumerate(self.families) if shape.name.startswith(family))


@dataclass(frozen=True)
class FalMachineType:
    """One of fal's machine types, with the per-GPU resources fal gives a runner.

    Attributes:
        name: fal's spelling (``GPU-H100``).
        cpu: CPU cores (per GPU for GPU types), or None when fal never published it (legacy types).
        ram_gib: RAM in GiB (per GPU for GPU types; fal's "GB" read as GiB), or None when unknown.
        gpu: the GPU model, for people (``H100 80GB``), or None for a CPU type.
        vram_gib: memory of one GPU in GiB, or None for a CPU type.
        legacy: True for names fal's current docs no longer list.
        replaced_by: the current name to move to, for legacy names.
        clouds: per cloud id, the instance-type families that serve this type. A cloud missing here
            offers no hardware for it.
        not_offered: per cloud id (or ``*`` for every cloud), why that cloud has no hardware for it.
    """

    name: str
    cpu: float | None
    ram_gib: float | None
    gpu: str | None
    vram_gib: float | None
    legacy: bool
    replaced_by: str | None
    clouds: Mapping[str, CloudFamilies] = field(default_factory=dict)
    not_offered: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_gpu(self) -> bool:
        return self.gpu is not None

    def why_not_offered(self, cloud: str) -> str | None:
        """Why ``cloud`` has no hardware for this type, when the catalog knows."""
        return self.not_offered.get(cloud) or self.not_offered.get("*")


@dataclass(frozen=True)
class MachineName:
    """A parsed ``machine_type`` value.

    Exactly one of ``fal_type`` (for fal names, aliases already followed) or ``cloud`` plus
    ``instance_type`` (for the cloud-native escape hatch) is set.

    Attributes:
        text: the value as written.
        fal_type: the fal machine type it names.
        cloud: ``aws`` or ``gcp`` for a cloud-native name.
        instance_type: the cloud's instance type for a cloud-native name.
        deprecation: a note when ``text`` is a legacy fal name, naming the current one.
    """

    text: str
    fal_type: FalMachineType | None = None
    cloud: str | None = None
    instance_type: InstanceType | None = None
    deprecation: str | None = None

    @property
    def is_cloud_native(self) -> bool:
        return self.cloud is not None

    @property
    def is_gpu(self) -> bool:
        if self.instance_type is not None:
            return self.instance_type.gpu_count > 0
        return self.fal_type is not None and self.fal_type.is_gpu


@lru_cache(maxsize=4)
def _load() -> tuple[Mapping[str, FalMachineType], Mapping[str, str]]:
    entries = load(DATA_DIR / "machines.json")["machine_types"]
    aliases = {name: entry["alias_of"] for name, entry in entries.items() if "alias_of" in entry}
    types = {name: _machine_type(name, entry) for name, entry in entries.items() if "alias_of" not in entry}
    return types, aliases


def _machine_type(name: str, entry: Mapping[str, object]) -> FalMachineType:
    clouds = entry["clouds"]
    assert isinstance(clouds, Mapping)
    return FalMachineType(
        name=name,
        cpu=_optional_float(entry.get("cpu")),
        ram_gib=_optional_float(entry.get("ram_gib")),
        gpu=entry["gpu"] if isinstance(entry.get("gpu"), str) else None,  # type: ignore[arg-type]
        vram_gib=_optional_float(entry.get("vram_gib")),
        legacy=entry["status"] == "legacy",
        replaced_by=entry.get("replaced_by"),  # type: ignore[arg-type]
        clouds={
            cloud: CloudFamilies(tuple(spec["families"]), spec.get("gpu")) for cloud, spec in sorted(clouds.items())
        },
        not_offered=dict(entry.get("not_offered", {})),  # type: ignore[call-overload]
    )


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _order(machine: FalMachineType) -> tuple[bool, bool, float, str]:
    """fal's docs order: CPU types by size, then GPU types by VRAM; legacy names last."""
    size = machine.vram_gib if machine.is_gpu else machine.cpu
    return (machine.legacy, machine.is_gpu, size or 0.0, machine.name)


def machine_types() -> Mapping[str, FalMachineType]:
    """Every fal machine type (current and legacy hardware, not the pure aliases), by name."""
    return _load()[0]


def legacy_aliases() -> Mapping[str, str]:
    """Legacy names that mean a current type: alias → current name."""
    return _load()[1]


def current_machine_type_names() -> tuple[str, ...]:
    """The names fal's current docs list, in the docs' order."""
    return tuple(m.name for m in sorted(machine_types().values(), key=_order) if not m.legacy)


def fal_machine_type_names() -> tuple[str, ...]:
    """Every name ``fleetform validate`` accepts as a fal machine type: current names, then legacy ones."""
    legacy = sorted([m.name for m in machine_types().values() if m.legacy] + list(legacy_aliases()))
    return current_machine_type_names() + tuple(legacy)


def fal_machine_type(name: str, *, where: str = "machine_type") -> FalMachineType:
    """The fal machine type called ``name`` (aliases followed); ``catalog/unknown-machine`` otherwise."""
    parsed = parse_machine_name(name, where=where)
    if parsed.fal_type is not None:
        return parsed.fal_type
    raise FleetformError.single(
        "catalog/unknown-machine",
        where,
        f"{name!r} is a cloud-native instance type, not a fal machine type",
        allowed=", ".join(current_machine_type_names()),
    )


def is_gpu_machine(name: str) -> bool:
    """True when ``name`` (a fal name or ``aws:``/``gcp:`` instance type) has GPUs."""
    return parse_machine_name(name).is_gpu


def parse_machine_name(name: str, *, where: str = "machine_type") -> MachineName:
    """Parse a ``machine_type`` value: a fal name or the cloud-native ``aws:g6e.2xlarge`` form.

    Raises:
        FleetformError: ``catalog/unknown-machine`` for an unknown fal name or cloud prefix,
            ``catalog/unknown-instance-type`` for a cloud-native name the catalog does not know; each with
            the nearest names.
    """
    if CLOUD_NATIVE_SEPARATOR in name:
        return _parse_cloud_native(name, where)
    types, aliases = _load()
    if name in aliases:
        current = types[aliases[name]]
        return MachineName(text=name, fal_type=current,
                           deprecation=f"{name!r} is a legacy fal name for {current.name!r}; write {current.name!r}")
    if name in types:
        machine = types[name]
        note: str | None = None
        if machine.legacy:
            note = f"{name!r} is a legacy fal machine type that fal's current docs no longer list"
            if machine.replaced_by:
                note += f"; the nearest current type is {machine.replaced_by!r}"
        return MachineName(text=name, fal_type=machine, deprecation=note)
    raise FleetformError.single(
        "catalog/unknown-machine",
        where,
        f"unknown machine type {name!r}{did_you_mean(name, fal_machine_type_names())}",
        allowed=", ".join(current_machine_type_names()),
        fix="use one of fal's machine types, or a cloud-native instance type as 'aws:<type>' or 'gcp:<type>'",
    )


def _parse_cloud_native(name: str, where: str) -> MachineName:
    cloud, _, native = name.partition(CLOUD_NATIVE_SEPARATOR)
    if cloud not in CLOUDS:
        raise FleetformError.single(
            "catalog/unknown-machine",
            where,
            f"unknown cloud {cloud!r} in machine type {name!r}{did_you_mean(cloud, CLOUDS)}",
            allowed=", ".join(f"{known}:<instance type>" for known in CLOUDS),
        )
    known = instance_types(cloud)
    if native not in known:
        hits = near_matches(native, known)
        hint = "; did you mean " + " or ".join(repr(f"{cloud}:{hit}") for hit in hits) + "?" if hits else ""
        raise FleetformError.single(
            "catalog/unknown-instance-type",
            where,
            f"{name!r}: the catalog knows no {cloud} instance type {native!r}{hint}",
            allowed=f"{cloud} instance types of the families the catalog keeps "
            f"({format_choices(sorted(_families(known)))})",
            fix="check the spelling, or run 'fleetform catalog refresh --cloud " + cloud + "' if it is new",
        )
    return MachineName(text=name, cloud=cloud, instance_type=known[native])


def _families(known: Mapping[str, InstanceType]) -> set[str]:
    return {name.split(".")[0] if "." in name else name.rsplit("-", 1)[0] for name in known}
