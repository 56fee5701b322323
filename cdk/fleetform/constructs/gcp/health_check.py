"""The regional health check of a group: what the load balancer and the MIG's autohealing probe.

The probe is the plan's (``HealthPlan.probe_port``/``probe_path``: the app's GET endpoint, or the
runner agent's bridge to a POST one), at the plan's interval and thresholds. GCP's timeout may not
exceed its interval. GCP's HTTP health check passes only on ``200 OK``
(https://cloud.google.com/load-balancing/docs/health-check-concepts#criteria-protocol-http), so
``success_codes`` ``200-399`` becomes "200 only" (a redirecting health endpoint fails), and
``200-499`` (an image's own server without a declared check: any HTTP answer means up) becomes a
TCP check on the same port, the closest GCP offers to "answers at all".
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan
from fleetform.plan.names import group_name
from fleetform.tf import Construct, google

ANY_HTTP_ANSWER = "200-499"


def runner_health_check(scope: Construct, group: GroupPlan, platform: str) -> google.ComputeRegionHealthCheck:
    health = group.health
    http: google.ComputeRegionHealthCheckHttpHealthCheck | None = None
    tcp: google.ComputeRegionHealthCheckTcpHealthCheck | None = None
    if health.success_codes == ANY_HTTP_ANSWER:
        tcp = {"port": health.probe_port}
    else:
        http = {"port": health.probe_port, "request_path": health.probe_path}
    return google.ComputeRegionHealthCheck(
        scope, "HealthCheck", name=group_name(platform, group.app), region=group.cloud_region,
        description=f"{group.app}: {health.method} {health.path}",
        check_interval_sec=health.interval_seconds,
        timeout_sec=min(health.timeout_seconds, health.interval_seconds),
        healthy_threshold=health.healthy_threshold,
        unhealthy_threshold=health.unhealthy_threshold,
        http_health_check=http,
        tcp_health_check=tcp,
    )
