"""The platform's Secret Manager secrets: containers only, never values.

One secret per name any app or build reads, id ``<platform>-<NAME>``
(:func:`fleetform.plan.names.secret_id`), replicated automatically across Google's regions (secrets
are read from every region the platform runs in). The values are added outside Terraform
(``gcloud secrets versions add``), so they never enter a plan, a state file or a log; runners read
the latest version at boot. Deletion protection is on: deleting a container deletes its values.
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.plan.names import secret_id
from fleetform.tf import Construct, google


class SecretContainers(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, platform: str, secrets: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        self.secret_ids: dict[str, str] = {}
        """Secret name -> its Secret Manager id, as a reference (grants on it then wait for it)."""
        for name in secrets:
            secret = google.SecretManagerSecret(self, name, secret_id=secret_id("gcp", platform, name),
                                                replication={"auto": {}}, deletion_protection=True)
            self.secret_ids[name] = secret.secret_id
