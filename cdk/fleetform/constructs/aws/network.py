"""Where a region's runners and load balancers go: the configured VPC, or the account's default VPC.

Subnets are placed by AZ ID (stable across accounts; AZ names are not). A configured VPC gives its
private subnets to runners and the internal load balancer, and its public subnets to the
internet-facing one. The default VPC (for trying fleetform out) has one public default subnet per
zone, found through data sources; runners there get public addresses, and their security group
still admits nothing but the load balancer.

The plan's group zones are already the AZ IDs whose subnets the group's load balancer reaches
(``plan.platform``); it has refused networks that leave a group no such zone or an ALB fewer than
two zones (``plan/no-subnet``, ``plan/load-balancer-zones``).
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.plan.model import AwsNetworkPlan
from fleetform.tf import Construct, aws


class AwsNetwork(Construct):
    """The VPC (``vpc_id``, ``cidr_block``) and subnet lookups by AZ ID."""

    def __init__(self, scope: Construct, construct_id: str, *, plan: AwsNetworkPlan, region: str) -> None:
        super().__init__(scope, construct_id)
        self.plan = plan
        self.region = region
        if plan.vpc_id is None:
            vpc = aws.data.Vpc(self, "Vpc", default=True)
            self.vpc_id: str = vpc.id
        else:
            vpc = aws.data.Vpc(self, "Vpc", id=plan.vpc_id)
            self.vpc_id = plan.vpc_id
        self.cidr_block: str = vpc.cidr_block
        self._default_subnets: dict[str, str] = {}
        self._all_default_subnets: list[str] | None = None

    def find_security_group(self, scope: Construct, construct_id: str, *, name_prefix: str, description: str) -> str:
        """The id of the VPC's security group named ``<name_prefix>...`` with ``description`` (another stack's).

        Groups named by prefix get a random suffix, so the lookup matches the prefix and the description
        fleetform gives them, which no other group of the platform shares.
        """
        return aws.data.SecurityGroup(scope, construct_id, filter=[
            {"name": "vpc-id", "values": [self.vpc_id]},
            {"name": "group-name", "values": [f"{name_prefix}*"]},
            {"name": "description", "values": [description]},
        ]).id

    @property
    def is_default_vpc(self) -> bool:
        return self.plan.vpc_id is None

    def runner_subnet_ids(self, zones: Sequence[str]) -> list[str]:
        """One subnet per AZ ID: the configured private subnet, or the default VPC's default subnet."""
        if self.is_default_vpc:
            return [self._default_subnet(zone) for zone in zones]
        private = dict(self.plan.private_subnets)
        return [private[zone] for zone in zones]

    def load_balancer_subnet_ids(self, *, internal: bool) -> list[str]:
        """Private subnets for the internal load balancer, public ones for the internet-facing one."""
        if self.is_default_vpc:
            return self._every_default_subnet()
        subnets = dict(self.plan.private_subnets if internal else self.plan.public_subnets)
        return [subnets[zone] for zone in sorted(subnets)]

    def _default_subnet(self, zone: str) -> str:
        if zone not in self._default_subnets:
            subnet = aws.data.Subnet(self, f"DefaultSubnet-{zone}", vpc_id=self.vpc_id, availability_zone_id=zone,
                                     default_for_az=True)
            self._default_subnets[zone] = subnet.id
        return self._default_subnets[zone]

    def _every_default_subnet(self) -> list[str]:
        if self._all_default_subnets is None:
            subnets = aws.data.Subnets(self, "DefaultSubnets", filter=[
                {"name": "vpc-id", "values": [self.vpc_id]},
                {"name": "default-for-az", "values": ["true"]},
            ])
            self._all_default_subnets = subnets.ids
        return self._all_default_subnets
