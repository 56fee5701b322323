"""A group's runner identity: an IAM role and instance profile allowed exactly what its runners do.

Each statement names the resources of this app only: its image repository in this region, the
secrets it reads, its own log group and lifecycle hook, the region's ``/data`` volume when it
mounts it. ``*`` appears only where the API has no resource-level permission, each time with a
comment: ECR's registry login, CloudWatch ``PutMetricData`` (narrowed by its namespace condition)
and the Session Manager channel calls.

Shell access goes through Session Manager, never SSH: the statement carries just the five calls
a session needs, not ``AmazonSSMManagedInstanceCore``, which would also let every runner read any
SSM parameter in the account.
"""

from __future__ import annotations

import re
from typing import TypeAlias

from fleetform.constructs.aws.account import AwsAccount
from fleetform.constructs.aws.names import runner_role_name
from fleetform.constructs.aws.tags import group_tags
from fleetform.plan import metrics
from fleetform.plan.model import GroupPlan
from fleetform.plan.names import group_name, secret_id
from fleetform.tf import Construct, aws

Statement: TypeAlias = "aws.data.IamPolicyDocumentStatement"  # a string: no schema lookup at import

ECR_IMAGE = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
                       r"(?P<repository>[^:@]+)")
"""An image reference in some account's ECR: ``<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag]``."""
SECRET_SUFFIX = "-??????"
"""Secrets Manager appends ``-`` and six random characters to a secret's name in its ARN."""
SESSION_MANAGER_ACTIONS = ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel",
                           "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
                           "ssmmessages:OpenDataChannel"]


