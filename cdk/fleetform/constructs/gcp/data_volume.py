"""The region's shared ``/data`` volume: a Filestore instance every runner of the region may mount.

fal's ``/data`` is one network drive shared by all runners of all apps; fleetform gives each region
one, created when any app of the region mounts it. The runner finds it by name
(:func:`fleetform.runner.contract.data_volume_name`) and mounts the share
:data:`~fleetform.runner.contract.FILESTORE_SHARE_NAME` over NFS.

- Tier ``BASIC_HDD`` at its minimum size, 1 TiB (https://cloud.google.com/filestore/docs/service-tiers).
  Basic instances are zonal: the instance sits in the zone most of the mounting groups run in
  (ties: the first by name); runners in the region's other zones mount it across zones.
- Access is network-level: the instance joins the runners' network (peered in the platform's
  project, through private services access to a Shared VPC; see :mod:`~fleetform.constructs.gcp.network`)
  and its export admits only the runners' subnetwork, read-write, without root squashing
  (containers run as root).
- Deletion protection is on: the volume holds the apps' data, not something Terraform can recreate.
"""

from __future__ import annotations

from collections import Counter

from fleetform.constructs.gcp.network import RegionNetwork
from fleetform.plan.model import RegionPlan
from fleetform.runner.contract import FILESTORE_SHARE_NAME, data_volume_name
from fleetform.tf import Construct, google

TIER = "BASIC_HDD"
MINIMUM_CAPACITY_GIB = 1024


def data_volume_zone(region: RegionPlan) -> str:
    """The zone most groups that mount ``/data`` run in (ties: the first by name)."""
    counts = Counter(zone for group in region.groups if group.runner.data_mounts for zone in group.zones)
    return min(counts, key=lambda zone: (-counts[zone], zone))


def data_volume(scope: Construct, *, platform: str, region: RegionPlan,
                network: RegionNetwork) -> google.FilestoreInstance:
    return google.FilestoreInstance(
        scope, "DataVolume", name=data_volume_name(platform), location=data_volume_zone(region), tier=TIER,
        description=f"/data of {platform}'s runners in {region.cloud_region}",
        file_shares={"name": FILESTORE_SHARE_NAME, "capacity_gb": MINIMUM_CAPACITY_GIB,
                     "nfs_export_options": [{"ip_ranges": [network.subnetwork_range], "access_mode": "READ_WRITE",
                                             "squash_mode": "NO_ROOT_SQUASH"}]},
        networks=[{"network": network.filestore_network, "modes": ["MODE_IPV4"],
                   "connect_mode": network.filestore_connect_mode}],
        deletion_protection_enabled=True,
        deletion_protection_reason="holds the runners' /data",
    )
