"""An app's health probe as load balancers and instance groups can run it.

fal probes a runner's declared health endpoint every 15 s with the endpoint's method. The method is
the one the app's server really answers (fal 1.83.0, :mod:`fleetform.spec.routes`): a declared
``@fal.endpoint`` is a POST route; fal's built-in ``/health`` of a ``fal.App`` is GET. A path that is
neither would answer 404 or 405 for ever and auto-healing would recycle every runner, so it is refused
here, naming the routes the app has. Cloud load balancers only send GET, so a POST endpoint is probed
through the runner agent's bridge, which calls the app with POST; a GET one is probed directly.

Without a declared check, a ``fal.App`` answers fal's built-in ``GET /health`` once ``setup()`` is done;
a served ``@fal.function`` has no ``/health`` (its only route is ``POST /``), so its server is probed at
``/`` where any HTTP answer (405 for GET) says it is up, as is an image's own server.
"""

from __future__ import annotations

from fleetform.errors import FleetformError
from fleetform.plan.model import RUNNER_AGENT_PORT, HealthPlan
from fleetform.spec.health_check import HealthCheckSpec
from fleetform.spec.resolve import ResolvedApp
from fleetform.spec.routes import BUILTIN_HEALTH_PATH, DeclaredRoutes
from fleetform.vocabulary import HealthCheckMethod

AGENT_HEALTH_PATH = "/fleetform/health"
HEALTHY_THRESHOLD = 2
"""Consecutive passing probes before a runner takes traffic (both clouds' default)."""
ANY_ANSWER = "200-499"
"""Success codes of a probe that only asks whether a server is up."""


def plan_health(app: ResolvedApp) -> HealthPlan:
    """The probe for ``app``: its declared ``health_check``, else fal's default for the kind of app."""
    spec = app.spec
    check = spec.health_check
    grace = max(spec.startup_timeout, check.start_period_seconds if check else 0)
    if check is None:
        has_builtin = app.routes is None or app.routes.builtin_health
        path, success = ("/health", "200-399") if has_builtin and not spec.is_image_only else ("/", ANY_ANSWER)
        return HealthPlan(path=path, method="GET", probe_port=spec.exposed_port, probe_path=path,
                          interval_seconds=HealthCheckSpec.PROBE_INTERVAL_SECONDS, timeout_seconds=5,
                          unhealthy_threshold=3, healthy_threshold=HEALTHY_THRESHOLD, grace_seconds=grace,
                          success_codes=success, declared=False, replace_unhealthy=True)
    method = (check.method or "GET") if spec.is_image_only else _method(app, check)
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


def _method(app: ResolvedApp, check: HealthCheckSpec) -> HealthCheckMethod:
    """The method the app's server answers on the health path; refused when it answers none.

    With routes unknown (a ``python_entry_point``, or an endpoint path computed at run time) fal's rule
    is the best guess: its built-in ``/health`` is GET, any other path a POST endpoint.
    """
    routes = app.routes
    if routes is None:
        return check.method or ("GET" if check.path == BUILTIN_HEALTH_PATH else "POST")
    if check.path in routes.endpoints:
        answers: HealthCheckMethod = "POST"
    elif check.path == BUILTIN_HEALTH_PATH and routes.builtin_health:
        answers = "GET"
    else:
        raise FleetformError.single(
            "plan/health-path-unserved", _where(app), _unserved(check.path, routes),
            allowed=routes.describe(),
            fix=f"declare @fal.endpoint({check.path!r}) in {routes.where}, or use one of the routes above")
    if check.method is not None and check.method != answers:
        raise FleetformError.single(
            "plan/health-method-unserved", _where(app, "method"),
            f"health_check {check.method} {check.path}: the app answers {check.path} only with {answers} "
            f"(fal registers {'@fal.endpoint routes as POST' if answers == 'POST' else 'its /health as GET'}), "
            "so every probe would fail with 405 and runners would be replaced for ever",
            allowed=routes.describe(), fix=f"set method = \"{answers}\" or remove method")
    return answers


def _unserved(path: str, routes: DeclaredRoutes) -> str:
    websocket = " (a websocket endpoint, which a probe cannot call)" if path in routes.websockets else ""
    return (f"health_check.path {path!r} is not a route of the app{websocket}: it is neither a declared "
            f"@fal.endpoint nor fal's built-in GET {BUILTIN_HEALTH_PATH}, so every probe would fail and "
            "auto-healing would replace runners for ever")


def _where(app: ResolvedApp, key: str = "path") -> str:
    """The TOML key of the health check, or the class line that declares it."""
    if app.sources.get("health_check") == "class" and app.class_location is not None:
        return app.class_location
    return f"{app.where}.health_check.{key}"
