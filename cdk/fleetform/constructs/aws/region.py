"""One AWS region: its load balancers, ``/data`` volume and private-logs key, then a group per app.

In a platform the base stack holds the first three; each app's stack finds them by name (the load
balancer and its listener, security groups by name prefix and description, the volume by creation
token, the key by alias) and holds the app's group, log group, role, security group and listener rule.

Construct ids (public API: renaming one replaces infrastructure) under the stack's ``region``:
``Account``, ``Network``, ``InternalLoadBalancer``, ``PublicLoadBalancer``, ``DataVolume``,
``PrivateLogsKey``, ``Ami-<family>`` (and, with a DNS zone, ``PublicLoadBalancer/DnsZone`` and
``PublicLoadBalancer/DnsRecord``); under each app's construct: ``LogGroup``, ``Identity``,
``Firewall``, ``Route``, ``InstanceGroup``. Stack outputs: ``internal_load_balancer_dns``,
``public_load_balancer_dns``, ``public_load_balancer_host`` (with a DNS zone) and ``<app>_url`` (scheme,
the load balancer's name in the zone or its own DNS name, and the app's path prefix).
"""

from __future__ import annotations

from fleetform.constructs.aws.account import AwsAccount
from fleetform.constructs.aws.data_volume import AwsDataVolume, DataVolumeAccess, FoundDataVolume
from fleetform.constructs.aws.dns import add_alias_record
from fleetform.constructs.aws.instance_group import InstanceGroup
from fleetform.constructs.aws.load_balancer import AwsLoadBalancer, FoundLoadBalancer, LoadBalancerAccess
from fleetform.constructs.aws.logs import PrivateLogsKey, add_log_group, find_private_logs_key
from fleetform.constructs.aws.machine_image import MachineImage, machine_image
from fleetform.constructs.aws.network import AwsNetwork
from fleetform.constructs.aws.permissions import RunnerRole, runner_statements
from fleetform.constructs.aws.routing import AppRoute
from fleetform.constructs.aws.runner_security_group import RunnerSecurityGroup
from fleetform.constructs.region import RegionFleet
from fleetform.plan.model import AwsNetworkPlan, GroupPlan
from fleetform.tf import Construct, TerraformOutput, aws
from fleetform.vocabulary import Exposure

LOAD_BALANCER_IDS: dict[Exposure, str] = {"internal": "InternalLoadBalancer", "external": "PublicLoadBalancer"}
DEFAULT_VPC_KEY = "default"


