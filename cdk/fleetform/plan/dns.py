"""The load balancers' host names in the platform's DNS zones, and the rules over those settings (issue 14.11).

A platform may name one public DNS zone per cloud: ``[tool.fleetform.aws] dns_zone`` (a Route 53
public hosted zone, found by its domain) or ``[tool.fleetform.gcp] dns_zone`` with
``dns_managed_zone`` (a Cloud DNS zone's DNS name and the managed zone's own name, which records
are created in). Each region's internet-facing load balancer then answers at
``<cloud region>.<zone>`` (``us-east-1.gpu.acme.example``): one name per load balancer, because
every app of a region is a path (``/<app>/...``) on the same load balancer, and exactly one label
under the zone, so one wildcard certificate ``*.<zone>`` per region (or the exact name) covers it.
AWS and GCP region names never coincide, so both clouds may share one zone. The stack that owns
the load balancer holds the record; the apps' base URLs become ``https://<host>/<app>``.

Internal load balancers get no record: their names belong in a private zone the platform's
networks resolve, which fleetform does not configure. Team stacks (``FleetApp``) build their own
load balancer and get no record either: the platform's name is the platform's load balancer's.
Certificates are configured by ARN or self link, so the plan cannot read the names they cover;
the one case it can prove, no certificate at all, is a warning.
"""

from __future__ import annotations

import re

from fleetform.errors import Problem
from fleetform.plan.model import DnsPlan

DNS_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
"""A domain of two or more labels (letters, digits, inner hyphens; at most 63 characters each, 253 in all)."""
DNS_NAME_EXAMPLE = "a domain such as gpu.acme.example (letters, digits and hyphens, two labels or more)"


def normalized_zone(zone: str) -> str:
    """A zone as configured, in the form records and URLs use: lower case, without the root's final dot."""
    return zone.strip().lower().removesuffix(".")


def host_name(zone: str, cloud_region: str) -> str:
    """The internet-facing load balancer's name in ``cloud_region``: ``<cloud region>.<zone>``."""
    return f"{cloud_region}.{normalized_zone(zone)}"


def zone_problems(zone: str | None, lookup: tuple[str, str | None], lookup_pattern: re.Pattern[str],
                  lookup_example: str, where: str) -> list[Problem]:
    """What is wrong with one cloud's zone settings under ``where`` (its table, ``...[tool.fleetform.gcp]``).

    ``lookup`` is the setting (key, value) naming the zone the records go in: ``dns_zone`` itself on
    Route 53 (checked as the domain), ``dns_managed_zone`` on Cloud DNS (checked with ``lookup_pattern``).
    """
    if zone is None:
        return []
    problems = []
    if not DNS_NAME.match(normalized_zone(zone)):
        problems.append(Problem("plan/dns-zone-invalid", f"{where}.dns_zone",
                                f"dns_zone {zone!r} is not a DNS domain", allowed=DNS_NAME_EXAMPLE,
                                fix="set dns_zone to the zone's domain, without a scheme, path or wildcard"))
    key, value = lookup
    if key == "dns_zone":
        return problems
    if value is None:
        problems.append(Problem("plan/dns-zone-lookup-unset", f"{where}.{key}",
                                f"dns_zone {zone!r} is set but {key} is not: the records are created in that zone",
                                allowed=lookup_example, fix=f"set {key} as well, or remove dns_zone"))
    elif not lookup_pattern.match(value):
        problems.append(Problem("plan/dns-zone-lookup-invalid", f"{where}.{key}",
                                f"{key} {value!r} is not a zone name", allowed=lookup_example,
                                fix=f"set {key} to the zone's name as the cloud lists it"))
    return problems


def region_dns(zone: str | None, lookup: str | None, cloud_region: str) -> DnsPlan | None:
    """The record of the region's internet-facing load balancer; None without a zone (or what finds it) set."""
    if zone is None or lookup is None:
        return None
    return DnsPlan(zone=normalized_zone(zone), lookup=lookup, host=host_name(zone, cloud_region))


def host_problems(dns: DnsPlan, where: str) -> list[Problem]:
    """A host name no certificate could carry: longer than a DNS name may be."""
    if DNS_NAME.match(dns.host):
        return []
    return [Problem("plan/dns-host-invalid", f"{where}.dns_zone",
                    f"the load balancer's name {dns.host!r} is not a valid DNS name (at most 253 characters, "
                    "63 per label)", allowed=DNS_NAME_EXAMPLE, fix="use a shorter dns_zone")]


def without_certificate(dns: DnsPlan, cloud_region: str, where: str) -> Problem:
    """The warning for a zone's record on a load balancer that serves plain HTTP (``allow_plain_http``)."""
    return Problem("plan/dns-without-certificate", f"{where}.certificates.{cloud_region}",
                   f"{dns.host} will point at a load balancer that serves plain HTTP: {cloud_region} has no "
                   "certificate, so its apps' URLs are http://",
                   fix=f"add a certificate for {dns.host} (or *.{dns.zone}) in {cloud_region}")
