"""Where each stack keeps its Terraform state: its own key ``<prefix>/<stack>`` in the platform's S3 or GCS bucket.

Without a configured backend, state stays in a local file next to the stack (for trying fleetform
out); the path is relative so that synth output does not depend on the machine.
"""

from __future__ import annotations

from fleetform.plan.model import StatePlan
from fleetform.tf import GcsBackend, LocalBackend, S3Backend, TerraformStack


def configure_backend(stack: TerraformStack, name: str, state: StatePlan) -> None:
    if state.backend == "s3":
        assert state.bucket is not None
        S3Backend(stack, bucket=state.bucket, key=state.key(name), region=state.region,
                  encrypt=True, kms_key_id=state.kms_key_id, dynamodb_table=state.dynamodb_table)
        if state.use_lockfile:
            stack.add_override("terraform.backend.s3.use_lockfile", True)
    elif state.backend == "gcs":
        assert state.bucket is not None
        GcsBackend(stack, bucket=state.bucket, prefix=state.key(name))
    else:
        LocalBackend(stack, path="terraform.tfstate")