def runner_statements(group: GroupPlan, *, platform: str, account: AwsAccount, log_group_arn: str,
                      logs_key_arn: str | None, data_volume_arn: str | None,
                      target_group_arn: str) -> list[Statement]:
    """The runner policy's statements, in a fixed order, each with a ``sid`` saying what it is for."""
    return [
        *_image_pull(group, account),
        *_secrets(group, platform, account),
        {"sid": "WriteAppLogs", "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "resources": [f"{log_group_arn}:log-stream:*"]},
        *_private_logs(logs_key_arn, log_group_arn, account),
        *_in_flight_metric(group),
        {"sid": "CompleteOwnTerminationHook", "actions": ["autoscaling:CompleteLifecycleAction"],
         "resources": [_own_group(group, platform, account)]},
        *_scale_in_protection(group, platform, account),
        *_slot_targets(group, target_group_arn),
        *_data_volume(data_volume_arn, account),
        # Session Manager's channel calls have no resource-level permission.
        {"sid": "SessionManagerShell", "actions": SESSION_MANAGER_ACTIONS, "resources": ["*"]},
    ]


def _own_group(group: GroupPlan, platform: str, account: AwsAccount) -> str:
    return account.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{group_name(platform, group.app)}")


def _scale_in_protection(group: GroupPlan, platform: str, account: AwsAccount) -> list[Statement]:
    """The agent protects its own instance from scale-in while busy (``plan.rollout.draining``), in its own group."""
    if not group.rollout.draining.protect_busy_runners or group.runner.metrics_port is None:
        return []
    return [{"sid": "ProtectOwnBusyRunner", "actions": ["autoscaling:SetInstanceProtection"],
             "resources": [_own_group(group, platform, account)]}]


def _slot_targets(group: GroupPlan, target_group_arn: str) -> list[Statement]:
    """A host of several runners registers its slots 1.. in the group's own target group (``plan.packing``)."""
    if group.packing.max_runners_per_host == 1:
        return []
    return [
        {"sid": "RegisterOwnRunnerSlots",
         "actions": ["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"],
         "resources": [target_group_arn]},
        # The agent finds that target group through its ASG; DescribeAutoScalingGroups has no resource-level permission.
        {"sid": "FindOwnTargetGroup", "actions": ["autoscaling:DescribeAutoScalingGroups"], "resources": ["*"]},
    ]


def _image_pull(group: GroupPlan, account: AwsAccount) -> list[Statement]:
    """Pull rights on the platform's repository in this region, or on the app's own ECR image."""
    if group.image.source != "image":
        repositories = [account.arn("ecr", f"repository/{group.image.repository}")]
    else:
        match = ECR_IMAGE.match(group.image.reference or "")
        if match is None:
            return []
        repositories = [f"arn:{account.partition}:ecr:{match['region']}:{match['account']}:"
                        f"repository/{match['repository']}"]
    return [
        {"sid": "PullAppImage", "actions": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
         "resources": repositories},
        # The registry login token is account-wide: GetAuthorizationToken has no resource-level permission.
        {"sid": "LogInToEcr", "actions": ["ecr:GetAuthorizationToken"], "resources": ["*"]},
    ]


def _secrets(group: GroupPlan, platform: str, account: AwsAccount) -> list[Statement]:
    if not group.secrets_read:
        return []
    return [{"sid": "ReadAppSecrets", "actions": ["secretsmanager:GetSecretValue"],
             "resources": [account.arn("secretsmanager", f"secret:{secret_id('aws', platform, name)}{SECRET_SUFFIX}")
                           for name in group.secrets_read]}]


def _private_logs(logs_key_arn: str | None, log_group_arn: str, account: AwsAccount) -> list[Statement]:
    """CloudWatch Logs calls KMS on the writer's behalf for an encrypted log group."""
    if logs_key_arn is None:
        return []
    return [{"sid": "EncryptOwnPrivateLogs", "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
             "resources": [logs_key_arn],
             "condition": [
                 {"test": "StringEquals", "variable": "kms:ViaService",
                  "values": [f"logs.{account.region}.amazonaws.com"]},
                 {"test": "ArnEquals", "variable": "kms:EncryptionContext:aws:logs:arn", "values": [log_group_arn]},
             ]}]


def _in_flight_metric(group: GroupPlan) -> list[Statement]:
    """The runner agent publishes the in-flight metric when the app serves Prometheus metrics."""
    if group.runner.metrics_port is None:
        return []
    # PutMetricData has no resource-level permission; the namespace condition narrows it.
    return [{"sid": "PublishInFlightMetric", "actions": ["cloudwatch:PutMetricData"], "resources": ["*"],
             "condition": [{"test": "StringEquals", "variable": "cloudwatch:namespace",
                            "values": [metrics.AWS_NAMESPACE]}]}]


def _data_volume(data_volume_arn: str | None, account: AwsAccount) -> list[Statement]:
    """Find the region's volume by creation token, and mount it (``ClientMount``/``Write`` under IAM mounts)."""
    if data_volume_arn is None:
        return []
    return [
        # A lookup by creation token is authorized against every file system of the region.
        {"sid": "FindDataVolume", "actions": ["elasticfilesystem:DescribeFileSystems"],
         "resources": [account.arn("elasticfilesystem", "file-system/*")]},
        {"sid": "MountDataVolume", "actions": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
         "resources": [data_volume_arn]},
    ]


class RunnerRole(Construct):
    """``Role`` (assumed by EC2), its inline ``Policy`` and the ``InstanceProfile`` launch templates use."""

    def __init__(self, scope: Construct, construct_id: str, *, group: GroupPlan, platform: str,
                 statements: list[Statement]) -> None:
        super().__init__(scope, construct_id)
        trust = aws.data.IamPolicyDocument(self, "TrustPolicy", statement=[{
            "sid": "Ec2AssumesRunnerRole",
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
        }])
        name = runner_role_name(platform, group.app, group.cloud_region)
        path = f"/{platform}/"
        role = aws.IamRole(self, "Role", name=name, path=path, assume_role_policy=trust.json,
                           description=f"fleetform runners of {group.app} in {group.cloud_region}",
                           tags=group_tags(group))
        document = aws.data.IamPolicyDocument(self, "PolicyDocument", statement=statements)
        self.policy = aws.IamRolePolicy(self, "Policy", name="runner", role=role.id, policy=document.json)
        profile = aws.IamInstanceProfile(self, "InstanceProfile", name=name, path=path, role=role.name,
                                         tags=group_tags(group))
        self.instance_profile_arn: str = profile.arn
