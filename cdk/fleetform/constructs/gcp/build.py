"""The GCP image build pipeline, in the shared stack: Cloud Build's service account and context bucket.

``fleetform build --cloud gcp`` uploads an app's build context (a tarball) to the bucket under its
content hash and creates a Cloud Build build from it (the build's steps come with each build; Cloud
Build has no project resource to hold them), run as this service account rather than Cloud Build's
broad default one. The build runs the same script as CodeBuild (:mod:`fleetform.plan.build_script`)
in Docker with BuildKit.

- **Bucket** ``<project>-<platform>-builds`` in the home region: uniform bucket-level access, public
  access prevented, contexts deleted after a week and incomplete uploads after a day.
- **Service account** ``<platform>-image-build``, granted per resource: read the bucket's objects,
  write to the platform's Artifact Registry repositories (each multi-region's), access exactly the
  secrets builds name, and create objects in the bucket: a build run as a user-specified account
  must name where it logs, and its log goes to ``logs/`` there (``fleetform build`` streams it), so no
  project-wide logging role is needed.

Whoever runs ``fleetform build`` needs ``roles/iam.serviceAccountUser`` on this account and
``roles/cloudbuild.builds.editor``: those are the deployer's grants, not the platform's.
"""

from __future__ import annotations

from fleetform.plan.model import SharedPlan
from fleetform.plan.names import (
    BUILD_CONTEXT_EXPIRY_DAYS,
    GCP_SERVICE_ACCOUNT_ID_LIMIT,
    build_contexts_bucket,
    build_project_name,
    fit,
)
from fleetform.tf import Construct, google

OBJECT_VIEWER = "roles/storage.objectViewer"
REGISTRY_WRITER = "roles/artifactregistry.writer"
SECRET_ACCESSOR = "roles/secretmanager.secretAccessor"
OBJECT_CREATOR = "roles/storage.objectCreator"
ABORT_UPLOAD_DAYS = 1


class GcpBuildPipeline(Construct):
    """``ServiceAccount``, ``Contexts`` and the account's grants."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, shared: SharedPlan, project: str,
                 repository_ids: dict[str, str], secret_ids: dict[str, str]) -> None:
        """``repository_ids`` (location -> id) and ``secret_ids`` (name -> id) are the shared stack's own
        resources, referenced so that each grant waits for what it grants on."""
        super().__init__(scope, construct_id)
        account = google.ServiceAccount(
            self, "ServiceAccount", account_id=fit(build_project_name(platform), GCP_SERVICE_ACCOUNT_ID_LIMIT),
            display_name=f"fleetform {platform} image builds",
            description=f"Identity of the {platform} platform's Cloud Build builds: push app images")
        member = account.member
        bucket = google.StorageBucket(
            self, "Contexts", name=build_contexts_bucket("gcp", platform, project, shared.home_region),
            location=shared.home_region.upper(), uniform_bucket_level_access=True,
            public_access_prevention="enforced", force_destroy=True,
            lifecycle_rule=[
                {"action": [{"type": "Delete"}], "condition": [{"age": BUILD_CONTEXT_EXPIRY_DAYS}]},
                {"action": [{"type": "AbortIncompleteMultipartUpload"}], "condition": [{"age": ABORT_UPLOAD_DAYS}]},
            ])
        google.StorageBucketIamMember(self, "ReadContexts", bucket=bucket.name, role=OBJECT_VIEWER, member=member)
        for location, repository in sorted(repository_ids.items()):
            google.ArtifactRegistryRepositoryIamMember(
                self, f"PushImages-{location}", repository=repository, location=location, role=REGISTRY_WRITER,
                member=member)
        for name in shared.build_secrets:
            google.SecretManagerSecretIamMember(self, f"Secret-{name}", secret_id=secret_ids[name],
                                                role=SECRET_ACCESSOR, member=member)
        google.StorageBucketIamMember(self, "WriteLogs", bucket=bucket.name, role=OBJECT_CREATOR, member=member)
        self.service_account_email: str = account.email
