"""The AWS shared stack (in ``shared.home_region``): secret containers, the image registry and its build pipeline.

ECR keeps a repository per app in every region, so each built app's repositories are a stack of their own,
``aws-shared--<app>`` (role ``app-shared``), under the same construct paths (``shared/Registry/<region>/...``):
the shared stack does not grow with the apps, and adding one leaves it untouched.

Private logs need nothing here on AWS: each region encrypts its private log groups with its own
key (``logs.py``), since CloudWatch Logs and KMS keys are regional.
"""

from __future__ import annotations

from fleetform.constructs.aws.account import AwsAccount
from fleetform.constructs.aws.build import AwsBuildPipeline
from fleetform.constructs.aws.registry import ImageRegistry
from fleetform.constructs.aws.secrets import SecretContainers
from fleetform.constructs.shared import SharedResources


class AwsSharedResources(SharedResources):
    """``Secrets``, the ``Registry``'s replication and the image ``Build`` pipeline (replicas go to every other
    region with groups); in an app-shared stack, the app's ``Registry`` repositories."""

    def build(self) -> None:
        shared = self.shared
        replica_regions = sorted(set(shared.regions) - {shared.home_region})
        registry = ImageRegistry(self, "Registry", shared=shared, replica_regions=replica_regions)
        if self.stack.role == "app-shared":
            return
        SecretContainers(self, "Secrets", platform=self.platform.name, shared=shared, replica_regions=replica_regions)
        if shared.builds:
            account = AwsAccount(self, "Account", region=shared.home_region)
            registry.replicate(self.platform.name, account.account_id)
            AwsBuildPipeline(self, "Build", platform=self.platform.name, shared=shared, account=account)
