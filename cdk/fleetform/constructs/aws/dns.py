"""The internet-facing load balancer's name in the platform's Route 53 zone (``plan.dns``, issue 14.11).

An alias ``A`` record ``<region>.<zone>`` to the ALB in the public hosted zone found by its domain
(``aws_route53_zone``, ``private_zone = false``). An alias to an ELB load balancer names the load
balancer's DNS name and its canonical hosted zone; Route 53 answers it with the load balancer's
current addresses and charges no queries for it
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html,
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html).
Only ``A``: the ALBs are IPv4 (no ``AAAA`` without a dualstack load balancer). The record does not
evaluate target health: it is the only record of its name, so there is nothing to fail over to,
and a group scaled to zero has no healthy target while its load balancer must still answer (503,
which wakes it). In the base stack, beside the load balancer it names.
"""

from __future__ import annotations

from fleetform.plan.model import DnsPlan
from fleetform.tf import Construct, aws


def add_alias_record(scope: Construct, dns: DnsPlan, *, load_balancer_dns_name: str,
                     load_balancer_zone_id: str) -> aws.Route53Record:
    """``DnsZone`` (the hosted zone, found by its domain) and ``DnsRecord`` (the alias) under ``scope``."""
    zone = aws.data.Route53Zone(scope, "DnsZone", name=dns.lookup, private_zone=False)
    return aws.Route53Record(
        scope, "DnsRecord", zone_id=zone.zone_id, name=dns.host, type="A",
        alias={"name": load_balancer_dns_name, "zone_id": load_balancer_zone_id, "evaluate_target_health": False})
