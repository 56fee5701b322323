"""Reading GCP: machine types per zone and zones per region, through google-cloud-compute.

``ZonesClient.list`` gives each zone's region and status; ``MachineTypesClient.aggregated_list`` gives
every machine type per zone (filtered server-side to the kept families, and again here);
``AcceleratorTypesClient.aggregated_list`` describes each GPU. The Compute API reports neither a GPU's
memory nor whether a machine type is sold on demand, so both are carried over from the existing entry
(GPU memory of a new GPU is read from its description, ``NVIDIA H100 80GB``). GCP prices are not
refreshed (the Cloud Billing Catalog API is not read); the seeded prices stay as they are.

Credentials are Application Default Credentials, except for an ``http://`` endpoint (an emulator or a
test server), which gets anonymous credentials.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import google.auth
import google.auth.exceptions
from google.api_core import exceptions as api_exceptions
from google.auth.credentials import AnonymousCredentials, Credentials
from google.cloud import compute_v1

from fleetform.catalog.instance_types import MIB_PER_GIB, InstanceType
from fleetform.catalog.refresh.snapshot import CloudSnapshot, RegionSnapshot
from fleetform.errors import FleetformError, did_you_mean

KEPT_FAMILIES = (
    "a2-highgpu-", "a2-ultragpu-", "a3-highgpu-", "a3-megagpu-", "a3-ultragpu-", "a4-highgpu-", "g2-standard-",
    "e2-micro", "e2-small", "e2-medium", "e2-standard-", "n2-standard-",
)  # fmt: skip
"""Machine-type name prefixes the catalog keeps: the GPU families plus the CPU families fal's CPU types use."""

SOURCE = "GCP Compute API: zones.list, machineTypes.aggregatedList, acceleratorTypes.aggregatedList"
SCOPES = ("https://www.googleapis.com/auth/compute.readonly",)
WHERE = "fleetform catalog refresh --cloud gcp"
_GPU_MEMORY_IN_DESCRIPTION = re.compile(r"(\d+)\s*GB\b")


def read_gcp(
    regions: Sequence[str],
    *,
    project: str | None,
    api_endpoint: str | None,
    known: Mapping[str, InstanceType],
) -> CloudSnapshot:
    """Everything the catalog keeps about ``regions``, read from the Compute API.

    Args:
        regions: GCP regions to read.
        project: the project to list with (default: the ADC project).
        api_endpoint: the Compute endpoint (default: Google's).
        known: the current instance types, to carry over what the API does not report.
    """
    with _gcp_errors():
        credentials, project = _credentials(project, api_endpoint)
        options = {"api_endpoint": api_endpoint} if api_endpoint else None
        clients: dict[str, Any] = {"credentials": credentials, "transport": "rest", "client_options": options}
        zone_regions = _zones(compute_v1.ZonesClient(**clients), project, regions)
        gpu_memory = _gpu_memory(compute_v1.AcceleratorTypesClient(**clients), project, known)
        shapes, offerings = _machine_types(compute_v1.MachineTypesClient(**clients), project, zone_regions, gpu_memory,
                                           known)
    snapshots = {
        region: RegionSnapshot(
            zones={zone: zone for zone, owner in sorted(zone_regions.items()) if owner == region},
            offerings={name: tuple(sorted(zones)) for name, zones in sorted(offerings.get(region, {}).items())},
        )
        for region in regions
    }
    return CloudSnapshot("gcp", dict(sorted(shapes.items())), snapshots, SOURCE)


def _credentials(project: str | None, api_endpoint: str | None) -> tuple[Credentials, str]:
    if api_endpoint and api_endpoint.startswith("http://"):
        credentials: Credentials = AnonymousCredentials()
        default_project = None
    else:
        credentials, default_project = google.auth.default(scopes=SCOPES)
    chosen = project or default_project
    if not chosen:
        raise FleetformError.single(
            "catalog/refresh-failed", WHERE, "no GCP project to list machine types with",
            fix="pass --project, or set one for Application Default Credentials (GOOGLE_CLOUD_PROJECT)",
        )  # fmt: skip
    return credentials, chosen


