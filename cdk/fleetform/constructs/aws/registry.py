"""The platform's image registry: an ECR repository per built app, in every region that runs it.

Each app's repositories are its ``aws-shared--<app>`` stack; the replication configuration is the shared
stack's (it names the platform's prefix, not the apps).

Builds push to the home region; ECR replication copies every repository under ``<platform>/`` to
the other regions, so runners pull from their own region. Replication would create missing
destination repositories with ECR's defaults (mutable tags, no scanning), so fleetform creates
each destination repository itself, with the same settings, through the provider's per-resource
``region`` argument: tags are immutable (a tag is a hash of the build inputs), images are scanned on
push and encrypted with KMS (the AWS managed ``aws/ecr`` key), untagged images expire after a day
and only the newest build tags are kept. Lifecycle policies are not replicated, so every region has
its own.

``aws_ecr_replication_configuration`` is the registry's single replication configuration in the
home region: applying it replaces any other replication rule of that registry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fleetform.images.key import TAG_PREFIX
from fleetform.plan.model import SharedPlan
from fleetform.tf import Construct, aws

KEPT_BUILD_IMAGES = 30
UNTAGGED_EXPIRY_DAYS = 1


def lifecycle_policy() -> str:
    """The repositories' lifecycle policy JSON (sorted keys, so the text is stable)."""
    rules = [
        {"rulePriority": 1, "description": f"expire untagged images after {UNTAGGED_EXPIRY_DAYS} day",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                       "countNumber": UNTAGGED_EXPIRY_DAYS},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": f"keep the {KEPT_BUILD_IMAGES} newest build images",
         "selection": {"tagStatus": "tagged", "tagPrefixList": [TAG_PREFIX], "countType": "imageCountMoreThan",
                       "countNumber": KEPT_BUILD_IMAGES},
         "action": {"type": "expire"}},
    ]
    return json.dumps({"rules": rules}, sort_keys=True)


def _construct_id(repository: str) -> str:
    """``acme/image-generator`` -> ``acme-image-generator`` (``/`` separates construct paths)."""
    return repository.replace("/", "-")


class ImageRegistry(Construct):
    """``<region>/<repository>`` repositories and lifecycle policies (an app-shared stack's), and the home
    region's ``Replication`` (the shared stack's)."""

    def __init__(self, scope: Construct, construct_id: str, *, shared: SharedPlan,
                 replica_regions: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        self.replica_regions = tuple(replica_regions)
        for region in (shared.home_region, *replica_regions) if shared.repositories else ():
            in_region = Construct(self, region)
            for repository in shared.repositories:
                self._repository(in_region, repository, None if region == shared.home_region else region)

    def replicate(self, platform: str, account_id: str) -> None:
        """Copy every repository under ``<platform>/`` from the home region to every other region with groups."""
        if self.replica_regions:
            aws.EcrReplicationConfiguration(self, "Replication", replication_configuration={"rule": [{
                "destination": [{"region": region, "registry_id": account_id} for region in self.replica_regions],
                "repository_filter": [{"filter": f"{platform}/", "filter_type": "PREFIX_MATCH"}],
            }]})

    @staticmethod
    def _repository(scope: Construct, repository: str, region: str | None) -> None:
        created = aws.EcrRepository(
            scope, _construct_id(repository),
            name=repository,
            region=region,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configuration=[{"encryption_type": "KMS"}],
        )
        aws.EcrLifecyclePolicy(scope, f"{_construct_id(repository)}-lifecycle", repository=created.name,
                               region=region, policy=lifecycle_policy())
