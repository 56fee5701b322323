"""AWS resource names: readable, stable, and within each service's length limit.

Built on :mod:`fleetform.plan.names` (``fit`` keeps a name's start and ends it in a hash when it is
too long). Names are public API: a new name replaces the resource.
"""

from __future__ import annotations

import hashlib

from fleetform.plan.names import (
    AWS_IAM_ROLE_NAME_LIMIT,
    AWS_LB_NAME_LIMIT,
    AWS_TARGET_GROUP_NAME_LIMIT,
    fit,
    group_name,
)

TARGET_GROUP_KEY_LENGTH = 4


def load_balancer_name(platform: str, internal: bool) -> str:
    """``acme-internal`` / ``acme-public``: one ALB of each kind per region (names are per region)."""
    return fit(f"{platform}-{'internal' if internal else 'public'}", AWS_LB_NAME_LIMIT)


def target_group_name(platform: str, app: str, replacement_key: str) -> str:
    """``acme-image-generator-3f9a``: the app's name and a short hash of what forces a replacement.

    Port, protocol and VPC cannot change in place; a different ``replacement_key`` gives a new name,
    so Terraform can create the new target group before it destroys the old one (names are unique
    per region, and the listener rule moves over in between).
    """
    key = hashlib.sha256(replacement_key.encode()).hexdigest()[:TARGET_GROUP_KEY_LENGTH]
    return f"{fit(f'{platform}-{app}', AWS_TARGET_GROUP_NAME_LIMIT - TARGET_GROUP_KEY_LENGTH - 1)}-{key}"


def runner_role_name(platform: str, app: str, region: str) -> str:
    """``acme-image-generator-us-east-1``: IAM is global, so the region keeps the name unique."""
    return fit(f"{platform}-{app}-{region}", AWS_IAM_ROLE_NAME_LIMIT)


def runner_security_group_prefix(platform: str, app: str) -> str:
    """``acme-image-generator-runners-`` (Terraform appends a unique suffix; the limit is 255)."""
    return f"{group_name(platform, app)}-runners-"


def load_balancer_security_group_prefix(platform: str, internal: bool) -> str:
    return f"{load_balancer_name(platform, internal)}-lb-"


def data_volume_security_group_prefix(platform: str) -> str:
    return f"{platform}-data-"


def private_logs_key_alias(platform: str) -> str:
    """``alias/acme/private-logs``: the region's key for app logs marked ``private_logs``."""
    return f"alias/{platform}/private-logs"
