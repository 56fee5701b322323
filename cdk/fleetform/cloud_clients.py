"""Cloud API clients for the commands that talk to a platform's clouds (``secrets``, ``build``).

AWS: boto3 with the standard credential chain; ``AWS_ENDPOINT_URL_<SERVICE>`` (boto3's own
setting) points a service elsewhere, e.g. at moto in tests. GCP: the google-cloud clients over
REST with Application Default Credentials; ``FLEETFORM_GCP_ENDPOINT_<SERVICE>`` (``SECRETMANAGER``,
``CLOUDBUILD``, ``ARTIFACTREGISTRY``, ``STORAGE``) points a service at another endpoint, and an
``http://`` endpoint (an emulator or a test server) gets anonymous credentials.
"""

from __future__ import annotations

import os
from typing import Any

import google.auth
import google.auth.exceptions
from google.auth.credentials import AnonymousCredentials

from fleetform.errors import FleetformError

GCP_ENDPOINT_VARIABLE = "FLEETFORM_GCP_ENDPOINT_{service}"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def gcp_endpoint(service: str) -> str | None:
    return os.environ.get(GCP_ENDPOINT_VARIABLE.format(service=service.upper())) or None


def gcp_client_arguments(service: str) -> dict[str, Any]:
    """``credentials``, ``transport`` and ``client_options`` for a google-cloud ``<Service>Client``."""
    endpoint = gcp_endpoint(service)
    arguments: dict[str, Any] = {"transport": "rest", "credentials": gcp_credentials(endpoint)}
    if endpoint:
        arguments["client_options"] = {"api_endpoint": endpoint}
    return arguments


def gcp_credentials(endpoint: str | None) -> Any:
    if endpoint and endpoint.startswith("http://"):
        return AnonymousCredentials()  # type: ignore[no-untyped-call]
    try:
        credentials, _ = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])  # type: ignore[no-untyped-call]
    except google.auth.exceptions.DefaultCredentialsError as error:
        raise FleetformError.single("cloud/no-gcp-credentials", "gcp", f"no Google credentials: {error}",
                                    fix="run `gcloud auth application-default login` or set "
                                        "GOOGLE_APPLICATION_CREDENTIALS") from None
    return credentials


def gcp_project(configured: str | None) -> str:
    """The platform's ``[tool.fleetform.gcp] project``, else the Application Default Credentials' project."""
    if configured:
        return configured
    project = os.environ.get("GOOGLE_CLOUD_PROJECT")
    if not project:
        try:
            _, project = google.auth.default()  # type: ignore[no-untyped-call]
        except google.auth.exceptions.DefaultCredentialsError:
            project = None
    if not project:
        raise FleetformError.single("cloud/no-gcp-project", "[tool.fleetform.gcp].project",
                                    "no GCP project: the platform names none and the credentials carry none",
                                    fix="set [tool.fleetform.gcp] project, or GOOGLE_CLOUD_PROJECT")
    return project
