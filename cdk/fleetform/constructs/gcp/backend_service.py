"""A group's regional backend service: how its load balancer sends requests to the MIG.

- Scheme: ``INTERNAL_MANAGED`` for ``private`` apps (the region's internal Application Load
  Balancer), ``EXTERNAL_MANAGED`` for ``public`` and ``shared`` ones (the external one).
- ``timeout_sec`` is the app's ``request_timeout``; ``connection_draining_timeout_sec`` is
  ``request_timeout`` too (up to 3600 s, :mod:`fleetform.plan.draining`): a runner the autoscaler
  removes keeps finishing its requests that long before the MIG deletes it.
- Balancing: ``locality_lb_policy = LEAST_REQUEST`` sends each request to the runner with the fewest
  requests in flight (as fal picks the least busy runner); allowed for both managed schemes
  (https://cloud.google.com/load-balancing/docs/backend-service#lb-policy). The backend's balancing
  mode only weighs one backend against another and a group has one, so it is ``UTILIZATION`` at full
  capacity; ``IN_FLIGHT`` (in-flight requests per instance) exists only in the beta provider, which
  fleetform does not pin.
- ``shared`` apps: Identity-Aware Proxy on the backend service (``iap.enabled``, Google-managed OAuth
  client); who may pass is granted per backend service (:mod:`~fleetform.constructs.gcp.load_balancer`).
- Request logs: every request, for the app's access log.
"""

from __future__ import annotations

from fleetform.constructs.gcp.instance_group import APP_PORT_NAME
from fleetform.plan.model import GroupPlan
from fleetform.plan.names import group_name
from fleetform.tf import Construct, google

SCHEMES = {"private": "INTERNAL_MANAGED", "public": "EXTERNAL_MANAGED", "shared": "EXTERNAL_MANAGED"}


def backend_service_id(project: str, region: str, name: str) -> str:
    """A regional backend service's id (what its ``id`` attribute reads), for a stack that did not create it."""
    return f"projects/{project}/regions/{region}/backendServices/{name}"


def runner_backend_service(scope: Construct, group: GroupPlan, *, platform: str, instance_group: str,
                           health_check: str) -> google.ComputeRegionBackendService:
    return google.ComputeRegionBackendService(
        scope, "BackendService",
        name=group_name(platform, group.app),
        description=f"{group.app} ({group.route.auth})",
        region=group.cloud_region,
        load_balancing_scheme=SCHEMES[group.route.auth],
        protocol="HTTP",
        port_name=APP_PORT_NAME,
        timeout_sec=group.route.request_timeout_seconds,
        connection_draining_timeout_sec=group.rollout.draining.load_balancer_draining_seconds,
        health_checks=[health_check],
        locality_lb_policy="LEAST_REQUEST",
        backend=[{"group": instance_group, "balancing_mode": "UTILIZATION", "capacity_scaler": 1.0}],
        iap={"enabled": True} if group.route.auth == "shared" else None,
        log_config={"enable": True, "sample_rate": 1.0},
    )
