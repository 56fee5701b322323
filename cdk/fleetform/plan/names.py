"""Cloud resource names: stable, derived from the platform, app and region names only.

Names are public API: renaming one replaces real infrastructure. Where a cloud limits length, a
name keeps its readable start and ends in a short hash of the full name, so two long names never
collide and the same input always gives the same name.
"""

from __future__ import annotations

import hashlib
import re

HASH_LENGTH = 6
GCP_NAME_LIMIT = 63
"""RFC 1035 names of most Compute Engine resources: ``[a-z]([-a-z0-9]*[a-z0-9])?``, at most 63."""
AWS_LB_NAME_LIMIT = 32
AWS_TARGET_GROUP_NAME_LIMIT = 32
AWS_IAM_ROLE_NAME_LIMIT = 64


def fit(name: str, limit: int) -> str:
    """``name`` if it fits in ``limit`` characters, else its start, ``-`` and a hash of the whole."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:HASH_LENGTH]
    return f"{name[: limit - HASH_LENGTH - 1].rstrip('-')}-{digest}"


def group_name(platform: str, app: str) -> str:
    """The instance group of ``app`` in any region: ``acme-image-generator`` (ASG name, MIG name)."""
    return fit(f"{platform}-{app}", GCP_NAME_LIMIT)


SECRET_ID_FORMATS: dict[str, str] = {"aws": "{platform}/{secret}", "gcp": "{platform}-{secret}"}
"""Per cloud, how a secret's id is spelled: Secrets Manager allows ``/``, Secret Manager ids do not."""


def secret_id(cloud: str, platform: str, secret: str) -> str:
    """Where a secret lives: ``acme/HF_TOKEN`` in Secrets Manager, ``acme-HF_TOKEN`` in Secret Manager."""
    return SECRET_ID_FORMATS[cloud].format(platform=platform, secret=secret)


def log_name(platform: str, app: str, private: bool) -> str:
    """The app's log destination: ``/acme/apps/<app>`` or, for ``private_logs``, ``/acme/private/<app>``.

    On GCP the same string names the log (slashes become ``.``); private logs go to a restricted bucket.
    """
    return f"/{platform}/{'private' if private else 'apps'}/{app}"


def gcp_label(value: str) -> str:
    """A GCP label value: lowercase letters, digits, ``-`` and ``_``, at most 63 characters."""
    return fit(re.sub(r"[^a-z0-9_-]", "-", value.lower()), GCP_NAME_LIMIT)
