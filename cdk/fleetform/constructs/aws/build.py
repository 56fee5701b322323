"""The AWS image build pipeline, in the shared stack: a CodeBuild project, its context bucket, logs and role.

``fleetform build --cloud aws`` uploads an app's build context (a tarball) to the context bucket
under its content hash and starts the project with per-build environment overrides (the image to
push, the context object, the secrets to mount; see :mod:`fleetform.plan.build_script`). The
project runs Docker with BuildKit, so it is privileged (Docker-in-Docker needs it); it has no
source of its own and writes no artifacts: its product is the image it pushes to ECR.

- **Bucket** ``<platform>-build-contexts-<account>-<region>``: private (public access blocked,
  bucket-owner-enforced ownership), SSE-KMS with the AWS managed ``aws/s3`` key and bucket keys,
  TLS-only, and a lifecycle rule that expires contexts after a week (a context is read once by its
  build) and aborts incomplete uploads after a day.
- **Logs** ``/<platform>/builds``, kept 30 days; ``fleetform build`` streams them while a build runs.
- **Role** assumed by CodeBuild for this account only: read the context objects, write its own log
  group, push to the platform's repositories in the home region (``repository/<platform>/*``: the
  repositories are the apps' own stacks, so the role names their prefix and does not change when an app
  comes or goes; replication carries images to the other regions) and read exactly the secrets builds name.
"""

from __future__ import annotations

import json
from typing import Any

from fleetform.constructs.aws.account import AwsAccount
from fleetform.constructs.aws.permissions import SECRET_SUFFIX
from fleetform.plan.build_script import SCRIPT
from fleetform.plan.model import SharedPlan
from fleetform.plan.names import (
    BUILD_CONTEXT_EXPIRY_DAYS,
    BUILD_CONTEXT_PREFIX,
    build_contexts_bucket,
    build_log_name,
    build_project_name,
    secret_id,
)
from fleetform.runner.terraform_literal import terraform_literal
from fleetform.tf import Construct, aws

BUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
"""CodeBuild's curated Amazon Linux image: Docker with buildx, the AWS CLI."""
COMPUTE_TYPE = "BUILD_GENERAL1_LARGE"
"""8 vCPUs, 15 GiB: CUDA base images and wheels build in minutes, not an hour."""
BUILD_TIMEOUT_MINUTES = 120
QUEUED_TIMEOUT_MINUTES = 60
LOG_RETENTION_DAYS = 30
ABORT_UPLOAD_DAYS = 1
ECR_PUSH_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                    "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]


def buildspec() -> str:
    """The project's buildspec: log in to the platform's registry, fetch the context, run the build script."""
    spec = {
        "version": "0.2",
        "env": {"shell": "bash"},
        "phases": {
            "pre_build": {"commands": [
                'aws ecr get-login-password --region "$AWS_REGION" '
                '| docker login --username AWS --password-stdin "${IMAGE%%/*}"',
                'aws s3 cp --only-show-errors "$CONTEXT_URI" context.tar.gz',
            ]},
            "build": {"commands": [SCRIPT]},
        },
    }
    return json.dumps(spec, indent=1, sort_keys=True)