def _zones(client: compute_v1.ZonesClient, project: str, regions: Sequence[str]) -> dict[str, str]:
    """Zone → region, for the UP zones of ``regions``; unknown regions are an error."""
    owners = {zone.name: zone.region.rsplit("/", 1)[-1] for zone in client.list(project=project) if zone.status == "UP"}
    known = sorted(set(owners.values()))
    for region in regions:
        if region not in known:
            raise FleetformError.single(
                "catalog/unknown-cloud-region", WHERE, f"GCP has no region {region!r}{did_you_mean(region, known)}"
            )
    return {zone: region for zone, region in owners.items() if region in regions}


def _gpu_memory(
    client: compute_v1.AcceleratorTypesClient, project: str, known: Mapping[str, InstanceType]
) -> dict[str, int]:
    """GPU name → memory in MiB: as the catalog already knows it, else from the GPU's description."""
    memory = {shape.gpu: shape.gpu_memory_mib for shape in known.values() if shape.gpu and shape.gpu_memory_mib}
    for _, scoped in client.aggregated_list(project=project):
        for accelerator in scoped.accelerator_types:
            match = _GPU_MEMORY_IN_DESCRIPTION.search(accelerator.description)
            if accelerator.name not in memory and match:
                memory[accelerator.name] = int(match.group(1)) * MIB_PER_GIB
    return memory


def _machine_types(
    client: compute_v1.MachineTypesClient,
    project: str,
    zone_regions: Mapping[str, str],
    gpu_memory: Mapping[str, int],
    known: Mapping[str, InstanceType],
) -> tuple[dict[str, InstanceType], dict[str, dict[str, set[str]]]]:
    """The kept machine types offered in the zones of ``zone_regions``, and region → type → zones."""
    shapes: dict[str, InstanceType] = {}
    offerings: dict[str, dict[str, set[str]]] = {}
    request = {"project": project, "filter": _name_filter()}
    for scope, scoped in client.aggregated_list(request=request):
        zone = scope.rsplit("/", 1)[-1]
        for machine in scoped.machine_types:
            if zone not in zone_regions or not machine.name.startswith(KEPT_FAMILIES):
                continue
            shapes[machine.name] = _instance_type(machine, gpu_memory, known.get(machine.name))
            offerings.setdefault(zone_regions[zone], {}).setdefault(machine.name, set()).add(zone)
    return shapes, offerings


def _name_filter() -> str:
    """A Compute list filter keeping only the kept families (``name eq "<RE2 regex>"``)."""
    return 'name eq "(' + "|".join(re.escape(prefix) + ".*" for prefix in KEPT_FAMILIES) + ')"'


def _instance_type(machine: Any, gpu_memory: Mapping[str, int], previous: InstanceType | None) -> InstanceType:
    accelerators = list(machine.accelerators)
    gpu = accelerators[0].guest_accelerator_type if accelerators else None
    return InstanceType(
        cloud="gcp",
        name=machine.name,
        vcpus=machine.guest_cpus,
        memory_mib=machine.memory_mb,
        gpu=gpu,
        gpu_count=sum(accelerator.guest_accelerator_count for accelerator in accelerators),
        gpu_memory_mib=gpu_memory.get(gpu, 0) if gpu else 0,
        on_demand=previous.on_demand if previous is not None else True,
    )


@contextmanager
def _gcp_errors() -> Iterator[None]:
    """Turn google-cloud's failures into one clear ``catalog/refresh-failed`` error."""
    try:
        yield
    except google.auth.exceptions.DefaultCredentialsError as error:
        raise _failed(f"no Google credentials: {error}",
                      "run 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS") from error
    except api_exceptions.GoogleAPICallError as error:
        raise _failed(f"GCP Compute API call failed: {error}") from error
    except google.auth.exceptions.GoogleAuthError as error:
        raise _failed(f"GCP authentication failed: {error}") from error


def _failed(message: str, fix: str | None = None) -> FleetformError:
    return FleetformError.single("catalog/refresh-failed", WHERE, message + "; the catalog data was not changed",
                                 fix=fix)
