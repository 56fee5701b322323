"""Where an app's container logs go: a CloudWatch log group per app, private ones under a KMS key.

Names come from ``plan.names.log_name``: ``/<platform>/apps/<app>``, or ``/<platform>/private/<app>``
for apps with fal's ``private_logs``. Private log groups are encrypted with the region's
private-logs key. Its policy lets CloudWatch Logs use it only for log groups under
``/<platform>/private/``, and leaves every other use to IAM (the account's standard delegation): to
read a private log, a person needs ``kms:Decrypt`` on this key granted explicitly, which broad
read-only roles (``ReadOnlyAccess``, ``CloudWatchLogsReadOnlyAccess``) do not carry. The prefix also
lets a team's read policy on ``/<platform>/apps/*`` leave private logs out.
"""

from __future__ import annotations

from fleetform.constructs.aws.account import AwsAccount
from fleetform.constructs.aws.names import private_logs_key_alias
from fleetform.constructs.aws.tags import group_tags
from fleetform.plan.model import GroupPlan
from fleetform.plan.names import log_name
from fleetform.tf import Construct, aws

LOG_RETENTION_DAYS = 30
KEY_DELETION_WINDOW_DAYS = 30


def private_log_groups_arn(account: AwsAccount, platform: str) -> str:
    """ARN pattern of every private log group of the platform in the account's region."""
    prefix = log_name(platform, "", private=True)
    return account.arn("logs", f"log-group:{prefix}*")


class PrivateLogsKey(Construct):
    """The region's KMS key for ``private_logs`` apps, with rotation and alias ``alias/<platform>/private-logs``."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, account: AwsAccount) -> None:
        super().__init__(scope, construct_id)
        policy = aws.data.IamPolicyDocument(self, "KeyPolicy", statement=[
            {
                "sid": "AccountAdministersThroughIam",
                "principals": [{"type": "AWS", "identifiers": [account.arn("iam", "root", regional=False)]}],
                "actions": ["kms:*"],
                "resources": ["*"],
            },
            {
                "sid": "CloudWatchLogsEncryptsPrivateLogGroups",
                "principals": [{"type": "Service", "identifiers": [f"logs.{account.region}.amazonaws.com"]}],
                "actions": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*",
                            "kms:ReEncrypt*"],
                "resources": ["*"],
                "condition": [{"test": "ArnLike", "variable": "kms:EncryptionContext:aws:logs:arn",
                               "values": [private_log_groups_arn(account, platform)]}],
            },
        ])
        key = aws.KmsKey(
            self, "Key",
            description=f"fleetform {platform}: app logs marked private_logs",
            enable_key_rotation=True,
            deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            policy=policy.json,
        )
        aws.KmsAlias(self, "Alias", name=private_logs_key_alias(platform), target_key_id=key.key_id)
        self.arn: str = key.arn


def find_private_logs_key(scope: Construct, construct_id: str, *, platform: str) -> str:
    """The ARN of the region's private-logs key, read through its alias from an app's stack."""
    return aws.data.KmsKey(scope, construct_id, key_id=private_logs_key_alias(platform)).arn


def add_log_group(scope: Construct, *, platform: str, group: GroupPlan,
                  kms_key_arn: str | None) -> aws.CloudwatchLogGroup:
    """The app's log group in this region (the runner's ``awslogs`` driver writes one stream per instance).

    ``kms_key_arn`` is the region's private-logs key for a ``private_logs`` app, None otherwise.
    """
    return aws.CloudwatchLogGroup(
        scope, "LogGroup",
        name=log_name(platform, group.app, group.runner.private_logs),
        retention_in_days=LOG_RETENTION_DAYS,
        kms_key_id=kms_key_arn,
        tags=group_tags(group),
    )
