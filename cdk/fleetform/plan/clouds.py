"""What the plan needs to know of each cloud, in one registry: no ``if aws ... else`` elsewhere in the plan.

Each :class:`CloudRules` says how the cloud names and checks what a platform team configures for it
(certificates, shared-app authentication) and how its network settings become a region's network plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from fleetform.plan.apis import gcp_project_services, no_project_services
from fleetform.plan.dns import DNS_NAME, DNS_NAME_EXAMPLE, normalized_zone
from fleetform.plan.model import AwsNetworkPlan, GcpNetworkPlan, GroupPlan, ProjectService, SharedPlan
from fleetform.spec.platform import PlatformSettings
from fleetform.vocabulary import Cloud

_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")
_GCP_MANAGED_ZONE = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
"""A Cloud DNS managed zone's name: RFC 1035 label rules, as the managedZones API takes it."""
_GCP_CERTIFICATE = re.compile(r"(?:^|/)(?:regions/(?P<region>[a-z0-9-]+)|(?P<global>global))/sslCertificates/[^/]+$")


@dataclass(frozen=True)
class CloudRules:
    """One cloud's naming and configuration rules, as the plan applies them."""

    cloud: Cloud
    title: str
    shared_auth_checker: str
    """Who authenticates callers of ``auth = "shared"`` apps on this cloud."""
    needs_jwt_issuer: bool
    """Whether ``shared`` apps need ``[tool.fleetform.auth] jwt_issuer`` (the load balancer checks JWTs)."""
    certificate_example: Callable[[str], str]
    certificate_region: Callable[[str], str | None]
    """The region a configured certificate belongs to (``global`` for GCP global ones); None when it does not say."""
    network: Callable[[PlatformSettings, str], AwsNetworkPlan | GcpNetworkPlan]
    routes_stack: bool
    """Whether the region's request routing is one resource naming every app (GCP's URL map), kept in a
    ``routes`` stack applied after the app stacks; else each app's stack holds its own route (ALB listener rules)."""
    repository_stacks: bool
    """Whether each built app's image repositories are a stack of their own (``aws-shared--<app>``): the cloud
    keeps a repository per app in every region (ECR), which would make the shared stack grow with the apps;
    else the shared stack's registry is one repository per location for every app (Artifact Registry)."""
    project_services: Callable[[SharedPlan, Sequence[GroupPlan]], tuple[ProjectService, ...]]
    """The APIs the cloud's project must have enabled for what the plan builds (:mod:`fleetform.plan.apis`)."""
    load_balancer_retries: str | None
    """How the cloud's load balancer retries a route (``plan.retries``), or None with :attr:`no_retries_reason`."""
    dns_service: str
    """Where the platform's ``dns_zone`` lives (for messages and ``explain``)."""
    dns_zone_lookup: Callable[[PlatformSettings], tuple[str, str | None]]
    """The setting (key, value) naming the zone the records go in (:func:`fleetform.plan.dns.zone_problems`)."""
    dns_lookup_pattern: re.Pattern[str]
    dns_lookup_example: str
    no_retries_reason: str = ""


def _acm_region(certificate: str) -> str | None:
    match = _ACM_ARN.match(certificate)
    return match["region"] if match else None


def _gcp_certificate_region(certificate: str) -> str | None:
    match = _GCP_CERTIFICATE.search(certificate)
    if match is None:
        return None
    return "global" if match["global"] else match["region"]


def _route53_zone(settings: PlatformSettings) -> tuple[str, str | None]:
    """Route 53: the public hosted zone is found by its domain."""
    zone = settings.aws.dns_zone
    return "dns_zone", None if zone is None else normalized_zone(zone)


def _cloud_dns_zone(settings: PlatformSettings) -> tuple[str, str | None]:
    """Cloud DNS: records go in a managed zone, named apart from its DNS name."""
    return "dns_managed_zone", settings.gcp.dns_managed_zone


def _aws_network(settings: PlatformSettings, region: str) -> AwsNetworkPlan:
    configured = settings.networks.aws.get(region)
    if configured is None:
        return AwsNetworkPlan(None, (), ())
    return AwsNetworkPlan(configured.vpc_id, tuple(sorted(configured.private_subnets.items())),
                          tuple(sorted(configured.public_subnets.items())))


def _gcp_network(settings: PlatformSettings, region: str) -> GcpNetworkPlan:
    configured = settings.networks.gcp.get(region)
    return GcpNetworkPlan(configured.network if configured else None, configured.subnetwork if configured else None)


CLOUD_RULES: Mapping[Cloud, CloudRules] = {
    "aws": CloudRules(
        cloud="aws", title="AWS", shared_auth_checker="the load balancer checks the caller's JWT",
        needs_jwt_issuer=True, certificate_example=lambda region: f"arn:aws:acm:{region}:<account>:certificate/<id>",
        certificate_region=_acm_region, network=_aws_network, project_services=no_project_services,
        load_balancer_retries=None,
        no_retries_reason="the Application Load Balancer never retries a request", routes_stack=False,
        repository_stacks=True, dns_service="Route 53 public hosted zone", dns_zone_lookup=_route53_zone,
        dns_lookup_pattern=DNS_NAME,
        dns_lookup_example=DNS_NAME_EXAMPLE),
    "gcp": CloudRules(
        cloud="gcp", title="GCP", shared_auth_checker="Identity-Aware Proxy checks callers",
        needs_jwt_issuer=False,
        certificate_example=lambda region: f"projects/<project>/regions/{region}/sslCertificates/<name>",
        certificate_region=_gcp_certificate_region, network=_gcp_network,
        project_services=gcp_project_services, load_balancer_retries="the URL map's retry_policy", routes_stack=True,
        repository_stacks=False, dns_service="Cloud DNS managed zone", dns_zone_lookup=_cloud_dns_zone,
        dns_lookup_pattern=_GCP_MANAGED_ZONE,
        dns_lookup_example="a managed zone name such as acme-gpu (lower-case letters, digits, hyphens)"),
}
