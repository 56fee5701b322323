"""The external load balancer's name in the platform's Cloud DNS zone (``plan.dns``, issue 14.11).

An ``A`` record set ``<region>.<zone>.`` (Cloud DNS names are fully qualified, with the final dot:
https://cloud.google.com/dns/api/v1/resourceRecordSets) with the load balancer's reserved address,
in the managed zone found by its name (``google_dns_managed_zone``: the lookup fails the plan when
the zone does not exist). The address is static for the load balancer's life, so a 5-minute TTL
only bounds how long a replaced load balancer's old address is cached. In the stack that owns the
load balancer (the region's ``routes`` stack).
"""

from __future__ import annotations

from fleetform.plan.model import DnsPlan
from fleetform.tf import Construct, google

RECORD_TTL_SECONDS = 300


def add_address_record(scope: Construct, dns: DnsPlan, *, address: str) -> google.DnsRecordSet:
    """``DnsZone`` (the managed zone, found by its name) and ``DnsRecord`` (the A record) under ``scope``."""
    zone = google.data.DnsManagedZone(scope, "DnsZone", name=dns.lookup)
    return google.DnsRecordSet(scope, "DnsRecord", managed_zone=zone.name, name=f"{dns.host}.", type="A",
                               ttl=RECORD_TTL_SECONDS, rrdatas=[address])
