"""One GCP region: its network additions, load balancers and ``/data`` volume, then a managed instance group per app.

Construct ids (public API: renaming one replaces infrastructure) under the stack's ``region``:
``Project`` (when the platform names no project), ``Network``, ``InternalLoadBalancer``,
``PublicLoadBalancer``, ``DataVolume``; under each app's construct: ``ServiceAccount``, ``Firewall``,
``BootImage``, ``Template``, ``HealthCheck``, ``InstanceGroup``, ``Autoscaler``, ``BackendService``.
Stack outputs: ``internal_load_balancer_address``, ``public_load_balancer_address``,
``public_load_balancer_host`` (with a DNS zone) and ``<app>_url`` (scheme, the load balancer's name
in the zone or its address, and the app's path prefix; with a zone also in the app's own stack).

The load balancers' URL maps route to every app's backend service, so they are built after the groups
(:meth:`GcpRegionFleet.build_routes`). In a platform they are the region's ``routes`` stack, applied after
the app stacks and naming each backend service by its id (``projects/<p>/regions/<r>/backendServices/<name>``);
the base stack holds the network additions and ``/data``, each app's stack its group and backend service,
and the ``<app>_url`` outputs are the routes stack's.
"""

from __future__ import annotations

from fleetform.constructs.gcp.autoscaler import add_gcp_autoscaler
from fleetform.constructs.gcp.backend_service import backend_service_id, runner_backend_service
from fleetform.constructs.gcp.data_volume import data_volume
from fleetform.constructs.gcp.firewall import allow_load_balancer
from fleetform.constructs.gcp.health_check import runner_health_check
from fleetform.constructs.gcp.instance_group import runner_instance_group
from fleetform.constructs.gcp.instance_template import runner_template
from fleetform.constructs.gcp.load_balancer import RegionLoadBalancer
from fleetform.constructs.gcp.network import RegionNetwork
from fleetform.constructs.gcp.project import project_id
from fleetform.constructs.gcp.service_account import RunnerServiceAccount
from fleetform.constructs.region import RegionFleet
from fleetform.plan.model import GroupPlan, PlatformPlan, RegionPlan, StackPlan
from fleetform.plan.names import group_name
from fleetform.tf import Construct, TerraformOutput, add_warning, google
from fleetform.vocabulary import Exposure

LOAD_BALANCER_IDS: dict[Exposure, str] = {"internal": "InternalLoadBalancer", "external": "PublicLoadBalancer"}


class GcpRegionFleet(RegionFleet):
    """The GCP rendering of a :class:`~fleetform.plan.model.RegionPlan`."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, region: RegionPlan,
                 stack: StackPlan | None = None) -> None:
        self._built: dict[str, tuple[Construct, str]] = {}
        super().__init__(scope, construct_id, platform=platform, region=region, stack=stack)

    def build_region(self) -> None:
        region = self.region
        self.project = project_id(self, self.platform)
        self.network = RegionNetwork(self, "Network", platform=self.platform, region=region)
        if region.needs_data_volume:
            data_volume(self, platform=self.platform.name, region=region, network=self.network)

    def find_region(self) -> None:
        self.project = project_id(self, self.platform)
        self.network = RegionNetwork(self, "Network", platform=self.platform, region=self.region, extend_default=False)

    def build_routes(self) -> None:
        """The load balancers, routing each app to its backend service (built here, or found by its id)."""
        region, platform = self.region, self.platform.name
        load_balancers: dict[Exposure, RegionLoadBalancer] = {}
        for exposure in sorted({group.route.exposure for group in region.groups}, reverse=True):
            load_balancers[exposure] = RegionLoadBalancer(
                self, LOAD_BALANCER_IDS[exposure], platform=platform, region=region,
                internal=exposure == "internal", network=self.network)
        for group in region.groups:
            scope, backend_service = self._built.get(group.app) or (
                Construct(self, group.app), backend_service_id(self.project, group.cloud_region,
                                                               group_name(platform, group.app)))
            load_balancers[group.route.exposure].route(scope, group, backend_service)
        for load_balancer in load_balancers.values():
            load_balancer.finish()

    def build_group(self, scope: Construct, group: GroupPlan) -> None:
        platform = self.platform.name
        name = group_name(platform, group.app)
        _annotate_capacity(scope, group)
        account = RunnerServiceAccount(scope, "ServiceAccount", group=group, platform=platform, project=self.project)
        allow_load_balancer(scope, group, platform=platform, network=self.network.network,
                            proxy_only_range=self.network.proxy_only_range, service_account_email=account.email)
        template = runner_template(scope, group, platform=platform,
                                   subnetwork=self.network.subnetwork, service_account_email=account.email)
        health_check = runner_health_check(scope, group, platform)
        instance_group = runner_instance_group(scope, group, platform=platform,
                                               template_link=template.self_link_unique, health_check=health_check.id)
        exposure = group.route.exposure
        add_gcp_autoscaler(scope, group, instance_group_manager=instance_group.id, region=group.cloud_region,
                           group_name=name, backend_service=name,
                           load_balancer="internal" if exposure == "internal" else "regional")
        backend_service = runner_backend_service(scope, group, platform=platform,
                                                 instance_group=instance_group.instance_group,
                                                 health_check=health_check.id)
        self._built[group.app] = (scope, backend_service.id)
        if group.route.url and not self.whole_region:
            TerraformOutput(scope, f"{group.app}_url", value=group.route.url, static_id=True,
                            description=f"Base URL of {group.app} ({group.route.auth}), on the routes stack's record")
        if group.route.auth == "shared":
            _admit_shared_members(scope, group, backend_service.name, self.region.ingress.shared_members)


def _admit_shared_members(scope: Construct, group: GroupPlan, backend_service: str, members: tuple[str, ...]) -> None:
    """IAP lets the platform's ``shared_members`` (any signed-in user by default) through to a shared app."""
    for index, member in enumerate(members):
        google.IapWebRegionBackendServiceIamMember(
            scope, f"IapAccess{index}", region=group.cloud_region, web_region_backend_service=backend_service,
            role="roles/iap.httpsResourceAccessor", member=member)


def _annotate_capacity(scope: Construct, group: GroupPlan) -> None:
    """The plan's capacity warnings, also in cdktf's manifest for platform repos that run ``cdktf synth``."""
    machine = group.machine
    if machine.provisioning == "spot":
        add_warning(scope, f"{group.app} runs Spot VMs in {group.cloud_region}: {machine.instance_types[0]} is not "
                           "sold on demand, and Spot runners can be preempted at any time (30 s notice)")
    for machine_type, reason in machine.left_out_types:
        add_warning(scope, f"{group.app} in {group.cloud_region} cannot fall back to {machine_type}: {reason}")
