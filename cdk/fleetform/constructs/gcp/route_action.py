"""An app's route on its load balancer's URL map: prefix stripped, request timeout, fal's retries.

``https://<lb>/<app>/x`` reaches the app as ``/x`` (``url_rewrite.path_prefix_rewrite = "/"`` replaces
the matched ``/<app>/`` or ``/<app>``).

**Retries.** fal retries a failed request on server errors, timeouts and connection failures unless
the app skips some (``skip_retry_conditions``); fleetform retries at the load balancer, at most
``route.retries`` times. GCP's retry conditions (https://cloud.google.com/load-balancing/docs/
https/traffic-management-regional#retry_policy, the ``retry_conditions`` of
``google_compute_region_url_map``) stand in for fal's:

==================== ===================================== ==================================================
fal                  GCP                                   covers
==================== ===================================== ==================================================
``server_error``     ``5xx``                               any 5xx answer, or no answer at all
``connection_error`` ``connect-failure``, ``refused-stream`` connection refused or reset before an answer
``timeout``          ``gateway-error`` + a per-try timeout a try exceeding ``request_timeout`` (answered 504)
==================== ===================================== ==================================================

``gateway-error`` also retries 502 and 503, which fal counts as server errors: an app that skips
``server_error`` but keeps ``timeout`` still gets 502/503 retried. With ``timeout`` on, each try may
take ``request_timeout`` and the route's timeout, which covers every try, is ``request_timeout`` times
the number of tries; otherwise the route's timeout is ``request_timeout``.
"""

from __future__ import annotations

from fleetform.plan.model import RoutePlan
from fleetform.tf import google

GCP_RETRY_CONDITIONS = {
    "server_error": ("5xx",),
    "connection_error": ("connect-failure", "refused-stream"),
    "timeout": ("gateway-error",),
}


def route_action(route: RoutePlan) -> google.ComputeRegionUrlMapPathMatcherPathRuleRouteAction:
    """The ``route_action`` block of the app's path rule."""
    action: google.ComputeRegionUrlMapPathMatcherPathRuleRouteAction = {"url_rewrite": {"path_prefix_rewrite": "/"}}
    retry_timeouts = "timeout" in route.retry_conditions and route.retries > 0
    tries = 1 + route.retries if retry_timeouts else 1
    action["timeout"] = {"seconds": str(route.request_timeout_seconds * tries)}
    if route.retry_conditions and route.retries > 0:
        retry_policy: google.ComputeRegionUrlMapPathMatcherPathRuleRouteActionRetryPolicy = {
            "num_retries": route.retries, "retry_conditions": gcp_retry_conditions(route)}
        if retry_timeouts:
            retry_policy["per_try_timeout"] = {"seconds": str(route.request_timeout_seconds)}
        action["retry_policy"] = retry_policy
    return action


def gcp_retry_conditions(route: RoutePlan) -> list[str]:
    return sorted({condition for fal in route.retry_conditions for condition in GCP_RETRY_CONDITIONS[fal]})
