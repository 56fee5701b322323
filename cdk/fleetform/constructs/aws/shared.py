"""The AWS shared stack (in ``shared.home_region``): secret containers, the image registry and its build pipeline.

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
    """``Secrets``, ``Registry`` and the image ``Build`` pipeline; replicas go to every other region with groups."""

    def build(self) -> None:
        shared = self.shared
        replica_regions = sorted(set(shared.regions) - {shared.home_region})
        SecretContainers(self, "Secrets", platform=self.platform.name, shared=shared, replica_regions=replica_regions)
        if shared.repositories:
            account = AwsAccount(self, "Account", region=shared.home_region)
            ImageRegistry(self, "Registry", platform=self.platform.name, shared=shared,
                          replica_regions=replica_regions, account_id=account.account_id)
            AwsBuildPipeline(self, "Build", platform=self.platform.name, shared=shared, account=account)
