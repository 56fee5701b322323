"""The whole platform's plan: every app's groups gathered per cloud region, plus what each cloud shares.

This is where platform settings meet the apps: networks and certificates per region, the auth
settings ``shared`` apps need, the stable listener priority of each app, and the secrets and image
repositories the shared stacks hold. Every problem is reported at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from fleetform.errors import FleetformError, Problem, where_toml
from fleetform.plan.group import plan_app_groups
from fleetform.plan.model import (
    AwsNetworkPlan,
    GcpNetworkPlan,
    GroupPlan,
    IngressPlan,
    PlatformPlan,
    RegionPlan,
    SharedPlan,
    StatePlan,
)
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp, load_apps
from fleetform.spec.vocabulary import FAL_REGIONS
from fleetform.spec.workspace import Workspace

MAX_LISTENER_PRIORITY = 50_000
MIN_LOAD_BALANCER_ZONES = 2
"""An Application Load Balancer needs subnets in at least two zones."""


def plan_workspace(workspace: Workspace) -> PlatformPlan:
    """Resolve every app of ``workspace`` and plan the platform; raises with every problem found."""
    apps: list[ResolvedApp] = []
    problems: list[Problem] = []
    for project in workspace.app_projects:
        try:
            apps += load_apps(project, workspace.platform)
        except FleetformError as error:
            problems += error.problems
    if problems:
        raise FleetformError(problems)
    return plan_platform(apps, workspace.platform, workspace.platform_file)


def plan_platform(apps: Sequence[ResolvedApp], settings: PlatformSettings, settings_file: Path | None) -> PlatformPlan:
    """The plan of ``apps`` on the platform ``settings`` describe (read from ``settings_file``)."""
    problems: list[Problem] = _duplicate_names(apps)
    groups: list[GroupPlan] = []
    warnings: list[Problem] = []
    for app in apps:
        try:
            app_groups, app_warnings = plan_app_groups(app, settings)
        except FleetformError as error:
            problems += error.problems
            continue
        groups += app_groups
        warnings += app_warnings
    groups = _with_listener_priorities(groups)
    settings_where = where_toml(settings_file, "tool", "fleetform") if settings_file else "[tool.fleetform] (defaults)"
    regions = [_region(cloud, region, members, settings, settings_where, problems)
               for (cloud, region), members in _by_region(groups).items()]
    if problems:
        raise FleetformError(problems)
    shared = tuple(_shared(cloud, [r for r in regions if r.cloud == cloud], settings)
                   for cloud in settings.clouds if any(r.cloud == cloud for r in regions))
    return PlatformPlan(
        name=settings.name,
        clouds=tuple(settings.clouds),
        regions=tuple(regions),
        shared=shared,
        state=StatePlan(**settings.state.model_dump()),
        tags=tuple(sorted(settings.tags.items())),
        aws_account_ids=settings.aws.allowed_account_ids,
        gcp_project=settings.gcp.project,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _duplicate_names(apps: Iterable[ResolvedApp]) -> list[Problem]:
    seen: dict[str, ResolvedApp] = {}
    problems = []
    for app in apps:
        first = seen.setdefault(app.spec.name, app)
        if first is not app:
            problems.append(Problem("plan/duplicate-app", app.where,
                                    f"app name {app.spec.name!r} is also used by {first.where}",
                                    fix="app names are unique on a platform: rename one (name = \"...\")"))
    return problems


def _with_listener_priorities(groups: list[GroupPlan]) -> list[GroupPlan]:
    """A stable priority per app: a hash of its name, moved to the next free value on a collision."""
    taken: dict[int, str] = {}
    priority_of: dict[str, int] = {}
    for app in sorted({group.app for group in groups}):
        priority = 1 + int(hashlib.sha256(app.encode()).hexdigest()[:8], 16) % (MAX_LISTENER_PRIORITY - 1)
        while priority in taken:
            priority = priority % (MAX_LISTENER_PRIORITY - 1) + 1
        taken[priority] = app
        priority_of[app] = priority
    return [replace(group, route=replace(group.route, listener_priority=priority_of[group.app])) for group in groups]


def _by_region(groups: Iterable[GroupPlan]) -> dict[tuple[str, str], list[GroupPlan]]:
    by_region: dict[tuple[str, str], list[GroupPlan]] = {}
    for group in groups:
        by_region.setdefault((group.cloud, group.cloud_region), []).append(group)
    return {key: sorted(members, key=lambda g: g.app) for key, members in sorted(by_region.items())}


def _region(cloud: str, cloud_region: str, groups: list[GroupPlan], settings: PlatformSettings, where: str,
            problems: list[Problem]) -> RegionPlan:
    fal_regions = tuple(r for r in FAL_REGIONS if any(g.fal_region == r for g in groups))
    auth_modes = tuple(mode for mode in ("private", "public", "shared") if any(g.route.auth == mode for g in groups))
    certificates = settings.aws.certificates if cloud == "aws" else settings.gcp.certificates
    certificate = certificates.get(cloud_region)
    if "shared" in auth_modes:
        problems += _shared_auth_problems(cloud, cloud_region, groups, settings, where, certificate)
    if cloud == "aws":
        network: AwsNetworkPlan | GcpNetworkPlan = _aws_network(cloud_region, groups, settings, where, problems)
    else:
        gcp = settings.networks.gcp.get(cloud_region)
        network = GcpNetworkPlan(gcp.network if gcp else None, gcp.subnetwork if gcp else None)
    ingress = IngressPlan(auth_modes, certificate, settings.auth.jwt_issuer, settings.auth.jwks_url,
                          settings.auth.shared_members)
    return RegionPlan(cloud, cloud_region, fal_regions, network, ingress, tuple(groups))  # type: ignore[arg-type]


def _aws_network(region: str, groups: list[GroupPlan], settings: PlatformSettings, where: str,
                 problems: list[Problem]) -> AwsNetworkPlan:
    """A configured VPC must give each group a zone its load balancer reaches, and each ALB two zones."""
    configured = settings.networks.aws.get(region)
    if configured is None:
        return AwsNetworkPlan(None, (), ())
    key = f"{where}.networks.aws.{region}"
    private, public = set(configured.private_subnets), set(configured.public_subnets)
    for group in groups:
        internal = group.route.auth == "private"
        usable = private if internal else private & public
        if not any(zone in usable for zone in group.zones):
            problems.append(Problem(
                "plan/no-subnet", f"{key}.{'private_subnets' if internal else 'public_subnets'}",
                f"app {group.app!r} ({group.route.auth}) runs {group.machine.instance_types[0]}, offered in {region} "
                f"only in AZ IDs {', '.join(group.zones)}, and none of them has a private subnet"
                + ("" if internal else " and a public subnet (its internet-facing load balancer's)"),
                allowed=", ".join(group.zones),
                fix="add a private subnet (and, for public or shared apps, a public subnet) in one of those AZ IDs"))
    exposures = {group.route.auth == "private" for group in groups}
    for internal in sorted(exposures, reverse=True):
        name, subnets = ("private_subnets", private) if internal else ("public_subnets", public)
        if len(subnets) < MIN_LOAD_BALANCER_ZONES:
            problems.append(Problem(
                "plan/load-balancer-zones", f"{key}.{name}",
                f"the {'internal' if internal else 'internet-facing'} load balancer in {region} needs subnets in at "
                f"least {MIN_LOAD_BALANCER_ZONES} AZ IDs; {name} has {len(subnets)}",
                allowed=f"{MIN_LOAD_BALANCER_ZONES} or more AZ ID = subnet pairs",
                fix=f"add subnets in other AZ IDs to {name}"))
    return AwsNetworkPlan(configured.vpc_id, tuple(sorted(configured.private_subnets.items())),
                          tuple(sorted(configured.public_subnets.items())))


def _shared_auth_problems(cloud: str, region: str, groups: list[GroupPlan], settings: PlatformSettings, where: str,
                          certificate: str | None) -> list[Problem]:
    """``shared`` apps are authenticated at the load balancer (AWS: JWT validation; GCP: IAP), on HTTPS only."""
    apps = ", ".join(g.app for g in groups if g.route.auth == "shared")
    checker = "the load balancer checks the caller's JWT" if cloud == "aws" else "Identity-Aware Proxy checks callers"
    problems = []
    if cloud == "aws" and settings.auth.jwt_issuer is None:
        problems.append(Problem("plan/shared-auth-unset", f"{where}.auth.jwt_issuer",
                                f"app(s) {apps} use auth = \"shared\"; on AWS {checker}, so it needs the platform's "
                                "issuer",
                                fix='set [tool.fleetform.auth] jwt_issuer = "https://..." and jwks_url = "https://..."'))
    if certificate is None:
        example = "arn:aws:acm:..." if cloud == "aws" else f"projects/<project>/regions/{region}/sslCertificates/<name>"
        problems.append(Problem("plan/shared-auth-needs-https", f"{where}.{cloud}.certificates.{region}",
                                f"app(s) {apps} use auth = \"shared\"; on {cloud.upper()} {checker}, which runs on "
                                f"HTTPS only, and {region} has no certificate",
                                fix=f'set [tool.fleetform.{cloud}.certificates] {region} = "{example}"'))
    return problems


def _shared(cloud: str, regions: list[RegionPlan], settings: PlatformSettings) -> SharedPlan:
    groups = [group for region in regions for group in region.groups]
    configured_home = settings.aws.home_region if cloud == "aws" else settings.gcp.home_region
    build_secrets = {name for group in groups for name in group.image.build_secrets_read}
    secrets = {name for group in groups for name in group.secrets_read} | build_secrets
    return SharedPlan(
        cloud=cloud,  # type: ignore[arg-type]
        home_region=configured_home or regions[0].cloud_region,
        regions=tuple(region.cloud_region for region in regions),
        secrets=tuple(sorted(secrets)),
        repositories=tuple(sorted({g.image.repository for g in groups if g.image.source != "image"})),
        build_secrets=tuple(sorted(build_secrets)),
        private_log_apps=tuple(sorted({g.app for g in groups if g.runner.private_logs})),
    )
