"""The one way into a group's runners: from the load balancer's proxies and Google's health checkers.

Regional Application Load Balancers reach backends from the proxy-only subnetwork; health checks
(the load balancer's and the MIG's autohealing) come from 35.191.0.0/16 and 130.211.0.0/22
(https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges). The rule opens
exactly the group's app port and probe port, only to the group's own service account, so one
app's rule never opens another app's runners. Nothing is open from the internet and there is no
SSH rule: runners are replaced, not logged in to (the ``modules/gcp-network`` module offers IAP
TCP forwarding for port 22 to platform teams that want a shell).
"""

from __future__ import annotations

from fleetform.constructs.gcp.naming import firewall_name
from fleetform.plan.model import GroupPlan
from fleetform.tf import Construct, google

HEALTH_CHECK_RANGES = ("130.211.0.0/22", "35.191.0.0/16")


def allow_load_balancer(scope: Construct, group: GroupPlan, *, platform: str, network: str, proxy_only_range: str,
                        service_account_email: str) -> google.ComputeFirewall:
    ports = sorted({group.runner.port, group.health.probe_port})
    return google.ComputeFirewall(
        scope, "Firewall", name=firewall_name(platform, group.app, group.cloud_region), network=network,
        description=f"Load balancer proxies and health checks to {group.app}'s runners in {group.cloud_region}",
        direction="INGRESS", priority=1000,
        source_ranges=[*HEALTH_CHECK_RANGES, proxy_only_range],
        target_service_accounts=[service_account_email],
        allow=[{"protocol": "tcp", "ports": [str(port) for port in ports]}])
