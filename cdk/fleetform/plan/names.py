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
    return f"{log_prefix(platform, private)}{app}"


def log_prefix(platform: str, private: bool) -> str:
    """What every app's log name starts with: ``/acme/apps/`` or ``/acme/private/``."""
    return f"/{platform}/{'private' if private else 'apps'}/"


def gcp_label(value: str) -> str:
    """A GCP label value: lowercase letters, digits, ``-`` and ``_``, at most 63 characters."""
    return fit(re.sub(r"[^a-z0-9_-]", "-", value.lower()), GCP_NAME_LIMIT)


GCP_SERVICE_ACCOUNT_ID_LIMIT = 30


def build_project_name(platform: str) -> str:
    """The image build project: ``acme-image-build`` (CodeBuild project, Cloud Build's service account id)."""
    return fit(f"{platform}-image-build", GCP_SERVICE_ACCOUNT_ID_LIMIT)


def build_log_name(platform: str) -> str:
    """Where builds log: ``/acme/builds`` (CloudWatch log group; Cloud Build writes to Cloud Logging)."""
    return f"/{platform}/builds"


def build_contexts_bucket(cloud: str, platform: str, owner: str, region: str) -> str:
    """The bucket build contexts are uploaded to; bucket names are global, so the owner is in it.

    AWS: ``acme-build-contexts-123456789012-us-east-1`` (account and region; at most 20 + 16 + 12 +
    1 + 14 = 63 characters, S3's limit). GCP: ``<project>-acme-builds`` (at most 30 + 1 + 20 + 7 =
    58, within Cloud Storage's 63). ``owner`` may be a Terraform reference, so nothing is shortened.
    """
    if cloud == "aws":
        return f"{platform}-build-contexts-{owner}-{region}"
    return f"{owner}-{platform}-builds"


BUILD_CONTEXT_PREFIX = "contexts/"
"""Context objects are ``contexts/<sha256 of the tarball>.tar.gz``: content-addressed, never overwritten."""
BUILD_CONTEXT_EXPIRY_DAYS = 7
"""A context is read once by its build; a week leaves time to re-run a failed build from the same object."""
