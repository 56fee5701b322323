"""GCP rendering of the plan: a region's load balancers, data volume and managed instance groups; the shared stack."""

from fleetform.constructs.gcp.provider import configure_provider
from fleetform.constructs.gcp.region import GcpRegionFleet as REGION_FLEET
from fleetform.constructs.gcp.shared import GcpSharedResources as SHARED_RESOURCES

__all__ = ["REGION_FLEET", "SHARED_RESOURCES", "configure_provider"]
