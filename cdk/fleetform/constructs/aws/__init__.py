"""AWS rendering of the plan: a region's ALBs, data volume and Auto Scaling groups; the shared stack."""

from fleetform.constructs.aws.provider import configure_provider
from fleetform.constructs.aws.region import AwsRegionFleet as REGION_FLEET
from fleetform.constructs.aws.shared import AwsSharedResources as SHARED_RESOURCES

__all__ = ["REGION_FLEET", "SHARED_RESOURCES", "configure_provider"]
