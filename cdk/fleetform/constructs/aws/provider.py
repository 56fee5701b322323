"""The ``aws`` provider block of an AWS stack."""

from __future__ import annotations

from fleetform.constructs.aws.tags import platform_tags
from fleetform.plan.model import PlatformPlan
from fleetform.tf import Construct, aws


def configure_provider(stack: Construct, region: str, platform: PlatformPlan) -> None:
    """Region, the allowed accounts, and the platform's tags on every resource (``default_tags``)."""
    aws.AwsProvider(stack, "aws", region=region, allowed_account_ids=list(platform.aws_account_ids) or None,
                    default_tags={"tags": platform_tags(platform)})
