"""Resolving an app's ``machine_type`` (one name or a fallback list) and ``num_gpus`` on one cloud.

The result lists the instance types in fallback order, the GPUs per instance, every warning, and per
cloud region the instance types that region offers and the zones offering all of them. Planning and
``fleetform validate`` call :func:`resolve`; ``fleetform catalog resolve`` prints it.

Behaviour the fal reference leaves open, decided here:

- ``num_gpus`` defaults to 1 for GPU machine types, must be 1–8, and must not be set for CPU types.
- A list entry the cloud does not offer (``GPU-L40`` on GCP, consumer RTX cards anywhere) is skipped
  with a ``catalog/not-offered`` warning naming alternatives; when no entry is offered it is an error.
- A cloud-native entry for another cloud (``aws:…`` while resolving GCP) is skipped silently.
- A cloud-native entry fixes the GPU count; a different ``num_gpus`` is ``catalog/gpu-count-mismatch``.
- An entry resolving to an instance type already in the list is dropped (the first keeps its place).
- In a region, the group's zones are the zones offering **at least one** of its types: an ASG with a
  mixed instances policy and a MIG with instance flexibility each launch, per zone, a type that zone
  offers. A type no zone of the region offers is dropped from that region's group with a
  ``catalog/not-offered-in-region`` warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fleetform.catalog.instance_types import InstanceType
from fleetform.catalog.machines import MachineName, parse_machine_name
from fleetform.catalog.regions import (
    DEFAULT_CLOUD_REGIONS,
    check_cloud_region,
    region_offerings,
    zones_for,
)
from fleetform.catalog.shapes import shape_for
from fleetform.errors import FleetformError, Problem, ProblemCollector
from fleetform.vocabulary import CLOUDS

MAX_GPUS = 8
"""fal runners have at most 8 GPUs."""


@dataclass(frozen=True)
class Choice:
    """One entry of the fallback list, resolved on one cloud.

    Attributes:
        machine_type: the entry as written (``GPU-H100``, ``aws:p5.4xlarge``).
        instance_type: the instance type that runs it.
    """

    machine_type: str
    instance_type: InstanceType

    @property
    def gpus(self) -> int:
        """GPUs per instance (may exceed ``num_gpus`` when the cloud has no exact shape)."""
        return self.instance_type.gpu_count


@dataclass(frozen=True)
class Placement:
    """Where the group runs in one cloud region.

    Attributes:
        cloud_region: the region.
        instance_types: the chosen instance types this region offers, in fallback order.
        zones: zone ids offering at least one of ``instance_types`` (empty when ``problem`` is set).
        warnings: entries dropped because the region does not offer them.
        problem: why the group cannot run in this region (``catalog/no-zone``), when it cannot.
    """

    cloud_region: str
    instance_types: tuple[str, ...]
    zones: tuple[str, ...]
    warnings: tuple[Problem, ...] = ()
    problem: Problem | None = None


@dataclass(frozen=True)
class Resolution:
    """A machine-type list resolved on one cloud."""

    cloud: str
    choices: tuple[Choice, ...]
    warnings: tuple[Problem, ...]
    placements: Mapping[str, Placement] = field(default_factory=dict)

    @property
    def instance_types(self) -> tuple[str, ...]:
        """Instance type names in fallback order."""
        return tuple(choice.instance_type.name for choice in self.choices)

    def placement(self, cloud_region: str) -> Placement:
        """Where the group runs in ``cloud_region``; raises ``catalog/no-zone`` when it cannot run there."""
        placement = self.placements[cloud_region]
        if placement.problem is not None:
            raise FleetformError(placement.problem)
        return placement


def resolve(
    machine_types: Sequence[str],
    num_gpus: int | None,
    cloud: str,
    cloud_region: str | Sequence[str] | None = None,
    *,
    where: str = "machine_type",
) -> Resolution:
    """Resolve ``machine_types`` (in fallback order) with ``num_gpus`` on ``cloud``.

    Args:
        machine_types: fal names and/or cloud-native names, most preferred first.
        num_gpus: GPUs per runner; None means 1 for GPU types.
        cloud: ``aws`` or ``gcp``.
        cloud_region: the region(s) to place the group in (default: the cloud's five default regions).
            A region that cannot host the group carries its ``catalog/no-zone`` problem;
            :meth:`Resolution.placement` raises it.
        where: the location reported in problems (the ``machine_type`` key of the app).

    Raises:
        FleetformError: every problem found (unknown names, bad GPU counts, nothing offered, a region the
            catalog has no data for).
    """
    _check_cloud_and_gpus(cloud, num_gpus, where)
    problems = ProblemCollector()
    warnings: list[Problem] = []
    choices: list[Choice] = []
    for index, text in enumerate(machine_types):
        entry_where = where if len(machine_types) == 1 else f"{where}[{index}]"
        try:
            choice = _choose(parse_machine_name(text, where=entry_where), num_gpus, cloud, entry_where, warnings)
        except FleetformError as error:
            problems.extend(error)
            continue
        if choice is not None and choice.instance_type.name not in {c.instance_type.name for c in choices}:
            choices.append(choice)
    _raise_unless_usable(problems, warnings, choices, machine_types, cloud, where)
    return Resolution(cloud, tuple(choices), tuple(warnings), _placements(cloud, cloud_region, choices, where))


def _check_cloud_and_gpus(cloud: str, num_gpus: int | None, where: str) -> None:
    if cloud not in CLOUDS:
        raise FleetformError.single("catalog/unknown-cloud", "cloud", f"unknown cloud {cloud!r}",
                                    allowed=", ".join(CLOUDS))
    if num_gpus is not None and not 1 <= num_gpus <= MAX_GPUS:
        raise FleetformError.single(
            "catalog/bad-gpu-count", where, f"num_gpus={num_gpus}: a fal runner has 1 to {MAX_GPUS} GPUs",
            allowed=f"1 to {MAX_GPUS}",
        )  # fmt: skip


def _choose(
    name: MachineName, num_gpus: int | None, cloud: str, where: str, warnings: list[Problem]
) -> Choice | None:
    if name.deprecation:
        warnings.append(Problem("catalog/legacy-name", where, name.deprecation))
    if name.instance_type is not None:
        return _cloud_native(name, name.instance_type, num_gpus, cloud, where)
    assert name.fal_type is not None
    if num_gpus is not None and not name.fal_type.is_gpu:
        raise FleetformError.single(
            "catalog/gpus-on-cpu-machine", where,
            f"num_gpus={num_gpus} with CPU machine type {name.text!r}",
            fix="remove num_gpus, or choose a GPU machine type",
        )  # fmt: skip
    shape = shape_for(name.fal_type, num_gpus or 1, cloud, where=where)
    warnings.extend(shape.warnings)
    return Choice(name.text, shape.instance_type)


def _cloud_native(
    name: MachineName, instance_type: InstanceType, num_gpus: int | None, cloud: str, where: str
) -> Choice | None:
    if name.cloud != cloud:
        return None
    if num_gpus is not None and num_gpus != instance_type.gpu_count:
        raise FleetformError.single(
            "catalog/gpu-count-mismatch", where,
            f"num_gpus={num_gpus}, but {instance_type.describe()} has {instance_type.gpu_count} GPU(s)",
            fix=f"set num_gpus = {instance_type.gpu_count} or remove it, or name a shape with {num_gpus} GPU(s)",
        )  # fmt: skip
    return Choice(name.text, instance_type)


def _raise_unless_usable(
    problems: ProblemCollector,
    warnings: list[Problem],
    choices: list[Choice],
    machine_types: Sequence[str],
    cloud: str,
    where: str,
) -> None:
    """Unoffered entries are warnings while another entry resolves; any other problem is an error."""
    fatal = [p for p in problems.problems if p.code != "catalog/not-offered"]
    if fatal or not choices:
        if not problems.problems:
            problems.add(
                "catalog/not-offered", where,
                f"no entry of {list(machine_types)!r} runs on {cloud}",
                fix=f"add a fal machine type or a '{cloud}:' instance type to the list",
            )  # fmt: skip
        problems.raise_if_any()
    warnings.extend(problems.problems)


def _placements(cloud: str, cloud_region: str | Sequence[str] | None, choices: list[Choice],
                where: str) -> dict[str, Placement]:
    if cloud_region is None:
        regions: Sequence[str] = tuple(dict.fromkeys(DEFAULT_CLOUD_REGIONS[cloud].values()))
    else:
        regions = (cloud_region,) if isinstance(cloud_region, str) else cloud_region
    for region in regions:
        check_cloud_region(cloud, region, where=where)
    return {region: _place(cloud, region, choices, where) for region in regions}


def _place(cloud: str, region: str, choices: list[Choice], where: str) -> Placement:
    """Keep each type some zone of the region offers; the group's zones are every zone offering one of them.

    A mixed-instances ASG and a MIG with instance flexibility launch, in each zone, whichever of the
    group's types that zone offers, so a zone needs only one of them (an intersection would strand a
    group with fallback types in the one zone that happens to offer all of them).
    """
    offerings = region_offerings(cloud)[region]
    kept: list[str] = []
    zones: set[str] = set()
    dropped: list[Problem] = []
    for name in (choice.instance_type.name for choice in choices):
        offered = set(offerings.zones_offering(name))
        if offered:
            kept.append(name)
            zones |= offered
        else:
            dropped.append(_dropped(cloud, region, name, "no zone offers it", where))
    if not kept:
        try:
            zones_for(cloud, region, [choice.instance_type.name for choice in choices], where=where)
        except FleetformError as error:
            return Placement(region, (), (), problem=error.problems[0])
    return Placement(region, tuple(kept), tuple(sorted(zones)), tuple(dropped))


def _dropped(cloud: str, region: str, name: str, reason: str, where: str) -> Problem:
    return Problem(
        "catalog/not-offered-in-region",
        where,
        f"{cloud} region {region} runs the group without {name}: {reason}",
    )