class AwsBuildPipeline(Construct):
    """``Contexts`` (bucket and its settings), ``Logs``, ``Role`` and ``Project``."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, shared: SharedPlan,
                 account: AwsAccount) -> None:
        super().__init__(scope, construct_id)
        bucket = self._contexts_bucket(platform, account)
        logs = aws.CloudwatchLogGroup(self, "Logs", name=build_log_name(platform),
                                      retention_in_days=LOG_RETENTION_DAYS)
        role = self._role(platform, shared, account, bucket.arn, logs.arn)
        aws.CodebuildProject(
            self, "Project",
            name=build_project_name(platform),
            description=f"fleetform {platform}: builds app images with BuildKit and pushes them to ECR",
            service_role=role.arn,
            build_timeout=BUILD_TIMEOUT_MINUTES,
            queued_timeout=QUEUED_TIMEOUT_MINUTES,
            artifacts=[{"type": "NO_ARTIFACTS"}],
            source=[{"type": "NO_SOURCE", "buildspec": terraform_literal(buildspec())}],
            environment=[{
                "type": "LINUX_CONTAINER",
                "compute_type": COMPUTE_TYPE,
                "image": BUILD_IMAGE,
                "image_pull_credentials_type": "CODEBUILD",
                "privileged_mode": True,
            }],
            logs_config=[{"cloudwatch_logs": [{"status": "ENABLED", "group_name": logs.name}],
                          "s3_logs": [{"status": "DISABLED"}]}],
        )

    def _contexts_bucket(self, platform: str, account: AwsAccount) -> aws.S3Bucket:
        scope = Construct(self, "Contexts")
        bucket = aws.S3Bucket(scope, "Bucket",
                              bucket=build_contexts_bucket("aws", platform, account.account_id, account.region))
        aws.S3BucketPublicAccessBlock(scope, "PublicAccessBlock", bucket=bucket.id, block_public_acls=True,
                                      block_public_policy=True, ignore_public_acls=True,
                                      restrict_public_buckets=True)
        aws.S3BucketOwnershipControls(scope, "Ownership", bucket=bucket.id,
                                      rule=[{"object_ownership": "BucketOwnerEnforced"}])
        aws.S3BucketServerSideEncryptionConfiguration(scope, "Encryption", bucket=bucket.id, rule=[{
            "apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}],
            "bucket_key_enabled": True,
        }])
        aws.S3BucketLifecycleConfiguration(scope, "Lifecycle", bucket=bucket.id, rule=[{
            "id": "expire-contexts",
            "status": "Enabled",
            "filter": [{"prefix": ""}],
            "expiration": [{"days": BUILD_CONTEXT_EXPIRY_DAYS}],
            "abort_incomplete_multipart_upload": [{"days_after_initiation": ABORT_UPLOAD_DAYS}],
        }])
        tls_only = aws.data.IamPolicyDocument(scope, "TlsOnly", statement=[{
            "sid": "DenyPlainHttp",
            "effect": "Deny",
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "actions": ["s3:*"],
            "resources": [bucket.arn, f"{bucket.arn}/*"],
            "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
        }])
        aws.S3BucketPolicy(scope, "Policy", bucket=bucket.id, policy=tls_only.json)
        return bucket

    def _role(self, platform: str, shared: SharedPlan, account: AwsAccount, bucket_arn: str,
              log_group_arn: str) -> aws.IamRole:
        scope = Construct(self, "Identity")
        trust = aws.data.IamPolicyDocument(scope, "TrustPolicy", statement=[{
            "sid": "CodeBuildAssumesBuildRole",
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["codebuild.amazonaws.com"]}],
            "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": [account.account_id]}],
        }])
        role = aws.IamRole(scope, "Role", name=build_project_name(platform), path=f"/{platform}/",
                           assume_role_policy=trust.json,
                           description=f"fleetform {platform}: the image build project's identity")
        document = aws.data.IamPolicyDocument(scope, "PolicyDocument",
                                              statement=build_statements(platform, shared, account, bucket_arn,
                                                                         log_group_arn))
        aws.IamRolePolicy(scope, "Policy", name="image-build", role=role.id, policy=document.json)
        return role


def build_statements(platform: str, shared: SharedPlan, account: AwsAccount, bucket_arn: str,
                     log_group_arn: str) -> list[dict[str, Any]]:
    """The build role's statements, each naming its resources; ``*`` only for the ECR login."""
    statements: list[dict[str, Any]] = [
        {"sid": "ReadBuildContexts", "actions": ["s3:GetObject"],
         "resources": [f"{bucket_arn}/{BUILD_CONTEXT_PREFIX}*"]},
        {"sid": "WriteBuildLogs", "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "resources": [log_group_arn, f"{log_group_arn}:log-stream:*"]},
        # The registry login token is account-wide: GetAuthorizationToken has no resource-level permission.
        {"sid": "LogInToEcr", "actions": ["ecr:GetAuthorizationToken"], "resources": ["*"]},
    ]
    if shared.builds:
        statements.append({"sid": "PushPlatformImages", "actions": ECR_PUSH_ACTIONS,
                           "resources": [account.arn("ecr", f"repository/{platform}/*")]})
    if shared.build_secrets:
        statements.append({"sid": "ReadBuildSecrets", "actions": ["secretsmanager:GetSecretValue"],
                           "resources": [account.arn("secretsmanager",
                                                     f"secret:{secret_id('aws', platform, name)}{SECRET_SUFFIX}")
                                         for name in shared.build_secrets]})
    return statements
