"""How requests reach a group: its target group and its rule on the load balancer's listener.

``https://<load balancer>/<app>/...`` matches the rule (priority ``route.listener_priority``, the
same in every region); a URL rewrite strips the ``/<app>`` prefix, so the app sees ``/...`` as on
fal. ``shared`` apps ("any authenticated user") first pass the ALB's ``jwt-validation`` action: the
caller's bearer token must be signed by a key of the platform's JWKS endpoint and carry its issuer
(ALB validates signature, ``iss`` and ``exp``, plus ``nbf``/``iat`` when present; HTTPS listeners
only, which the plan enforces), its audience and the platform's membership claims
(``additional_claim``: ``aud`` from ``auth.jwt_audience``, then ``auth.jwt_claims``).

Health checks: the target group probes ``health.probe_port``/``probe_path`` (the app port, or the
runner agent's bridge for POST health endpoints) and counts ``success_codes`` as healthy. The ALB
takes an interval of 5-300 s, a timeout of 2-120 s shorter than the interval, and thresholds of
2-10, so fal's values are clamped into those ranges (a failure threshold of 1 becomes 2, so an
unhealthy runner is noticed one interval later than on fal).

The target group drains a deregistered runner for ``request_timeout`` (at most 3600 s,
``plan.rollout.draining``: in-flight requests may finish) and balances on least outstanding requests, which
suits long GPU requests better than round robin. fal's retries (``route.retries`` and
``retry_conditions``) have no ALB equivalent: the ALB never retries a request.
"""

from __future__ import annotations

import re

from fleetform.constructs.aws.load_balancer import LoadBalancerAccess
from fleetform.constructs.aws.names import target_group_name
from fleetform.constructs.aws.tags import group_tags
from fleetform.plan.model import GroupPlan, HealthPlan, IngressPlan
from fleetform.tf import Construct, aws

INTERVAL_RANGE = (5, 300)
TIMEOUT_RANGE = (2, 120)
THRESHOLD_RANGE = (2, 10)
TRAFFIC_PORT = "traffic-port"
_REGEX_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], value))


def target_health_check(health: HealthPlan, app_port: int) -> aws.LbTargetGroupHealthCheck:
    """The target group's ``health_check`` block for ``health``, clamped to what the ALB accepts."""
    interval = _clamp(health.interval_seconds, INTERVAL_RANGE)
    return {
        "enabled": True,
        "protocol": "HTTP",
        "port": TRAFFIC_PORT if health.probe_port == app_port else str(health.probe_port),
        "path": health.probe_path,
        "matcher": health.success_codes,
        "interval": interval,
        "timeout": _clamp(min(health.timeout_seconds, interval - 1), TIMEOUT_RANGE),
        "healthy_threshold": _clamp(health.healthy_threshold, THRESHOLD_RANGE),
        "unhealthy_threshold": _clamp(health.unhealthy_threshold, THRESHOLD_RANGE),
    }


def prefix_rewrite(path_prefix: str) -> aws.LbListenerRuleTransformUrlRewriteConfigRewrite:
    """``^/<app>/?(.*)$`` -> ``/$1``: ``/<app>`` and ``/<app>/`` become ``/``, ``/<app>/x?q`` becomes ``/x?q``."""
    escaped = _REGEX_SPECIAL.sub(r"\\\1", path_prefix)
    return {"regex": f"^{escaped}/?(.*)$", "replace": "/$1"}


class AppRoute(Construct):
    """``TargetGroup`` and ``ListenerRule``; ``target_group_arn``/``arn_suffix`` for the ASG and scaling."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, group: GroupPlan, vpc_id: str,
                 vpc_key: str, load_balancer: LoadBalancerAccess, ingress: IngressPlan) -> None:
        super().__init__(scope, construct_id)
        target_group = aws.LbTargetGroup(
            self, "TargetGroup",
            name=target_group_name(platform, group.app, f"{vpc_key}/HTTP/{group.runner.port}"),
            port=group.runner.port,
            protocol="HTTP",
            target_type="instance",
            vpc_id=vpc_id,
            deregistration_delay=str(group.rollout.draining.load_balancer_draining_seconds),
            load_balancing_algorithm_type="least_outstanding_requests",
            health_check=target_health_check(group.health, group.runner.port),
            tags=group_tags(group),
            lifecycle={"create_before_destroy": True},
        )
        self.target_group_arn: str = target_group.arn
        self.target_group_arn_suffix: str = target_group.arn_suffix
        prefix = group.route.path_prefix
        aws.LbListenerRule(
            self, "ListenerRule",
            listener_arn=load_balancer.listener_arn,
            priority=group.route.listener_priority,
            condition=[{"path_pattern": {"values": [prefix, f"{prefix}/*"]}}],
            transform=[{"type": "url-rewrite", "url_rewrite_config": {"rewrite": prefix_rewrite(prefix)}}],
            action=self._actions(group, ingress, target_group.arn),
            tags=group_tags(group),
        )

    @staticmethod
    def _actions(group: GroupPlan, ingress: IngressPlan, target_group_arn: str) -> list[aws.LbListenerRuleAction]:
        actions: list[aws.LbListenerRuleAction] = []
        if group.route.auth == "shared":
            assert ingress.jwt_issuer is not None and ingress.jwks_url is not None, "the plan requires both"
            claims: list[aws.LbListenerRuleActionJwtValidationAdditionalClaim] = [
                {"name": claim.name, "format": claim.format, "values": list(claim.values)}
                for claim in ingress.jwt_claims]
            actions.append({"type": "jwt-validation", "order": 1,
                            "jwt_validation": {"issuer": ingress.jwt_issuer, "jwks_endpoint": ingress.jwks_url,
                                               "additional_claim": claims}})
        actions.append({"type": "forward", "order": len(actions) + 1, "target_group_arn": target_group_arn})
        return actions
