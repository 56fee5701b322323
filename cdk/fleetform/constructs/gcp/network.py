"""Where a region's runners and load balancers live: the network, the runners' subnetwork, the proxy-only subnetwork.

Regional internal and external Application Load Balancers run Envoy proxies that take their
addresses from the region's *proxy-only* subnetwork (``purpose = REGIONAL_MANAGED_PROXY``, one
active per network and region) and reach the backends from there
(https://cloud.google.com/load-balancing/docs/proxy-only-subnets).

- A **configured** network (``[tool.fleetform.networks.gcp.<region>]``) is the ``modules/gcp-network``
  module's: it creates the runners' subnetwork, Cloud NAT and the proxy-only subnetwork named
  ``<network>-<region>-proxy-only``, which this construct looks up for its range.
- The project's **default** network (for trying fleetform out) has none of these, so this construct
  adds a proxy-only subnetwork from :data:`DEFAULT_NETWORK_PROXY_ONLY_RANGES` and a Cloud NAT for the
  region's ``default`` subnetwork (runners have no external address, and pull images and models
  from the internet). A default network that already has a proxy-only subnetwork or a NAT for that
  subnetwork in the region makes the apply fail; configure the network then.

The runners' subnetwork is always read with the ``google_compute_subnetwork`` data source, which
also gives the network's self link and the subnetwork's range (the Filestore export allows only it).
"""

from __future__ import annotations

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


class RegionNetwork(Construct):
    """The network references of one region, and the default network's additions.

    Attributes:
        network: the network's self link.
        subnetwork: the runners' subnetwork's self link.
        subnetwork_range: its primary IPv4 range.
        proxy_only_range: the proxy-only subnetwork's range (load balancer traffic comes from it).
        proxy_only_subnet: the proxy-only subnetwork when this stack creates it (load balancers depend on it).
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, region: RegionPlan) -> None:
        super().__init__(scope, construct_id)
        plan = region.network
        assert isinstance(plan, GcpNetworkPlan)
        runners = _subnetwork_lookup(self, "Subnetwork", plan.subnetwork or DEFAULT_NETWORK, region.cloud_region)
        self.network = runners.network
        self.subnetwork = runners.self_link
        self.subnetwork_range = runners.ip_cidr_range
        self.proxy_only_subnet: google.ComputeSubnetwork | None = None
        if plan.network is None:
            self.proxy_only_range = _default_proxy_only_range(region.cloud_region)
            self.proxy_only_subnet = google.ComputeSubnetwork(
                self, "ProxyOnlySubnet", name=region_network_name(platform.name, region.cloud_region, "proxy-only"),
                network=DEFAULT_NETWORK, region=region.cloud_region, ip_cidr_range=self.proxy_only_range,
                purpose=PROXY_ONLY_PURPOSE, role="ACTIVE")
            self._add_nat(platform.name, region.cloud_region)
        else:
            name = f"{last_segment(plan.network)}-{region.cloud_region}-proxy-only"
            self.proxy_only_range = _subnetwork_lookup(self, "ProxyOnlySubnet", name, region.cloud_region).ip_cidr_range
        self.network_name = last_segment(plan.network or DEFAULT_NETWORK)
        """The network's name (Filestore joins a network by name)."""

    def _add_nat(self, platform: str, region: str) -> None:
        router = google.ComputeRouter(self, "NatRouter", name=region_network_name(platform, region, "nat"),
                                      network=DEFAULT_NETWORK, region=region)
        google.ComputeRouterNat(
            self, "Nat", name=region_network_name(platform, region, "nat"), router=router.name, region=region,
            nat_ip_allocate_option="AUTO_ONLY", source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetwork=[{"name": self.subnetwork, "source_ip_ranges_to_nat": ["PRIMARY_IP_RANGE"]}],
            enable_dynamic_port_allocation=True, log_config={"enable": True, "filter": "ERRORS_ONLY"})


def last_segment(reference: str) -> str:
    """The name in a name or self link: ``projects/p/global/networks/acme`` -> ``acme``."""
    return reference.rstrip("/").rsplit("/", 1)[-1]


def _subnetwork_lookup(scope: Construct, construct_id: str, reference: str,
                       region: str) -> google.data.ComputeSubnetwork:
    if "/" in reference:
        return google.data.ComputeSubnetwork(scope, construct_id, self_link=reference)
    return google.data.ComputeSubnetwork(scope, construct_id, name=reference, region=region)


def _default_proxy_only_range(region: str) -> str:
    if region not in DEFAULT_NETWORK_PROXY_ONLY_RANGES:
        raise FleetformError.single(
            "gcp/no-default-proxy-only-range", f"[tool.fleetform.networks.gcp.{region}]",
            f"fleetform has no proxy-only subnetwork range for the default network in {region}",
            allowed=format_choices(DEFAULT_NETWORK_PROXY_ONLY_RANGES),
            fix=f"create a network with modules/gcp-network and set [tool.fleetform.networks.gcp.{region}]")
    return DEFAULT_NETWORK_PROXY_ONLY_RANGES[region]
