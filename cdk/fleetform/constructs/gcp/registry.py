"""The platform's Artifact Registry: one Docker repository ``<platform>`` per multi-region its regions use.

Runners pull ``<location>-docker.pkg.dev/<project>/<platform>/<app>:<tag>``
(:func:`fleetform.runner.contract.artifact_registry_host`), ``us`` for ``us-*`` regions and ``europe``
for ``europe-*``: a multi-region repository serves every region of its continent without
cross-continent egress. Tags are immutable (a tag is a hash of the build inputs, so a rebuild under
the same tag could only be an accident). Cleanup keeps the 10 newest versions of every image
whatever their age (so a group's current and previous revisions stay pullable), deletes untagged
layers after 7 days and other versions after 90 days
(https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy).
"""

from __future__ import annotations

from fleetform.plan.model import SharedPlan
from fleetform.runner.contract import artifact_registry_location
from fleetform.tf import Construct, google

DAY_SECONDS = 86_400
CLEANUP_POLICIES: tuple[google.ArtifactRegistryRepositoryCleanupPolicies, ...] = (
    {"id": "keep-newest", "action": "KEEP", "most_recent_versions": {"keep_count": 10}},
    {"id": "delete-untagged", "action": "DELETE",
     "condition": {"tag_state": "UNTAGGED", "older_than": f"{7 * DAY_SECONDS}s"}},
    {"id": "delete-old", "action": "DELETE", "condition": {"tag_state": "ANY", "older_than": f"{90 * DAY_SECONDS}s"}},
)


class ImageRegistry(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, platform: str, shared: SharedPlan) -> None:
        super().__init__(scope, construct_id)
        self.repository_ids: dict[str, str] = {}
        """Location -> the repository's id, as a reference (grants on it then wait for it)."""
        for location in sorted({artifact_registry_location(region) for region in shared.regions}):
            repository = google.ArtifactRegistryRepository(
                self, location, repository_id=platform, location=location, format="DOCKER",
                description=f"{platform}'s app images (one image per app)",
                docker_config={"immutable_tags": True}, cleanup_policy_dry_run=False,
                cleanup_policies=list(CLEANUP_POLICIES))
            self.repository_ids[location] = repository.repository_id
