"""An app's health probe as load balancers and instance groups can run it.

fal probes a runner's declared health endpoint every 15 s with the endpoint's method (POST for
``@fal.endpoint`` routes). Cloud load balancers only send GET, so a POST endpoint is probed through
the runner agent's bridge, which calls the app with POST. Without a declared check, a ``fal.App``
answers fal's built-in ``GET /health`` once ``setup()`` is done; an image's own server is probed
at ``/`` and any HTTP answer counts as up, and so is a served ``@fal.function``, for which fal routes
``POST /`` only (no ``/health``): its port opens once the function is loaded, and ``GET /`` answers 405.
"""

from __future__ import annotations

from fleetform.plan.model import RUNNER_AGENT_PORT, HealthPlan
from fleetform.spec.app import AppSpec
from fleetform.spec.health_check import HealthCheckSpec

AGENT_HEALTH_PATH = "/fleetform/health"
HEALTHY_THRESHOLD = 2
"""Consecutive passing probes before a runner takes traffic (both clouds' default)."""


def plan_health(spec: AppSpec, *, serves_function: bool = False) -> HealthPlan:
    """The probe for ``spec``: its declared ``health_check``, else fal's default for the kind of app."""
    check = spec.health_check
    grace = max(spec.startup_timeout, check.start_period_seconds if check else 0)
    if check is None:
        any_answer = spec.is_image_only or serves_function
        path, success = ("/", "200-499") if any_answer else ("/health", "200-399")
        return HealthPlan(path=path, method="GET", probe_port=spec.exposed_port, probe_path=path,
                          interval_seconds=HealthCheckSpec.PROBE_INTERVAL_SECONDS, timeout_seconds=5,
                          unhealthy_threshold=3, healthy_threshold=HEALTHY_THRESHOLD, grace_seconds=grace,
                          success_codes=success, declared=False, replace_unhealthy=True)
    method = check.method or ("GET" if spec.is_image_only else "POST")
    bridged = method != "GET"
    return HealthPlan(
        path=check.path,
        method=method,
        probe_port=RUNNER_AGENT_PORT if bridged else spec.exposed_port,
        probe_path=AGENT_HEALTH_PATH if bridged else check.path,
        interval_seconds=max(HealthCheckSpec.PROBE_INTERVAL_SECONDS, check.timeout_seconds + 1),
        timeout_seconds=check.timeout_seconds,
        unhealthy_threshold=check.failure_threshold,
        healthy_threshold=HEALTHY_THRESHOLD,
        grace_seconds=grace,
        success_codes="200-399",
        declared=True,
        replace_unhealthy=check.call_regularly,
    )