class AwsRegionFleet(RegionFleet):
    """The AWS rendering of a :class:`~fleetform.plan.model.RegionPlan`."""

    load_balancers: dict[Exposure, LoadBalancerAccess]
    data_volume: DataVolumeAccess | None
    private_logs_key_arn: str | None

    def _lookups(self) -> None:
        """The account and network reads every stack of the region makes."""
        assert isinstance(self.region.network, AwsNetworkPlan)
        self.account = AwsAccount(self, "Account", region=self.region.cloud_region)
        self.network = AwsNetwork(self, "Network", plan=self.region.network, region=self.region.cloud_region)
        self._image_ids: dict[str, str] = {}

    @staticmethod
    def _exposures(groups: tuple[GroupPlan, ...]) -> dict[Exposure, list[GroupPlan]]:
        """Each exposure ``groups`` use, with its groups."""
        by_exposure: dict[Exposure, list[GroupPlan]] = {}
        for exposure in ("internal", "external"):
            exposed = [group for group in groups if group.route.exposure == exposure]
            if exposed:
                by_exposure[exposure] = exposed
        return by_exposure

    @staticmethod
    def _has_private_logs(groups: tuple[GroupPlan, ...]) -> bool:
        return any(group.runner.private_logs for group in groups)

    def build_region(self) -> None:
        self._lookups()
        self.load_balancers = {exposure: self._load_balancer(exposure, groups)
                               for exposure, groups in self._exposures(self.region.groups).items()}
        self.data_volume = self._data_volume()
        self.private_logs_key_arn = None
        if self._has_private_logs(self.region.groups):
            self.private_logs_key_arn = PrivateLogsKey(self, "PrivateLogsKey", platform=self.platform.name,
                                                       account=self.account).arn

    def find_region(self) -> None:
        self._lookups()
        platform = self.platform.name
        self.load_balancers = {
            exposure: FoundLoadBalancer(self, LOAD_BALANCER_IDS[exposure], platform=platform,
                                        ingress=self.region.ingress, network=self.network,
                                        internal=exposure == "internal")
            for exposure in self._exposures(self.built_groups)}
        self.data_volume = FoundDataVolume(self, "DataVolume", platform=platform, network=self.network) \
            if any(group.runner.data_mounts for group in self.built_groups) else None
        self.private_logs_key_arn = find_private_logs_key(self, "PrivateLogsKey", platform=platform) \
            if self._has_private_logs(self.built_groups) else None

    def _load_balancer(self, exposure: Exposure, groups: list[GroupPlan]) -> AwsLoadBalancer:
        internal = exposure == "internal"
        load_balancer = AwsLoadBalancer(self, LOAD_BALANCER_IDS[exposure], platform=self.platform.name,
                                        ingress=self.region.ingress, network=self.network, internal=internal,
                                        groups=groups)
        kind = "internal" if internal else "public"
        TerraformOutput(self, f"{kind}_load_balancer_dns", value=load_balancer.dns_name, static_id=True,
                        description=f"DNS name of the {'internal' if internal else 'internet-facing'} load balancer")
        dns = self.region.ingress.dns
        if dns is not None and not internal:
            add_alias_record(load_balancer, dns, load_balancer_dns_name=load_balancer.dns_name,
                             load_balancer_zone_id=load_balancer.zone_id)
            TerraformOutput(self, "public_load_balancer_host", value=dns.host, static_id=True,
                            description=f"The internet-facing load balancer's name in {dns.zone}")
        return load_balancer

    def _data_volume(self) -> AwsDataVolume | None:
        """The EFS volume, with mount targets in every zone a group with ``data_mounts`` runs in."""
        mounting = [group for group in self.region.groups if group.runner.data_mounts]
        if not mounting:
            return None
        zones = sorted({zone for group in mounting for zone in group.zones})
        return AwsDataVolume(self, "DataVolume", platform=self.platform.name, network=self.network, zones=zones)

    def _image_id(self, image: MachineImage) -> str:
        """The AMI ID of an image family in this region, read once per stack."""
        if image.key not in self._image_ids:
            parameter = aws.data.SsmParameter(self, f"Ami-{image.key}", name=image.ssm_parameter)
            self._image_ids[image.key] = parameter.insecure_value
        return self._image_ids[image.key]

    def build_group(self, scope: Construct, group: GroupPlan) -> None:
        platform = self.platform.name
        load_balancer = self.load_balancers[group.route.exposure]
        mounts_data = bool(group.runner.data_mounts)
        logs_key_arn = self.private_logs_key_arn if group.runner.private_logs else None
        log_group = add_log_group(scope, platform=platform, group=group, kms_key_arn=logs_key_arn)
        route = AppRoute(scope, "Route", platform=platform, group=group, vpc_id=self.network.vpc_id,
                         vpc_key=self.network.plan.vpc_id or DEFAULT_VPC_KEY, load_balancer=load_balancer,
                         ingress=self.region.ingress)
        identity = RunnerRole(scope, "Identity", group=group, platform=platform, statements=runner_statements(
            group, platform=platform, account=self.account, log_group_arn=log_group.arn, logs_key_arn=logs_key_arn,
            data_volume_arn=self.data_volume.arn if mounts_data and self.data_volume else None,
            target_group_arn=route.target_group_arn))
        firewall = RunnerSecurityGroup(scope, "Firewall", platform=platform, group=group, vpc_id=self.network.vpc_id,
                                       load_balancer=load_balancer,
                                       data_volume=self.data_volume if mounts_data else None)
        image = machine_image(group.machine)
        InstanceGroup(scope, "InstanceGroup", platform=self.platform, group=group, image=image,
                      image_id=self._image_id(image), instance_profile_arn=identity.instance_profile_arn,
                      security_group_id=firewall.security_group_id,
                      subnet_ids=self.network.runner_subnet_ids(group.zones),
                      target_group_arn=route.target_group_arn, target_group_arn_suffix=route.target_group_arn_suffix,
                      load_balancer_arn_suffix=load_balancer.arn_suffix, permissions=identity.policy)
        TerraformOutput(scope, f"{group.app}_url", static_id=True,
                        value=group.route.url or
                        f"{load_balancer.url_scheme}://{load_balancer.dns_name}{group.route.path_prefix}",
                        description=f"Base URL of {group.app} ({group.route.auth})")
