"""Names of the GCP resources a platform creates, derived from the platform, app and region names only.

Compute Engine names are RFC 1035 (``[a-z]([-a-z0-9]*[a-z0-9])?``, at most 63 characters). Some are
unique per region (backend services, URL maps, subnetworks), others per project (firewall rules,
service accounts), so a project-wide name carries the region: each region is its own stack and
two stacks must never create the same resource. Names too long for their limit keep their readable
start and end in a hash of the whole (:func:`fleetform.plan.names.fit`).
"""

from __future__ import annotations

from fleetform.plan.names import GCP_NAME_LIMIT, fit, group_name

SERVICE_ACCOUNT_ID_LIMIT = 30
"""``account_id`` of a service account: 6-30 characters (https://cloud.google.com/iam/docs/service-accounts-create)."""
BASE_INSTANCE_NAME_LIMIT = 58
"""A MIG appends ``-xxxx`` to its base instance name, so the base may hold at most 58 characters."""
TEMPLATE_PREFIX_LIMIT = 37
"""``name_prefix`` of an instance template: the provider appends a 26-character suffix up to 37 characters."""
LOG_BUCKET_ID_LIMIT = 100


def compute_name(*parts: str) -> str:
    """A regional Compute Engine name joined from ``parts``: ``acme-public``, ``acme-transcriber``."""
    return fit("-".join(parts), GCP_NAME_LIMIT)


def template_name_prefix(platform: str, app: str) -> str:
    """Instance templates are replaced on every change; each new one is ``<prefix><unique suffix>``."""
    return fit(group_name(platform, app), TEMPLATE_PREFIX_LIMIT - 1) + "-"


def base_instance_name(platform: str, app: str) -> str:
    return fit(group_name(platform, app), BASE_INSTANCE_NAME_LIMIT)


def service_account_id(platform: str, app: str, region: str) -> str:
    """The runners' service account of one group (project-wide, so it carries the region)."""
    return fit(f"{platform}-{app}-{region}", SERVICE_ACCOUNT_ID_LIMIT)


def firewall_name(platform: str, app: str, region: str) -> str:
    """The group's ingress rule from the load balancer (firewall rules are project-wide)."""
    return compute_name(platform, app, region, "lb")


def load_balancer_name(platform: str, kind: str, suffix: str = "") -> str:
    """A region's ``internal`` or ``public`` load balancer and its parts: ``acme-public``, ``acme-public-redirect``."""
    return compute_name(platform, kind, *([suffix] if suffix else []))


def region_network_name(platform: str, region: str, suffix: str) -> str:
    """Network resources fleetform adds to the default network: ``acme-us-central1-proxy-only``."""
    return compute_name(platform, region, suffix)


def private_log_bucket_id(platform: str) -> str:
    return fit(f"{platform}-private-logs", LOG_BUCKET_ID_LIMIT)
