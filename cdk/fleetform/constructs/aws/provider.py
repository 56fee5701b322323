"""The ``aws`` provider block of an AWS stack."""

from __future__ import annotations

from fleetform.plan.model import PlatformPlan
from fleetform.tf import Construct, aws

MANAGED_BY_TAG = ("managed-by", "fleetform")


def configure_provider(stack: Construct, region: str, platform: PlatformPlan) -> None:
    """Region, the allowed accounts, and the platform's tags on every resource (``default_tags``)."""
    tags = dict([MANAGED_BY_TAG, ("fleetform:platform", platform.name), *platform.tags])
    aws.AwsProvider(stack, "aws", region=region, allowed_account_ids=list(platform.aws_account_ids) or None,
                    default_tags={"tags": tags})
