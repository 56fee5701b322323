"""The secret stores of each cloud: whether a secret has a value, and adding one. Never reading one.

AWS: Secrets Manager in the shared stack's home region (replicas follow the primary), secret
``<platform>/<NAME>``; a value is set when a version carries ``AWSCURRENT`` (``DescribeSecret``, which
returns no value). GCP: Secret Manager, secret ``<platform>-<NAME>``; a value is set when an enabled
version exists (``ListSecretVersions``). Setting adds a new version; older ones stay until the
cloud's own version policy removes them.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from google.api_core import exceptions as google_exceptions
from google.cloud import secretmanager

from fleetform.cloud_clients import gcp_client_arguments
from fleetform.errors import FleetformError
from fleetform.plan.names import secret_id


class ValueState(str, Enum):  # noqa: UP042 (str() and JSON keep the value; StrEnum's str() differs in intent)
    SET = "set"
    UNSET = "unset"
    NO_CONTAINER = "no container"
    """The shared stack that creates the container is not deployed yet."""


class SecretStore(Protocol):
    cloud: str

    def state(self, name: str) -> ValueState: ...

    def set_value(self, name: str, value: str) -> None: ...


class AwsSecretStore:
    """Secrets Manager in ``region`` (the aws-shared stack's home region)."""

    cloud = "aws"

    def __init__(self, platform: str, region: str) -> None:
        self._platform = platform
        self._client = boto3.client("secretsmanager", region_name=region)

    def state(self, name: str) -> ValueState:
        try:
            secret = self._client.describe_secret(SecretId=secret_id("aws", self._platform, name))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return ValueState.NO_CONTAINER
            raise _aws_failure(name, error) from None
        except BotoCoreError as error:
            raise _aws_failure(name, error) from None
        stages = secret.get("VersionIdsToStages", {}).values()
        return ValueState.SET if any("AWSCURRENT" in labels for labels in stages) else ValueState.UNSET

    def set_value(self, name: str, value: str) -> None:
        try:
            self._client.put_secret_value(SecretId=secret_id("aws", self._platform, name), SecretString=value)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                raise _no_container("aws", name) from None
            raise _aws_failure(name, error) from None
        except BotoCoreError as error:
            raise _aws_failure(name, error) from None


class GcpSecretStore:
    """Secret Manager in ``project``."""

    cloud = "gcp"

    def __init__(self, platform: str, project: str) -> None:
        self._platform = platform
        self._project = project
        self._client = secretmanager.SecretManagerServiceClient(**gcp_client_arguments("secretmanager"))

    def _path(self, name: str) -> str:
        return self._client.secret_path(self._project, secret_id("gcp", self._platform, name))

    def state(self, name: str) -> ValueState:
        try:
            versions = self._client.list_secret_versions(
                request={"parent": self._path(name), "filter": "state:ENABLED"})
            return ValueState.SET if any(True for _ in versions) else ValueState.UNSET
        except google_exceptions.NotFound:
            return ValueState.NO_CONTAINER
        except google_exceptions.GoogleAPIError as error:
            raise _gcp_failure(name, error) from None

    def set_value(self, name: str, value: str) -> None:
        try:
            self._client.add_secret_version(request={"parent": self._path(name),
                                                     "payload": {"data": value.encode()}})
        except google_exceptions.NotFound:
            raise _no_container("gcp", name) from None
        except google_exceptions.GoogleAPIError as error:
            raise _gcp_failure(name, error) from None


def _no_container(cloud: str, name: str) -> FleetformError:
    return FleetformError.single("secrets/no-container", f"{cloud}:{name}",
                                 f"the {cloud}-shared stack has not created the secret {name} yet",
                                 fix=f"deploy the {cloud}-shared stack first (`cdktf deploy {cloud}-shared`)")


def _aws_failure(name: str, error: Exception) -> FleetformError:
    return FleetformError.single("secrets/aws-failed", f"aws:{name}", f"Secrets Manager: {error}")


def _gcp_failure(name: str, error: Exception) -> FleetformError:
    return FleetformError.single("secrets/gcp-failed", f"gcp:{name}", f"Secret Manager: {error}")
