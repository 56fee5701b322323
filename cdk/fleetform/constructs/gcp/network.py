"""Where a region's runners and load balancers live: the network, the runners' subnetwork, the proxy-only subnetwork.

Regional internal and external Application Load Balancers run Envoy proxies that take their
addresses from the region's *proxy-only* subnetwork (``purpose = REGIONAL_MANAGED_PROXY``, one
active per network and region) and reach the backends from there
(https://cloud.google.com/load-balancing/docs/proxy-only-subnets).

- A **configured** network (``[tool.fleetform.networks.gcp.<region>]``) is the ``modules/gcp-network``
  module's: it creates the runners' subnetwork, Cloud NAT and the proxy-only subnetwork named
  ``<network>-<region>-proxy-only``, which this construct looks up for its range (in the network's
  project, which a self link may name: a Shared VPC host project).
- The project's **default** network (for trying fleetform out) has none of these, so this construct
  adds a proxy-only subnetwork from :data:`DEFAULT_NETWORK_PROXY_ONLY_RANGES` and a Cloud NAT for the
  region's ``default`` subnetwork (runners have no external address, and pull images and models
  from the internet). A default network that already has a proxy-only subnetwork or a NAT for that
  subnetwork in the region makes the apply fail; configure the network then.

The runners' subnetwork is always read with the ``google_compute_subnetwork`` data source, which
also gives the network's self link and the subnetwork's range (the Filestore export allows only it).

Filestore joins a network of its own project by name (VPC peering); a Shared VPC network of another
project only through private services access, by its full path
(https://cloud.google.com/filestore/docs/shared-vpc).
"""

from __future__ import annotations

import re

from fleetform.constructs.gcp.naming import region_network_name
from fleetform.errors import FleetformError, format_choices
from fleetform.plan.model import GcpNetworkPlan, PlatformPlan, RegionPlan
from fleetform.tf import Construct, google

DEFAULT_NETWORK = "default"
DEFAULT_NETWORK_PROXY_ONLY_RANGES = {
    "europe-north1": "10.126.0.0/23",
    "europe-west1": "10.126.2.0/23",
    "europe-west4": "10.126.4.0/23",
    "us-central1": "10.126.6.0/23",
    "us-east1": "10.126.8.0/23",
    "us-east4": "10.126.10.0/23",
    "us-east5": "10.126.12.0/23",
    "us-west1": "10.126.14.0/23",
}
"""Proxy-only ranges fleetform adds to the default network, one /23 per region (Google's recommended size).

They lie in 10.126.0.0/16, outside 10.128.0.0/9 where auto-mode networks place their regional
subnetworks (https://cloud.google.com/vpc/docs/subnets#ip-ranges), and never overlap each other (a
VPC's subnetworks may not overlap across regions). Append-only: a changed range replaces the subnetwork.
"""
PROXY_ONLY_PURPOSE = "REGIONAL_MANAGED_PROXY"
_PROJECT_IN_LINK = re.compile(r"(?:^|/)projects/([^/]+)/")


