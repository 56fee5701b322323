"""What the fake cloud tools answer in the sandbox: a healthy AWS or GCP runner's view of its cloud."""

from __future__ import annotations

from tests.runner.sandbox import Rule

ACCOUNT = "123456789012"
INSTANCE_ID = "i-0abc1234def567890"
PROJECT = "acme-prod"
IMAGE_DIGEST = "sha256:" + "ab12" * 16
"""The digest the launch template / instance template pins (instance tag on AWS, metadata on GCP)."""
AR_PINNED_IMAGE = f"us-docker.pkg.dev/{PROJECT}/acme/image-gen@{IMAGE_DIGEST}"
SECRET_VALUES = {
    "HF_TOKEN": "hf_secret_value_1", "OPENAI_API_KEY": "sk-secret value;$(rm -rf /)", "GHCR_TOKEN": "ghcr_pw_3",
}
"""Secret values, one with shell metacharacters: they must reach the env file verbatim and nowhere else."""

AWS_RULES = [
    Rule("aws", ("sts", "get-caller-identity"), f"{ACCOUNT}\n"),
    Rule("curl", ("latest/api/token",), "imds-token"),
    Rule("curl", ("meta-data/instance-id",), INSTANCE_ID),
    Rule("curl", ("meta-data/tags/instance/fleetform:image-digest",), IMAGE_DIGEST),
    Rule("aws", ("ecr", "get-login-password"), "ecr-login-password"),
    Rule("aws", ("efs", "describe-file-systems"), "fs-0123abcd\n"),
    *(Rule("aws", ("get-secret-value", f"acme/{name}"), f"{value}\n") for name, value in SECRET_VALUES.items()),
    Rule("mountpoint", (), exit=1),
]
GCP_RULES = [
    Rule("curl", ("project/project-id",), PROJECT),
    Rule("curl", ("instance/attributes/fleetform-image",), AR_PINNED_IMAGE),
    Rule("gcloud", ("filestore", "instances", "list"), "\n".join([
        f"projects/{PROJECT}/locations/europe-west4-a/instances/acme-data\t10.9.9.9",
        f"projects/{PROJECT}/locations/us-central1-b/instances/other-data\t10.8.8.8",
        f"projects/{PROJECT}/locations/us-central1-b/instances/acme-data\t10.0.0.2",
    ]) + "\n"),
    *(Rule("gcloud", ("secrets", "versions", "access", f"acme-{name}"), value)
      for name, value in SECRET_VALUES.items()),
    Rule("mountpoint", (), exit=1),
]
