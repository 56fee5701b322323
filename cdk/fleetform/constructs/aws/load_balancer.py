"""A region's Application Load Balancers: one internal, one internet-facing, each shared by its apps.

fal's ``auth`` decides the exposure: ``private`` apps ("only you/team") sit behind the **internal**
load balancer, reachable from inside the VPC only; ``public`` and ``shared`` apps behind the
**internet-facing** one (``shared`` apps additionally check the caller's JWT at the listener rule).
A region gets only the load balancers its apps need. The security group admits the listener port
(from anywhere, or from the VPC for the internal one) and lets traffic out only to each app's
runners on its ports, plus HTTPS to the identity provider when ``shared`` apps sit behind it.

Listener: HTTPS with the region's ACM certificate and the console's current default TLS policy
(TLS 1.3 and 1.2, restricted ciphers, post-quantum key exchange) when a certificate is configured;
otherwise plain HTTP on port 80, for trying fleetform out only (a warning says so at synth). No
port-80 redirect next to HTTPS: API clients would send their tokens in clear text before the
redirect. A request no app claims gets a JSON 404 from the default action.

Timeouts: the ALB's idle timeout is per load balancer, not per rule, so it is the longest
``request_timeout`` of the apps behind it (at most 4000 s, the ALB maximum). No app's request is cut
by the load balancer before its own ``request_timeout``; but an app with a shorter one is not cut
at it either: the ALB has no per-rule or per-target-group timeout, so the shorter limit must be
enforced on the runner.

Deletion protection is off: fleetform removes a load balancer when the last app of its exposure
leaves the region, and a protected one would fail that apply halfway. Replacing or removing a load
balancer changes its DNS name; ``fleetform review`` flags that in the pull request instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.constructs.aws.names import load_balancer_name, load_balancer_security_group_prefix
from fleetform.constructs.aws.network import AwsNetwork
from fleetform.plan.model import GroupPlan, IngressPlan
from fleetform.tf import Construct, add_warning, aws

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
"""The console's default HTTPS policy (other clients still default to the 2016 one)."""
HTTPS_PORT = 443
HTTP_PORT = 80
MAX_IDLE_TIMEOUT_SECONDS = 4000
ANYWHERE_IPV4 = "0.0.0.0/0"
NOT_FOUND_BODY = '{"detail":"no app is served at this path"}'


def security_group_description(internal: bool) -> str:
    """The load balancer security group's description; app stacks find the group by it and its name prefix."""
    return f"fleetform {'internal' if internal else 'internet-facing'} load balancer"


class LoadBalancerAccess(Construct):
    """What an app's group needs of its load balancer: listener, security group, names; and egress to it.

    :class:`AwsLoadBalancer` creates the load balancer (a region's base stack, or a team's own stack);
    :class:`FoundLoadBalancer` finds it by name from an app's stack.
    """

    security_group_id: str
    listener_arn: str
    arn_suffix: str
    dns_name: str

    def __init__(self, scope: Construct, construct_id: str, *, ingress: IngressPlan, internal: bool) -> None:
        super().__init__(scope, construct_id)
        self.internal = internal
        self.https = ingress.certificate is not None
        self.port = HTTPS_PORT if self.https else HTTP_PORT
        self.url_scheme = "https" if self.https else "http"

    def allow_to_runners(self, scope: Construct, *, runner_security_group_id: str,
                         ports: Sequence[tuple[int, int]]) -> None:
        """Egress from this load balancer to one group's runners on its traffic and probe port ranges (first, last)."""
        for port, last in sorted(set(ports)):
            aws.VpcSecurityGroupEgressRule(
                scope, f"LoadBalancerEgress-{port}",
                security_group_id=self.security_group_id,
                description=f"to the runners on port {port}" if port == last else
                f"to the runners on ports {port}-{last}",
                ip_protocol="tcp",
                from_port=port,
                to_port=last,
                referenced_security_group_id=runner_security_group_id,
            )


