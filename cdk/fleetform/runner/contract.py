"""Names the runner's boot script and the AWS/GCP constructs must agree on.

The boot script finds cloud resources by name at boot, never through Terraform references, so the
constructs that create those resources import these names from here. Each one is public API: a
rename orphans real infrastructure or breaks running groups.

AWS
  * The region's shared data volume is the EFS file system whose **creation token** is
    :func:`data_volume_name`; the runner looks it up with ``aws efs describe-file-systems
    --creation-token`` and mounts ``<fs-id>.efs.<region>.amazonaws.com:/`` (mount targets in the
    runners' subnets, NFS 2049 open from the runners' security group, VPC DNS hostnames on).
  * The ASG carries a termination lifecycle hook named :data:`DRAIN_HOOK_NAME` with
    ``default_result = "CONTINUE"`` and ``heartbeat_timeout`` =
    ``plan.rollout.draining.hook_heartbeat_seconds``; the runner agent completes it once the app's
    requests have ended (or the plan's wait ran out) and the app has stopped.
  * The platform's images live in ECR of the group's region, repository ``group.image.repository``.

GCP
  * The region's shared data volume is the Filestore instance named :func:`data_volume_name` in
    the group's region or one of its zones, exporting the share :data:`FILESTORE_SHARE_NAME`.
  * The platform's images live in Artifact Registry at :func:`artifact_registry_host`, repository
    ``<platform>`` of the project, image ``<app>`` (``group.image.repository`` is ``<platform>/<app>``).
  * Docker's ``gcplogs`` driver always writes the log ``gcplogs-docker-driver`` (:data:`GCP_DOCKER_LOG_ID`);
    the runner labels each entry with the app's log name (``plan.names.log_name``) under
    ``jsonPayload.container.metadata.<GCP_LOG_NAME_LABEL>``. :func:`gcp_log_filter` is the Logging
    filter that selects one app's entries; :func:`gcp_private_logs_filter` selects every private app's,
    for the sink routing private logs to a restricted bucket.
  * The in-flight metric is written as a ``GAUGE`` of ``DOUBLE`` (:data:`GCP_METRIC_KIND`,
    :data:`GCP_METRIC_VALUE_TYPE`) if the constructs declare its descriptor.
"""

from __future__ import annotations

from fleetform.errors import FleetformError, format_choices
from fleetform.plan.names import GCP_NAME_LIMIT, fit, log_name, log_prefix

AWS_IMAGE_DIGEST_TAG = "fleetform:image-digest"
"""Instance tag (launch template) holding the built image's digest; the runner reads it from IMDS.

The digest comes from an ``aws_ecr_image`` read at plan time, so the launch template changes exactly
when the image does, and a plan fails before any group changes when the image was never built."""
GCP_IMAGE_METADATA_KEY = "fleetform-image"
"""Instance template metadata holding the built image's pinned reference (``...@sha256:...``), read at boot."""

DRAIN_HOOK_NAME = "fleetform-drain"
"""The ASG termination lifecycle hook the runner agent completes after draining the app."""


FILESTORE_SHARE_NAME = "data"
"""The file share of the Filestore data volume (the NFS export is ``<ip>:/data``)."""

GCP_DOCKER_LOG_ID = "gcplogs-docker-driver"
"""The log id Docker's gcplogs driver writes to; it cannot be changed per container."""

GCP_LOG_NAME_LABEL = "fleetform_log"
"""Container label carrying the app's log name into every gcplogs entry."""

GCP_METRIC_KIND = "GAUGE"
GCP_METRIC_VALUE_TYPE = "DOUBLE"

AWS_RUNNER_IAM_ACTIONS = (
    "autoscaling:CompleteLifecycleAction",
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:SetInstanceProtection",
    "cloudwatch:PutMetricData",
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetAuthorizationToken",
    "ecr:GetDownloadUrlForLayer",
    "elasticfilesystem:DescribeFileSystems",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:RegisterTargets",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
)
"""What the runner calls with its instance role: scope the secrets to ``plan.names.secret_id``
ARNs, the logs to the group's log group, the slot targets to the group's target group, the hook to its
ASG (``kms:Decrypt`` too for secrets under a customer key). ``sts:GetCallerIdentity`` needs no permission."""

GCP_RUNNER_ROLES = (
    "roles/artifactregistry.reader",
    "roles/file.viewer",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/secretmanager.secretAccessor",
)
"""What the runner's service account needs (secret access per secret); the instance's access scope
must be ``cloud-platform``."""

ARTIFACT_REGISTRY_LOCATIONS = {"us": "us", "europe": "europe", "asia": "asia"}
"""Multi-region Artifact Registry location for a region's continent prefix (``us-central1`` -> ``us``)."""


def data_volume_name(platform: str) -> str:
    """The region's shared data volume: EFS creation token and Filestore instance name, ``acme-data``."""
    return fit(f"{platform}-data", GCP_NAME_LIMIT)


def artifact_registry_location(cloud_region: str) -> str:
    """The multi-region Artifact Registry location serving ``cloud_region``: ``us`` or ``europe``."""
    continent = cloud_region.split("-", 1)[0]
    if continent not in ARTIFACT_REGISTRY_LOCATIONS:
        raise FleetformError.single(
            "runner/unsupported-region",
            cloud_region,
            f"no multi-region Artifact Registry location serves GCP region {cloud_region!r}",
            allowed="regions starting with " + format_choices(f"{prefix}-" for prefix in ARTIFACT_REGISTRY_LOCATIONS),
            fix="map the fal region to a GCP region in the us, europe or asia multi-regions",
        )
    return ARTIFACT_REGISTRY_LOCATIONS[continent]


def artifact_registry_host(cloud_region: str) -> str:
    """The Docker host of the platform's images for runners in ``cloud_region``: ``us-docker.pkg.dev``."""
    return f"{artifact_registry_location(cloud_region)}-docker.pkg.dev"


def gcp_log_filter(platform: str, app: str, private: bool) -> str:
    """The Cloud Logging filter selecting the app's container logs written by its runners."""
    name = log_name(platform, app, private)
    return f'log_id("{GCP_DOCKER_LOG_ID}") AND jsonPayload.container.metadata.{GCP_LOG_NAME_LABEL}="{name}"'


def gcp_private_logs_filter(platform: str) -> str:
    """The Cloud Logging filter selecting every ``private_logs`` app's container logs: their log names share
    :func:`~fleetform.plan.names.log_prefix` (``=~`` is an RE2 match; platform names are ``[a-z0-9-]``)."""
    prefix = log_prefix(platform, True)
    return f'log_id("{GCP_DOCKER_LOG_ID}") AND jsonPayload.container.metadata.{GCP_LOG_NAME_LABEL}=~"^{prefix}"'
