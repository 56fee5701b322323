"""The identity a group's runners act as, allowed exactly what the boot script and the runner agent do.

One service account per group (app and region): a region's stack never shares an identity with
another's, and removing an app from a region removes its grants there.

- **Secrets**: ``roles/secretmanager.secretAccessor`` on each secret of ``group.secrets_read`` (the
  app's secrets and its registry passwords), one binding per secret, nothing project-wide.
- **Images**: ``roles/artifactregistry.reader`` on the platform's repository in the group's
  multi-region, when the platform builds the group's image.
- **Logs and the in-flight metric**: ``roles/logging.logWriter`` and
  ``roles/monitoring.metricWriter``; both APIs grant writing only per project.
- **The /data volume**: Filestore access is network-level (the NFS export admits the runners'
  subnetwork; see :mod:`~fleetform.constructs.gcp.data_volume`); the runner also looks the
  instance's address up by name, which needs ``roles/file.viewer``, granted per project because
  Filestore has no instance-level IAM.
"""

from __future__ import annotations

from fleetform.constructs.gcp.naming import service_account_id
from fleetform.plan.model import GroupPlan
from fleetform.plan.names import secret_id
from fleetform.runner.contract import artifact_registry_location
from fleetform.tf import Construct, google

SECRET_ACCESSOR = "roles/secretmanager.secretAccessor"
REGISTRY_READER = "roles/artifactregistry.reader"
PROJECT_ROLES = ("roles/logging.logWriter", "roles/monitoring.metricWriter")
FILESTORE_VIEWER = "roles/file.viewer"


class RunnerServiceAccount(Construct):
    """The group's service account and its grants; ``email`` goes in the template and the firewall rule."""

    def __init__(self, scope: Construct, construct_id: str, *, group: GroupPlan, platform: str, project: str) -> None:
        super().__init__(scope, construct_id)
        account = google.ServiceAccount(
            self, "Resource", account_id=service_account_id(platform, group.app, group.cloud_region),
            display_name=f"fleetform runners of {group.app} in {group.cloud_region}",
            description=f"Identity of the {platform} platform's runners of {group.app} in {group.cloud_region}")
        self.email = account.email
        member = account.member
        for name in group.secrets_read:
            google.SecretManagerSecretIamMember(self, f"Secret-{name}", secret_id=secret_id("gcp", platform, name),
                                                role=SECRET_ACCESSOR, member=member)
        if group.image.source != "image":
            google.ArtifactRegistryRepositoryIamMember(
                self, "RegistryReader", repository=platform, location=artifact_registry_location(group.cloud_region),
                role=REGISTRY_READER, member=member)
        roles = [*PROJECT_ROLES, *([FILESTORE_VIEWER] if group.runner.data_mounts else [])]
        for role in roles:
            google.ProjectIamMember(self, f"Project-{role.removeprefix('roles/')}", project=project, role=role,
                                    member=member)