class FoundLoadBalancer(LoadBalancerAccess):
    """The region's load balancer of one exposure, its listener and security group, read by name."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, ingress: IngressPlan,
                 network: AwsNetwork, internal: bool) -> None:
        super().__init__(scope, construct_id, ingress=ingress, internal=internal)
        balancer = aws.data.Lb(self, "LoadBalancer", name=load_balancer_name(platform, internal))
        self.arn_suffix = balancer.arn_suffix
        self.dns_name = balancer.dns_name
        self.listener_arn = aws.data.LbListener(self, "Listener", load_balancer_arn=balancer.arn, port=self.port).arn
        self.security_group_id = network.find_security_group(
            self, "SecurityGroup", name_prefix=load_balancer_security_group_prefix(platform, internal),
            description=security_group_description(internal))


class AwsLoadBalancer(LoadBalancerAccess):
    """One ALB with its security group and listener; apps add their rules to ``listener_arn``."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, ingress: IngressPlan,
                 network: AwsNetwork, internal: bool, groups: Sequence[GroupPlan]) -> None:
        super().__init__(scope, construct_id, ingress=ingress, internal=internal)
        name = load_balancer_name(platform, internal)
        self.security_group_id = self._security_group(platform, network)
        if any(group.route.auth == "shared" for group in groups):
            self._allow_jwks_fetch()
        balancer = aws.Lb(
            self, "LoadBalancer",
            name=name,
            internal=internal,
            load_balancer_type="application",
            security_groups=[self.security_group_id],
            subnets=network.load_balancer_subnet_ids(internal=internal),
            idle_timeout=min(MAX_IDLE_TIMEOUT_SECONDS, max(g.route.request_timeout_seconds for g in groups)),
            drop_invalid_header_fields=True,
            enable_http2=True,
            enable_deletion_protection=False,
        )
        self.arn_suffix = balancer.arn_suffix
        self.dns_name = balancer.dns_name
        self.zone_id = balancer.zone_id
        """The load balancer's canonical hosted zone: what an alias record to it names."""
        self.listener_arn = self._listener(balancer.arn, ingress.certificate).arn

    def _security_group(self, platform: str, network: AwsNetwork) -> str:
        """Ingress on the listener port only: from anywhere, or from the VPC for the internal one."""
        group = aws.SecurityGroup(
            self, "SecurityGroup",
            name_prefix=load_balancer_security_group_prefix(platform, self.internal),
            description=security_group_description(self.internal),
            vpc_id=network.vpc_id,
            lifecycle={"create_before_destroy": True},
        )
        aws.VpcSecurityGroupIngressRule(
            self, "ListenerIngress",
            security_group_id=group.id,
            description=f"{self.url_scheme.upper()} from {'the VPC' if self.internal else 'anywhere'}",
            ip_protocol="tcp",
            from_port=self.port,
            to_port=self.port,
            cidr_ipv4=network.cidr_block if self.internal else ANYWHERE_IPV4,
        )
        return group.id

    def _allow_jwks_fetch(self) -> None:
        """HTTPS out to the identity provider, whose JWKS endpoint the load balancer reads for ``shared`` apps.

        AWS documents outbound access to the IdP for the ALB's OIDC action. Whether ``jwt-validation``
        fetches the JWKS through the load balancer's interfaces too is not documented (a public
        deployment note says it does not); the rule is kept so shared apps never fail on it, and
        the load balancer only opens connections it needs.
        """
        aws.VpcSecurityGroupEgressRule(
            self, "JwksEgress",
            security_group_id=self.security_group_id,
            description="HTTPS to the identity provider's JWKS endpoint (shared apps)",
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            cidr_ipv4=ANYWHERE_IPV4,
        )

    def _listener(self, load_balancer_arn: str, certificate: str | None) -> aws.LbListener:
        not_found: aws.LbListenerDefaultAction = {"type": "fixed-response", "fixed_response": {
            "content_type": "application/json", "message_body": NOT_FOUND_BODY, "status_code": "404"}}
        if certificate is None:
            add_warning(self, "no certificate for this region: the load balancer listens on plain HTTP (port 80), "
                              "fit for trying fleetform out only; set [tool.fleetform.aws.certificates]")
            return aws.LbListener(self, "Listener", load_balancer_arn=load_balancer_arn, port=self.port,
                                  protocol="HTTP", default_action=[not_found])
        return aws.LbListener(self, "Listener", load_balancer_arn=load_balancer_arn, port=self.port,
                              protocol="HTTPS", certificate_arn=certificate, ssl_policy=TLS_POLICY,
                              default_action=[not_found])
