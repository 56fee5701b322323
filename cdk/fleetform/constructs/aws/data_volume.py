"""The region's shared ``/data`` volume: one encrypted EFS file system every app with ``data_mounts`` mounts.

fal's ``/data`` is a network drive shared by all runners of all apps; EFS is its AWS peer. The
runner finds the file system by its creation token (``fleetform.runner.contract``) and mounts it
through the mount target in its own zone, so there is one mount target in each zone that runs such
an app, and NFS (TCP 2049) is open only from those apps' runner security groups.

Throughput is elastic (model weights are read in bursts at cold start). Files stay in the standard
storage class: an infrequent-access transition would make every cold start pay IA read charges and
latency. EFS backups are not turned on here (the pinned schema has no ``aws_efs_backup_policy``).
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.constructs.aws.names import data_volume_security_group_prefix
from fleetform.constructs.aws.network import AwsNetwork
from fleetform.runner.contract import data_volume_name
from fleetform.tf import Construct, aws

NFS_PORT = 2049


SECURITY_GROUP_DESCRIPTION = "fleetform /data volume: NFS from the runners of apps with data_mounts"


class DataVolumeAccess(Construct):
    """What an app's group needs of the volume: its ARN, its security group, and NFS in from the group's runners."""

    security_group_id: str
    arn: str

    def allow_client(self, scope: Construct, *, app: str, runner_security_group_id: str) -> None:
        """NFS into the volume from one group's runners (the rule lives with the group)."""
        aws.VpcSecurityGroupIngressRule(
            scope, "DataVolumeIngress",
            security_group_id=self.security_group_id,
            description=f"NFS from the runners of {app}",
            ip_protocol="tcp",
            from_port=NFS_PORT,
            to_port=NFS_PORT,
            referenced_security_group_id=runner_security_group_id,
        )


class FoundDataVolume(DataVolumeAccess):
    """The region's volume and its security group, read by creation token and name from an app's stack."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, network: AwsNetwork) -> None:
        super().__init__(scope, construct_id)
        self.arn = aws.data.EfsFileSystem(self, "FileSystem", creation_token=data_volume_name(platform)).arn
        self.security_group_id = network.find_security_group(
            self, "SecurityGroup", name_prefix=data_volume_security_group_prefix(platform),
            description=SECURITY_GROUP_DESCRIPTION)


class AwsDataVolume(DataVolumeAccess):
    """The EFS file system, its security group and a mount target per runner zone."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, network: AwsNetwork,
                 zones: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        group = aws.SecurityGroup(
            self, "SecurityGroup",
            name_prefix=data_volume_security_group_prefix(platform),
            description=SECURITY_GROUP_DESCRIPTION,
            vpc_id=network.vpc_id,
            lifecycle={"create_before_destroy": True},
        )
        file_system = aws.EfsFileSystem(
            self, "FileSystem",
            creation_token=data_volume_name(platform),
            encrypted=True,
            performance_mode="generalPurpose",
            throughput_mode="elastic",
            tags={"Name": data_volume_name(platform)},
        )
        for zone, subnet in zip(zones, network.runner_subnet_ids(zones), strict=True):
            aws.EfsMountTarget(self, f"MountTarget-{zone}", file_system_id=file_system.id, subnet_id=subnet,
                               security_groups=[group.id])
        self.security_group_id = group.id
        self.arn = file_system.arn
