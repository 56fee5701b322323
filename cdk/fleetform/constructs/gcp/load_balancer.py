"""A region's load balancers: a regional internal and a regional external Application Load Balancer.

The three auth modes (fal's ``auth``) map to them as on AWS:

- ``private``: a regional **internal** Application Load Balancer (``INTERNAL_MANAGED``) with an
  address in the runners' subnetwork, reachable only from the VPC (and what is peered or connected
  to it). HTTP on port 80; the network is the trust boundary.
- ``public``: a regional **external** Application Load Balancer (``EXTERNAL_MANAGED``), no
  authentication, as fal's public apps. HTTPS on 443 with the region's certificate
  (``[tool.fleetform.gcp.certificates]``, a regional SSL certificate), port 80 then redirects to it;
  HTTP on 80 without one.
- ``shared``: the same external load balancer, with Identity-Aware Proxy on each shared app's
  backend service (:mod:`~fleetform.constructs.gcp.backend_service`), so only signed-in members of
  ``[tool.fleetform.auth] shared_members`` (``roles/iap.httpsResourceAccessor``) get through. IAP
  needs HTTPS, so a region with shared apps needs a certificate.

Parts (https://cloud.google.com/load-balancing/docs/https/setting-up-reg-ext-https-lb,
https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-internal): a reserved regional
address, a region URL map, a region target HTTP(S) proxy, and a forwarding rule in the network; the
proxy-only subnetwork must exist first. The external address is Standard tier, which every region
offering regional external Application Load Balancers supports (Premium came later): traffic enters
Google's network near the region the apps run in, which is what a regional load balancer serves.
With a DNS zone (``plan.dns``) the external load balancer's address gets the region's record
(:mod:`~fleetform.constructs.gcp.dns`) and the apps' URLs use that name.

**Routing.** A URL map sends each host to one path matcher, and every app answers on any host, so
all apps are path rules of one matcher: ``/<app>`` and ``/<app>/*`` to the app's backend service
(:mod:`~fleetform.constructs.gcp.route_action`). Anything else gets **404**: a URL map cannot answer by
itself, so the default route names the first app's backend service and aborts every request with
404 before it reaches it (fault injection, ``percentage = 100``), as an unknown app would get on fal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from fleetform.constructs.gcp.dns import add_address_record
from fleetform.constructs.gcp.naming import load_balancer_name
from fleetform.constructs.gcp.network import RegionNetwork
from fleetform.constructs.gcp.route_action import route_action
from fleetform.plan.model import GroupPlan, RegionPlan
from fleetform.tf import Construct, TerraformOutput, google

PATH_MATCHER = "apps"
NOT_FOUND = 404
EXTERNAL_TIER = "STANDARD"


@dataclass(frozen=True)
class AppRoute:
    group: GroupPlan
    backend_service: str


class RegionLoadBalancer(Construct):
    """The internal or the external load balancer; apps join with :meth:`route`, then :meth:`finish` builds it."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, region: RegionPlan, internal: bool,
                 network: RegionNetwork) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        self.region = region.cloud_region
        self.kind = "internal" if internal else "public"
        self.network = network
        self.internal = internal
        self.certificate = None if internal else region.ingress.certificate
        self.routes: list[AppRoute] = []
        self.address = google.ComputeAddress(
            self, "Address", name=load_balancer_name(platform, self.kind), region=self.region,
            description=f"{self.kind} apps of {platform} in {self.region}",
            address_type="INTERNAL" if internal else "EXTERNAL",
            subnetwork=network.subnetwork if internal else None,
            network_tier=None if internal else EXTERNAL_TIER)
        TerraformOutput(scope, f"{self.kind}_load_balancer_address", value=self.address.address, static_id=True,
                        description=f"IP address of the {self.kind} apps' load balancer in {self.region}")
        self.dns = None if internal else region.ingress.dns
        if self.dns is not None:
            add_address_record(self, self.dns, address=self.address.address)
            TerraformOutput(scope, "public_load_balancer_host", value=self.dns.host, static_id=True,
                            description=f"The external load balancer's name in {self.dns.zone}")

    @property
    def scheme(self) -> str:
        return "https" if self.certificate else "http"

    def route(self, scope: Construct, group: GroupPlan, backend_service: str) -> None:
        """Send ``/<app>`` to ``backend_service``; the app's URL prefix becomes an output under ``scope``."""
        self.routes.append(AppRoute(group, backend_service))
        TerraformOutput(scope, f"{group.app}_url", static_id=True,
                        value=group.route.url or f"{self.scheme}://{self.address.address}{group.route.path_prefix}",
                        description=f"Base URL of {group.app} ({group.route.auth})")

    def finish(self) -> None:
        """The URL map, proxy and forwarding rule(s), once every app has its route."""
        url_map = google.ComputeRegionUrlMap(
            self, "UrlMap", name=load_balancer_name(self.platform, self.kind), region=self.region,
            description="/<app> to the app, anything else 404",
            # The schema types the map's and the path matcher's default_route_action apart; same block here.
            default_route_action=cast("google.ComputeRegionUrlMapDefaultRouteAction", self._not_found()),
            host_rule=[{"hosts": ["*"], "path_matcher": PATH_MATCHER}],
            path_matcher=[{"name": PATH_MATCHER, "default_route_action": self._not_found(),
                           "path_rule": [self._path_rule(route) for route in self.routes]}])
        if self.certificate:
            proxy: Any = google.ComputeRegionTargetHttpsProxy(
                self, "HttpsProxy", name=load_balancer_name(self.platform, self.kind), region=self.region,
                url_map=url_map.id, ssl_certificates=[self.certificate])
            self._forwarding_rule("ForwardingRule", "", proxy.id, 443)
            self._redirect_to_https()
        else:
            proxy = google.ComputeRegionTargetHttpProxy(
                self, "HttpProxy", name=load_balancer_name(self.platform, self.kind), region=self.region,
                url_map=url_map.id)
            self._forwarding_rule("ForwardingRule", "", proxy.id, 80)

    def _not_found(self) -> google.ComputeRegionUrlMapPathMatcherDefaultRouteAction:
        return {"weighted_backend_services": [{"backend_service": self.routes[0].backend_service, "weight": 100}],
                "fault_injection_policy": {"abort": {"http_status": NOT_FOUND, "percentage": 100}}}

    @staticmethod
    def _path_rule(route: AppRoute) -> google.ComputeRegionUrlMapPathMatcherPathRule:
        prefix = route.group.route.path_prefix
        return {"paths": [prefix, f"{prefix}/*"], "service": route.backend_service,
                "route_action": route_action(route.group.route)}

    def _redirect_to_https(self) -> None:
        name = load_balancer_name(self.platform, self.kind, "redirect")
        url_map = google.ComputeRegionUrlMap(
            self, "RedirectUrlMap", name=name, region=self.region, description="HTTP to HTTPS",
            default_url_redirect={"https_redirect": True, "strip_query": False,
                                  "redirect_response_code": "MOVED_PERMANENTLY_DEFAULT"})
        proxy = google.ComputeRegionTargetHttpProxy(self, "RedirectProxy", name=name, region=self.region,
                                                    url_map=url_map.id)
        self._forwarding_rule("RedirectForwardingRule", "redirect", proxy.id, 80)

    def _forwarding_rule(self, construct_id: str, suffix: str, target: str, port: int) -> None:
        subnet = self.network.proxy_only_subnet
        google.ComputeForwardingRule(
            self, construct_id, name=load_balancer_name(self.platform, self.kind, suffix), region=self.region,
            load_balancing_scheme="INTERNAL_MANAGED" if self.internal else "EXTERNAL_MANAGED",
            ip_protocol="TCP", port_range=str(port), target=target, ip_address=self.address.id,
            network=self.network.network, subnetwork=self.network.subnetwork if self.internal else None,
            network_tier=None if self.internal else EXTERNAL_TIER,
            depends_on=[subnet] if subnet is not None else None)
