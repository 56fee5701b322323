"""The account and partition a stack runs in, for building ARNs of resources found by name.

Region stacks refer to what other stacks create (secrets, image repositories) by deterministic name,
never by cross-stack reference, so their ARNs are spelled out from the caller's account and partition.
"""

from __future__ import annotations

from fleetform.tf import Construct, aws


class AwsAccount(Construct):
    """``aws_caller_identity`` and ``aws_partition`` of the stack's provider."""

    def __init__(self, scope: Construct, construct_id: str, *, region: str) -> None:
        super().__init__(scope, construct_id)
        self.region = region
        self.account_id = aws.data.CallerIdentity(self, "CallerIdentity").account_id
        self.partition = aws.data.Partition(self, "Partition").partition

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>`` (no region for global services)."""
        return f"arn:{self.partition}:{service}:{self.region if regional else ''}:{self.account_id}:{resource}"