class RegionNetwork(Construct):
    """The network references of one region, and the default network's additions.

    Attributes:
        network: the network's self link.
        subnetwork: the runners' subnetwork's self link.
        subnetwork_range: its primary IPv4 range.
        proxy_only_range: the proxy-only subnetwork's range (load balancer traffic comes from it).
        proxy_only_subnet: the proxy-only subnetwork when this stack creates it (load balancers depend on it).
        filestore_network: how a Filestore instance names the network, and ``filestore_connect_mode``
            how it connects (``DIRECT_PEERING`` in the platform's project, ``PRIVATE_SERVICE_ACCESS`` to
            another project's Shared VPC).
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, region: RegionPlan,
                 extend_default: bool = True) -> None:
        """``extend_default`` False reads the default network's additions instead of creating them (they belong
        to the region's base stack; an app or routes stack only needs the proxy-only range, a constant)."""
        super().__init__(scope, construct_id)
        plan = region.network
        assert isinstance(plan, GcpNetworkPlan)
        network = plan.network or DEFAULT_NETWORK
        host_project = project_of(network)
        runners = _subnetwork_lookup(self, "Subnetwork", plan.subnetwork or DEFAULT_NETWORK, region.cloud_region,
                                     host_project)
        self.network = runners.network
        self.subnetwork = runners.self_link
        self.subnetwork_range = runners.ip_cidr_range
        self.proxy_only_subnet: google.ComputeSubnetwork | None = None
        if plan.network is None:
            self.proxy_only_range = self._extend_default_network(platform.name, region.cloud_region) \
                if extend_default else _default_proxy_only_range(region.cloud_region)
        else:
            name = f"{last_segment(network)}-{region.cloud_region}-proxy-only"
            self.proxy_only_range = _subnetwork_lookup(self, "ProxyOnlySubnet", name, region.cloud_region,
                                                       host_project).ip_cidr_range
        self.filestore_network, self.filestore_connect_mode = _filestore_attachment(network, host_project,
                                                                                    platform.gcp_project)

    def _extend_default_network(self, platform: str, region: str) -> str:
        """The proxy-only subnetwork and Cloud NAT the default network lacks; returns the proxy-only range."""
        cidr = _default_proxy_only_range(region)
        self.proxy_only_subnet = google.ComputeSubnetwork(
            self, "ProxyOnlySubnet", name=region_network_name(platform, region, "proxy-only"), network=DEFAULT_NETWORK,
            region=region, ip_cidr_range=cidr, purpose=PROXY_ONLY_PURPOSE, role="ACTIVE")
        router = google.ComputeRouter(self, "NatRouter", name=region_network_name(platform, region, "nat"),
                                      network=DEFAULT_NETWORK, region=region)
        google.ComputeRouterNat(
            self, "Nat", name=region_network_name(platform, region, "nat"), router=router.name, region=region,
            nat_ip_allocate_option="AUTO_ONLY", source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetwork=[{"name": self.subnetwork, "source_ip_ranges_to_nat": ["PRIMARY_IP_RANGE"]}],
            enable_dynamic_port_allocation=True, log_config={"enable": True, "filter": "ERRORS_ONLY"})
        return cidr


def last_segment(reference: str) -> str:
    """The name in a name or self link: ``projects/p/global/networks/acme`` -> ``acme``."""
    return reference.rstrip("/").rsplit("/", 1)[-1]


def project_of(reference: str) -> str | None:
    """The project a self link names (``projects/host/global/networks/acme`` -> ``host``); None for a name."""
    match = _PROJECT_IN_LINK.search(reference)
    return match.group(1) if match else None


def _filestore_attachment(network: str, host_project: str | None, platform_project: str | None) -> tuple[str, str]:
    if host_project is None or host_project == platform_project:
        return last_segment(network), "DIRECT_PEERING"
    return f"projects/{host_project}/global/networks/{last_segment(network)}", "PRIVATE_SERVICE_ACCESS"


def _subnetwork_lookup(scope: Construct, construct_id: str, reference: str, region: str,
                       project: str | None) -> google.data.ComputeSubnetwork:
    """A subnetwork by self link, or by name in ``region`` of ``project`` (None: the provider's)."""
    if "/" in reference:
        return google.data.ComputeSubnetwork(scope, construct_id, self_link=reference)
    return google.data.ComputeSubnetwork(scope, construct_id, name=reference, region=region, project=project)


def _default_proxy_only_range(region: str) -> str:
    if region not in DEFAULT_NETWORK_PROXY_ONLY_RANGES:
        raise FleetformError.single(
            "gcp/no-default-proxy-only-range", f"[tool.fleetform.networks.gcp.{region}]",
            f"fleetform has no proxy-only subnetwork range for the default network in {region}",
            allowed=format_choices(DEFAULT_NETWORK_PROXY_ONLY_RANGES),
            fix=f"create a network with modules/gcp-network and set [tool.fleetform.networks.gcp.{region}]")
    return DEFAULT_NETWORK_PROXY_ONLY_RANGES[region]
