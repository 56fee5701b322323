"""The whole platform's plan: every app's groups gathered per cloud region, plus what each cloud shares.

This is where platform settings meet the apps: the regions the platform serves, networks and
certificates per region (HTTPS for internet-facing apps unless the platform opts out), the auth
settings ``shared`` apps need, the stable listener priority of each app, and the secrets and image
repositories the shared stacks hold. Every command runs :func:`plan_workspace_outcome`, so each
reports the same problems, all at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from fleetform.errors import FleetformError, Problem, where_toml
from fleetform.plan.clouds import CLOUD_RULES, CloudRules
from fleetform.plan.dns import host_problems, region_dns, without_certificate, zone_problems
from fleetform.plan.group import plan_app_groups
from fleetform.plan.model import (
    STATE_OBJECT_NAME_LIMIT,
    AwsNetworkPlan,
    DnsPlan,
    GroupPlan,
    IngressPlan,
    JwtClaimPlan,
    PlatformPlan,
    RegionPlan,
    SharedPlan,
    StatePlan,
)
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp, resolve_apps
from fleetform.spec.workspace import Workspace
from fleetform.vocabulary import AUTH_MODES, FAL_REGIONS, Cloud

MAX_LISTENER_PRIORITY = 50_000
MIN_LOAD_BALANCER_ZONES = 2
"""An Application Load Balancer needs subnets in at least two zones."""
RuleSet = Literal["platform", "team-stack", "preview"]
"""Which platform rules a pass applies: ``platform``, all (a platform repo; ``FleetPlatform``);
``team-stack``, only what rendering needs (``FleetApp`` in a team's own stack, provider and
certificates: ``shared`` apps still need the issuer and HTTPS); ``preview``, none (an app project
planned on the default settings, for its team's ``validate``)."""

MIN_GROUP_ZONES = 2
"""Fewer zones than this leave a group exposed to one zone's outage or stockout: a warning."""


@dataclass(frozen=True)
class PlanOutcome:
    """One planning pass: the apps that resolved, their groups, the plan (None on errors), every problem."""

    apps: tuple[ResolvedApp, ...]
    groups: tuple[GroupPlan, ...]
    """Every group that could be planned, also when other apps or rules failed (``validate`` shows them)."""
    plan: PlatformPlan | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def plan_workspace(workspace: Workspace) -> PlatformPlan:
    """Resolve every app of ``workspace`` and plan the platform; raises with every problem found."""
    outcome = plan_workspace_outcome(workspace)
    if outcome.plan is None:
        raise FleetformError(list(outcome.problems))
    return outcome.plan


def plan_workspace_outcome(workspace: Workspace) -> PlanOutcome:
    """The one pass every command runs: every project read, every app resolved and planned, all problems kept.

    The platform's own rules apply when the workspace is a platform repo; an app project alone is
    planned on the default settings without them (an app team's preview).
    """
    apps: list[ResolvedApp] = []
    problems: list[Problem] = list(workspace.problems)
    for project in workspace.app_projects:
        resolved, failed = resolve_apps(project, workspace.platform)
        apps += resolved
        problems += failed
    outcome = plan_outcome(apps, workspace.platform, workspace.platform_file,
                           rules="platform" if workspace.platform_file is not None else "preview")
    problems += outcome.problems
    return replace(outcome, plan=outcome.plan if not problems else None, problems=tuple(problems))


def plan_platform(apps: Sequence[ResolvedApp], settings: PlatformSettings, settings_file: Path | None, *,
                  rules: RuleSet = "platform") -> PlatformPlan:
    """The plan of ``apps`` on the platform ``settings`` describe (read from ``settings_file``); raises on problems."""
    outcome = plan_outcome(apps, settings, settings_file, rules=rules)
    if outcome.plan is None:
        raise FleetformError(list(outcome.problems))
    return outcome.plan


def plan_outcome(apps: Sequence[ResolvedApp], settings: PlatformSettings, settings_file: Path | None, *,
                 rules: RuleSet = "platform") -> PlanOutcome:
    """Plan ``apps`` on ``settings``, keeping every problem and every group that could be planned.

    ``rules`` says which platform rules apply (see :data:`RuleSet`).
    """
    platform_rules = rules == "platform"
    settings_where = where_toml(settings_file, "tool", "fleetform") if settings_file else "[tool.fleetform] (defaults)"
    problems: list[Problem] = _duplicate_names(apps) + (_platform_problems(settings, settings_where)
                                                        if platform_rules else [])
    groups: list[GroupPlan] = []
    warnings: list[Problem] = []
    priorities = listener_priorities(app.spec.name for app in apps)
    for app in apps:
        unserved = _unserved_regions(app, settings, settings_where) if platform_rules else []
        if unserved:
            problems += unserved
            continue
        try:
            app_groups, app_warnings = plan_app_groups(app, settings, priorities[app.spec.name],
                                                         preview=rules == "preview")
        except FleetformError as error:
            problems += error.problems
            continue
        groups += app_groups
        warnings += app_warnings
    regions = [_region(cloud, region, members, settings, settings_where, problems, warnings, rules)
               for (cloud, region), members in _by_region(groups).items()]
    warnings = list(dict.fromkeys(warnings))
    planned = tuple(group for region in regions for group in region.groups)
    if problems:
        return PlanOutcome(tuple(apps), planned, None, tuple(problems), tuple(warnings))
    shared = tuple(_shared(cloud, [r for r in regions if r.cloud == cloud], settings)
                   for cloud in settings.clouds if any(r.cloud == cloud for r in regions))
    plan = PlatformPlan(
        name=settings.name,
        clouds=tuple(settings.clouds),
        regions=tuple(regions),
        shared=shared,
        state=StatePlan(**settings.state.model_dump()),
        tags=tuple(sorted(settings.tags.items())),
        aws_account_ids=settings.aws.allowed_account_ids,
        gcp_project=settings.gcp.project,
        warnings=tuple(warnings),
    )
    key_problems = _state_key_problems(plan, settings_where) if platform_rules else []
    if key_problems:
        return PlanOutcome(tuple(apps), planned, None, tuple(key_problems), tuple(warnings))
    return PlanOutcome(tuple(apps), planned, plan, (), tuple(warnings))


def _state_key_problems(plan: PlatformPlan, where: str) -> list[Problem]:
    """Every stack's state objects must fit S3's and Cloud Storage's 1024-byte object names."""
    if plan.state.backend == "local":
        return []
    longest = max((stack.name for stack in plan.stacks), key=lambda name: len(plan.state.longest_object(name)))
    size = len(plan.state.longest_object(longest).encode())
    if size <= STATE_OBJECT_NAME_LIMIT:
        return []
    room = STATE_OBJECT_NAME_LIMIT - (size - len(plan.state.prefix.encode()))
    return [Problem("plan/state-key-too-long", f"{where}.state.prefix",
                    f"stack {longest!r} would keep its state at {plan.state.longest_object(longest)!r} ({size} bytes), "
                    f"over the {STATE_OBJECT_NAME_LIMIT}-byte object name limit of {plan.state.backend}",
                    fix=f"shorten the prefix to at most {max(room, 1)} bytes")]


def listener_priorities(app_names: Iterable[str]) -> dict[str, int]:
    """A stable ALB rule priority per app: a hash of its name, moved to the next free value on a collision."""
    taken: set[int] = set()
    priority_of: dict[str, int] = {}
    for app in sorted(set(app_names)):
        priority = 1 + int(hashlib.sha256(app.encode()).hexdigest()[:8], 16) % (MAX_LISTENER_PRIORITY - 1)
        while priority in taken:
            priority = priority % (MAX_LISTENER_PRIORITY - 1) + 1
        taken.add(priority)
        priority_of[app] = priority
    return priority_of


def _platform_problems(settings: PlatformSettings, where: str) -> list[Problem]:
    """Rules over the platform's own settings: a project for GCP, certificates in the regions they serve."""
    problems = []
    if "gcp" in settings.clouds and settings.gcp.project is None:
        problems.append(Problem("plan/gcp-project-unset", f"{where}.gcp.project",
                                "GCP is enabled (clouds) but no project is set: every GCP stack needs one",
                                fix='set [tool.fleetform.gcp] project = "my-project", or remove "gcp" from clouds'))
    for cloud in settings.clouds:
        rules = CLOUD_RULES[cloud]
        problems += zone_problems(settings.account(cloud).dns_zone, rules.dns_zone_lookup(settings),
                                  rules.dns_lookup_pattern, rules.dns_lookup_example, f"{where}.{cloud}")
        for region, certificate in sorted(settings.account(cloud).certificates.items()):
            stated = rules.certificate_region(certificate)
            if stated is not None and stated != region:
                problems.append(Problem(
                    "plan/certificate-region", f"{where}.{cloud}.certificates.{region}",
                    f"certificate {certificate!r} belongs to {stated}, but it is configured for {region}: a "
                    f"{rules.title} load balancer only uses a certificate of its own region",
                    allowed=rules.certificate_example(region),
                    fix=f"use a certificate issued in {region}, or move this entry to the key {stated}"))
    return problems


def _unserved_regions(app: ResolvedApp, settings: PlatformSettings, where: str) -> list[Problem]:
    served = settings.served_fal_regions
    asked = [region for region in (app.spec.regions or ()) if region not in served]
    if not asked:
        return []
    key = "served_regions" if settings.served_regions is not None else "default_regions"
    return [Problem(
        "plan/region-not-served", f"{app.where}.regions",
        f"app {app.spec.name!r} asks for fal region(s) {', '.join(asked)}, which the platform does not serve "
        f"({where}.{key}{'' if key == 'served_regions' else ' and regions'})",
        allowed=", ".join(served),
        fix="choose served regions, or ask the platform team to add them to [tool.fleetform] served_regions")]


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


def _by_region(groups: Iterable[GroupPlan]) -> dict[tuple[Cloud, str], list[GroupPlan]]:
    by_region: dict[tuple[Cloud, str], list[GroupPlan]] = {}
    for group in groups:
        by_region.setdefault((group.cloud, group.cloud_region), []).append(group)
    return {key: sorted(members, key=lambda g: g.app) for key, members in sorted(by_region.items())}


def _region(cloud: Cloud, cloud_region: str, groups: list[GroupPlan], settings: PlatformSettings, where: str,
            problems: list[Problem], warnings: list[Problem], rules: RuleSet) -> RegionPlan:
    cloud_rules = CLOUD_RULES[cloud]
    fal_regions = tuple(r for r in FAL_REGIONS if any(g.fal_region == r for g in groups))
    auth_modes = tuple(mode for mode in AUTH_MODES if any(g.route.auth == mode for g in groups))
    certificate = settings.account(cloud).certificates.get(cloud_region)
    if "shared" in auth_modes and rules != "preview":
        problems += _shared_auth_problems(cloud_rules, cloud_region, groups, settings, where, certificate)
    if rules == "platform" and "public" in auth_modes and certificate is None and not settings.allow_plain_http:
        apps = ", ".join(g.app for g in groups if g.route.auth == "public")
        problems.append(Problem(
            "plan/public-without-https", f"{where}.{cloud}.certificates.{cloud_region}",
            f"public app(s) {apps} would be served on the internet over plain HTTP: {cloud_region} has no "
            "certificate",
            allowed=cloud_rules.certificate_example(cloud_region),
            fix=f"set [tool.fleetform.{cloud}.certificates] {cloud_region} = \"...\", or (for trying out only) "
                "allow_plain_http = true in [tool.fleetform]"))
    network = cloud_rules.network(settings, cloud_region)
    if isinstance(network, AwsNetworkPlan) and network.vpc_id is not None:
        groups = _groups_in_subnets(cloud_region, groups, network, f"{where}.networks.aws.{cloud_region}", problems)
    warnings += [_few_zones(group) for group in groups if len(group.zones) < MIN_GROUP_ZONES]
    dns = _region_dns(cloud_rules, cloud_region, groups, settings, where, problems, warnings, certificate) \
        if rules == "platform" else None
    if dns is not None:
        groups = [_with_url(group, dns, certificate) for group in groups]
    ingress = IngressPlan(auth_modes, certificate, settings.auth.jwt_issuer, settings.auth.jwks_url,
                          settings.auth.shared_members, _jwt_claims(settings), dns)
    return RegionPlan(cloud, cloud_region, fal_regions, network, ingress, tuple(groups),
                      routes_stack=cloud_rules.routes_stack)


def _region_dns(rules: CloudRules, cloud_region: str, groups: list[GroupPlan], settings: PlatformSettings, where: str,
                problems: list[Problem], warnings: list[Problem], certificate: str | None) -> DnsPlan | None:
    """The internet-facing load balancer's record, when the cloud has a zone and the region serves the internet."""
    if not any(group.route.exposure == "external" for group in groups):
        return None
    dns = region_dns(settings.account(rules.cloud).dns_zone, rules.dns_zone_lookup(settings)[1], cloud_region)
    if dns is None:
        return None
    table = f"{where}.{rules.cloud}"
    problems += host_problems(dns, table)
    if certificate is None:
        warnings.append(without_certificate(dns, cloud_region, table))
    return dns


def _with_url(group: GroupPlan, dns: DnsPlan, certificate: str | None) -> GroupPlan:
    """An internet-facing group's base URL on its load balancer's name (HTTPS when the region has a certificate)."""
    if group.route.exposure != "external":
        return group
    scheme = "https" if certificate is not None else "http"
    return replace(group, route=replace(group.route, url=f"{scheme}://{dns.host}{group.route.path_prefix}"))


def _jwt_claims(settings: PlatformSettings) -> tuple[JwtClaimPlan, ...]:
    """The audience, then the platform's further claims, as the ALB checks them on shared apps."""
    auth = settings.auth
    audience = (JwtClaimPlan("aud", auth.jwt_audience_format, auth.jwt_audience),) if auth.jwt_audience else ()
    return audience + tuple(JwtClaimPlan(claim.name, claim.format, claim.values) for claim in auth.jwt_claims)


def _few_zones(group: GroupPlan) -> Problem:
    return Problem("plan/single-zone", f"{group.source}.machine_type",
                   f"{group.app} runs in only {len(group.zones)} zone(s) of {group.cloud} {group.cloud_region} "
                   f"({', '.join(group.zones)}): a zone outage or stockout stops it there",
                   fix="add a fallback machine type offered in other zones")


def _groups_in_subnets(region: str, groups: list[GroupPlan], network: AwsNetworkPlan, key: str,
                       problems: list[Problem]) -> list[GroupPlan]:
    """A configured VPC: each group keeps the zones its load balancer reaches; each ALB needs two zones.

    An ALB sends traffic only to targets in zones where it has a subnet, so a group behind the
    internet-facing load balancer runs only in zones with both a private and a public subnet.
    """
    private, public = set(dict(network.private_subnets)), set(dict(network.public_subnets))
    placed = []
    for group in groups:
        internal = group.route.exposure == "internal"
        usable = private if internal else private & public
        zones = tuple(zone for zone in group.zones if zone in usable)
        if not zones:
            problems.append(Problem(
                "plan/no-subnet", f"{key}.{'private_subnets' if internal else 'public_subnets'}",
                f"app {group.app!r} ({group.route.auth}) runs {', '.join(group.machine.instance_types)}, offered in "
                f"{region} only in AZ IDs {', '.join(group.zones)}, and none of them has a private subnet"
                + ("" if internal else " and a public subnet (its internet-facing load balancer's)"),
                allowed=", ".join(group.zones),
                fix="add a private subnet (and, for public or shared apps, a public subnet) in one of those AZ IDs"))
        placed.append(replace(group, zones=zones))
    for exposure in sorted({group.route.exposure for group in groups}, reverse=True):
        name, subnets = ("private_subnets", private) if exposure == "internal" else ("public_subnets", public)
        if len(subnets) < MIN_LOAD_BALANCER_ZONES:
            problems.append(Problem(
                "plan/load-balancer-zones", f"{key}.{name}",
                f"the {'internal' if exposure == 'internal' else 'internet-facing'} load balancer in {region} needs "
                f"subnets in at least {MIN_LOAD_BALANCER_ZONES} AZ IDs; {name} has {len(subnets)}",
                allowed=f"{MIN_LOAD_BALANCER_ZONES} or more AZ ID = subnet pairs",
                fix=f"add subnets in other AZ IDs to {name}"))
    return placed


def _shared_auth_problems(rules: CloudRules, region: str, groups: list[GroupPlan], settings: PlatformSettings,
                          where: str, certificate: str | None) -> list[Problem]:
    """``shared`` apps are authenticated at the load balancer (AWS: JWT validation; GCP: IAP), on HTTPS only."""
    apps = ", ".join(g.app for g in groups if g.route.auth == "shared")
    problems = []
    if rules.needs_jwt_issuer and settings.auth.jwt_issuer is None:
        problems.append(Problem("plan/shared-auth-unset", f"{where}.auth.jwt_issuer",
                                f"app(s) {apps} use auth = \"shared\"; on {rules.title} {rules.shared_auth_checker}, "
                                "so it needs the platform's issuer",
                                fix='set [tool.fleetform.auth] jwt_issuer = "https://..." and jwks_url = "https://..."'))
    if rules.needs_jwt_issuer and not settings.auth.jwt_audience:
        problems.append(Problem("plan/shared-auth-no-audience", f"{where}.auth.jwt_audience",
                                f"app(s) {apps} use auth = \"shared\"; on {rules.title} {rules.shared_auth_checker}, "
                                "and without an audience it admits any token the issuer signs, for any audience",
                                fix='set [tool.fleetform.auth] jwt_audience = ["<the platform API\'s audience>"] '
                                    '(and jwt_claims for group membership)'))
    if certificate is None:
        problems.append(Problem("plan/shared-auth-needs-https", f"{where}.{rules.cloud}.certificates.{region}",
                                f"app(s) {apps} use auth = \"shared\"; on {rules.title} {rules.shared_auth_checker}, "
                                f"which runs on HTTPS only, and {region} has no certificate",
                                fix=f'set [tool.fleetform.{rules.cloud}.certificates] {region} = '
                                    f'"{rules.certificate_example(region)}"'))
    return problems


def _shared(cloud: Cloud, regions: list[RegionPlan], settings: PlatformSettings) -> SharedPlan:
    groups = [group for region in regions for group in region.groups]
    build_secrets = {name for group in groups for name in group.image.build_secrets_read}
    secrets = {name for group in groups for name in group.secrets_read} | build_secrets
    shared = SharedPlan(
        cloud=cloud,
        home_region=settings.account(cloud).home_region or regions[0].cloud_region,
        regions=tuple(region.cloud_region for region in regions),
        secrets=tuple(sorted(secrets)),
        repositories=tuple(sorted({g.image.repository for g in groups if g.image.source != "image"})),
        build_secrets=tuple(sorted(build_secrets)),
        private_log_apps=tuple(sorted({g.app for g in groups if g.runner.private_logs})),
        dns_zone=settings.account(cloud).dns_zone,
        builds=any(group.image.source != "image" for group in groups),
        private_logs=any(group.runner.private_logs for group in groups),
        repository_stacks=CLOUD_RULES[cloud].repository_stacks,
    )
    return replace(shared, project_services=CLOUD_RULES[cloud].project_services(shared, groups))
