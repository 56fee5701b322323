"""Secret containers in Secrets Manager: one per secret name any app or build reads, never a value.

Each secret is ``<platform>/<NAME>`` (``plan.names.secret_id``) in the shared stack's home region,
replicated to every other region with groups, so a runner reads it in its own region. Terraform
creates only the container: the platform team sets the value with
``aws secretsmanager put-secret-value`` (replicas follow), so no secret value is ever in
configuration, plan or state. A deleted secret stays recoverable for 30 days (Secrets Manager's
default), which also keeps its name reserved for that time.
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.plan.model import SharedPlan
from fleetform.plan.names import secret_id
from fleetform.tf import Construct, aws

RECOVERY_WINDOW_DAYS = 30


class SecretContainers(Construct):
    """``<NAME>``: one ``aws_secretsmanager_secret`` per secret, with its replicas."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, shared: SharedPlan,
                 replica_regions: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        for name in shared.secrets:
            aws.SecretsmanagerSecret(
                self, name,
                name=secret_id("aws", platform, name),
                description=f"fleetform {platform}: {name}, exposed to the apps that list it (value set outside "
                            "Terraform)",
                recovery_window_in_days=RECOVERY_WINDOW_DAYS,
                replica=[{"region": region} for region in replica_regions],
            )
