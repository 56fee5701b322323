"""An app's route on its load balancer's URL map: prefix stripped, request timeout, fal's retries.

``https://<lb>/<app>/x`` reaches the app as ``/x`` (``url_rewrite.path_prefix_rewrite = "/"`` replaces
the matched ``/<app>/`` or ``/<app>``).

**Retries.** The plan decides which of fal's conditions are retried and how often
(:mod:`fleetform.plan.retries`); this renders it with GCP's retry conditions (the ``retry_conditions``
of ``google_compute_region_url_map``'s ``retry_policy``, https://cloud.google.com/load-balancing/docs/
https/traffic-management-regional#retry_policy), choosing for each the GCP conditions that repeat no
more than fal does:

==================== ===================================== ==================================================
fal                  GCP                                   covers
==================== ===================================== ==================================================
``server_error``     ``gateway-error``                     the runner answered 502, 503 or 504 (fal retries
                                                           503 and 504, never 500; GCP's ``5xx`` would
                                                           retry 500 and every broken connection too)
``connection_error`` ``connect-failure``, ``refused-stream`` the request never reached the app: safe to repeat
``timeout``          ``gateway-error`` + a per-try timeout a try exceeding ``request_timeout`` (answered 504)
==================== ===================================== ==================================================

A per-try timeout is set only when ``timeout`` is retried: the load balancer answers an expired try
with 504, which ``gateway-error`` would retry. Without it the route's timeout is ``request_timeout``
and ends the request, never retried; with it each try may take ``request_timeout`` and the route's
timeout covers every try. ``gateway-error`` retries 502 too (fal does not), and a runner that breaks
the connection mid-request (fal retries that in its queue) is not retried: GCP cannot tell it from a
request that did its work.
"""

from __future__ import annotations

from fleetform.plan.model import RoutePlan
from fleetform.tf import google

GCP_RETRY_CONDITIONS = {
    "server_error": ("gateway-error",),
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
