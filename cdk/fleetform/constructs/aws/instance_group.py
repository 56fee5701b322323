"""A group's runners: the launch template they boot from and the Auto Scaling group that keeps them.

Launch template: the first (preferred) instance type, the region's AMI for GPU or CPU groups, the
runner boot script as user data, IMDSv2 only with a PUT response hop limit of 1: the token answer
cannot cross Docker's bridge, so an app container never reaches the instance role's credentials
(Secrets Manager reads, lifecycle actions, metric writes). Everything that needs the role runs on the
host: the boot script, the runner agent and dockerd (the ``awslogs`` driver); the container gets its
secrets as an env file and needs no AWS identity. An encrypted gp3 root volume
sized by the plan, the runner role and security group, and tags on the instance and its volume.
GPU root volumes get 6000 IOPS and 500 MiB/s instead of gp3's 3000/125: a multi-gigabyte image
pull and model load is the cold start, and the extra cents per hour are noise next to a GPU's price.

Auto Scaling group: ``min_runners``..``max_runners`` with no desired capacity (the scaling policies
own it; :mod:`fleetform.constructs.aws.scaling` adds its arguments and may set the limits), every
instance type of the plan in order as a prioritized on-demand mixed-instances policy (the first
type that has capacity is launched, as fal tries ``machine_type`` in order), each override weighted
(``weighted_capacity``) by the runners one host of its type carries (``plan.packing``), so the sizes
and the desired capacity count runners, spread over the zones
that offer them with ``balanced-best-effort`` (a zone out of capacity does not block a launch
elsewhere), and ``wait_for_capacity_timeout = "0"`` so a GPU stockout does not
fail the apply. ELB health checks replace runners whose probe fails after the start-up grace
period; EC2 health checks only when fal's ``call_regularly = false`` (failing probes then just
take the runner out of the load balancer). The group waits for the runner role's policy, which
its instances need from their first boot.

fal's ``app_scale_settings``: with the default ``false``, a deploy keeps the runtime-tuned scaling
limits, so Terraform ignores later changes to ``min_size``/``max_size`` (an operator's
``aws autoscaling update-auto-scaling-group`` survives the next apply; a changed
``min_concurrency``/``max_concurrency`` in code then applies only to a new group). With ``true``
every apply resets them to the code's values.

Rollouts (a new launch template version) are instance refreshes:

* ``rolling``: launch before terminate (min healthy 100 %, max healthy 200 %): every replacement
  starts, warms up for ``startup_seconds`` and must pass its health check before an old runner
  stops; instances already on the new version are skipped; a refresh that fails rolls back.
* ``recreate``: min healthy 0 %, max healthy 100 %: every runner is terminated at once and the new
  ones launched; the app serves 503s until the first new runner is healthy (fal's recreate
  replaces all runners at once too). A failed refresh rolls back the same way.

Termination: a lifecycle hook (``fleetform.runner.contract.DRAIN_HOOK_NAME``) holds a terminating
runner until its agent has waited for the app's requests in flight (up to ``request_timeout``), stopped
the app (``docker stop`` waits ``termination_grace_seconds``) and completed the hook, or the heartbeat
(``plan.rollout.draining``, :mod:`fleetform.plan.draining`) runs out and termination continues. It is a separate
``aws_autoscaling_lifecycle_hook``, not ``initial_lifecycle_hook``, because the provider applies the
latter only when the group is created: a changed grace period would never reach the hook.
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.constructs.aws.machine_image import MachineImage
from fleetform.constructs.aws.pinned_image import pinned_image_tag
from fleetform.constructs.aws.scaling import add_aws_scaling_policies, aws_group_scaling_arguments
from fleetform.constructs.aws.tags import launched_tags
from fleetform.plan.model import GroupPlan, PlatformPlan, RolloutPlan, ScalingPlan
from fleetform.plan.names import group_name
from fleetform.runner import aws_user_data
from fleetform.runner.contract import DRAIN_HOOK_NAME
from fleetform.tf import Construct, Resource, aws

METADATA_HOP_LIMIT = 1
"""IMDSv2 token responses die after one hop: host processes only, never a bridged container."""
GPU_ROOT_VOLUME_IOPS = 6000
GPU_ROOT_VOLUME_THROUGHPUT_MIBPS = 500
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"


def instance_refresh(rollout: RolloutPlan) -> aws.AutoscalingGroupInstanceRefresh:
    """The ``instance_refresh`` block for the rollout strategy (see the module docstring)."""
    rolling = rollout.strategy == "rolling"
    return {
        "strategy": "Rolling",
        "preferences": {
            "min_healthy_percentage": 100 if rolling else 0,
            "max_healthy_percentage": 200 if rolling else 100,
            "instance_warmup": str(rollout.startup_seconds),
            "skip_matching": True,
            "auto_rollback": True,
            # Busy runners are protected from scale-in (plan.rollout.draining); a refresh still replaces them,
            # and the termination hook lets their requests finish (the default waits an hour, then fails).
            "scale_in_protected_instances": "Refresh",
        },
    }


def ignored_changes(scaling: ScalingPlan) -> list[str]:
    """What Terraform leaves alone after creation: the capacity, and the size limits unless fal resets them."""
    return ["desired_capacity"] if scaling.reset_on_deploy else ["desired_capacity", "max_size", "min_size"]


def root_volume(group: GroupPlan, image: MachineImage) -> aws.LaunchTemplateBlockDeviceMappings:
    ebs: aws.LaunchTemplateBlockDeviceMappingsEbs = {"volume_size": group.machine.root_volume_gib, "volume_type": "gp3",
                                                  "encrypted": "true", "delete_on_termination": "true"}
    if group.machine.gpus_per_instance > 0:
        ebs |= {"iops": GPU_ROOT_VOLUME_IOPS, "throughput": GPU_ROOT_VOLUME_THROUGHPUT_MIBPS}
    return {"device_name": image.root_device_name, "ebs": ebs}


class InstanceGroup(Construct):
    """``LaunchTemplate``, ``AutoScalingGroup``, ``DrainHook`` and the scaling policies of one group."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: PlatformPlan, group: GroupPlan,
                 image: MachineImage, image_id: str, instance_profile_arn: str, security_group_id: str,
                 subnet_ids: Sequence[str], target_group_arn: str, target_group_arn_suffix: str,
                 load_balancer_arn_suffix: str, permissions: Resource) -> None:
        super().__init__(scope, construct_id)
        name = group_name(platform.name, group.app)
        tags = launched_tags(platform, group, name)
        instance_tags = {**tags, **pinned_image_tag(self, group)}
        template = aws.LaunchTemplate(
            self, "LaunchTemplate",
            name_prefix=f"{name}-",
            description=f"fleetform runners of {group.app}",
            image_id=image_id,
            instance_type=group.machine.instance_types[0],
            user_data=aws_user_data(group, platform.name),
            iam_instance_profile={"arn": instance_profile_arn},
            vpc_security_group_ids=[security_group_id],
            metadata_options={"http_endpoint": "enabled", "http_tokens": "required",
                              "http_put_response_hop_limit": METADATA_HOP_LIMIT,
                              "instance_metadata_tags": "enabled" if group.image.source != "image" else "disabled"},
            block_device_mappings=[root_volume(group, image)],
            instance_initiated_shutdown_behavior="terminate",
            tag_specifications=[{"resource_type": "instance", "tags": instance_tags},
                                {"resource_type": "volume", "tags": tags}],
            update_default_version=True,
        )
        scaling_arguments = {"min_size": group.scaling.min_runners, "max_size": group.scaling.max_runners,
                             **aws_group_scaling_arguments(group)}
        auto_scaling_group = aws.AutoscalingGroup(
            self, "AutoScalingGroup",
            name=name,
            vpc_zone_identifier=list(subnet_ids),
            availability_zone_distribution={"capacity_distribution_strategy": "balanced-best-effort"},
            mixed_instances_policy={
                "instances_distribution": {"on_demand_allocation_strategy": "prioritized",
                                           "on_demand_base_capacity": 0,
                                           "on_demand_percentage_above_base_capacity": 100},
                "launch_template": {
                    "launch_template_specification": {"launch_template_id": template.id,
                                                      "version": template.latest_version},
                    "override": [{"instance_type": host.instance_type, "weighted_capacity": str(host.runners)}
                                 for host in group.packing.hosts],
                },
            },
            wait_for_capacity_timeout="0",
            health_check_type="ELB" if group.health.replace_unhealthy else "EC2",
            health_check_grace_period=group.health.grace_seconds,
            target_group_arns=[target_group_arn],
            instance_refresh=instance_refresh(group.rollout),
            tag=[{"key": key, "value": value, "propagate_at_launch": True} for key, value in sorted(tags.items())],
            depends_on=[permissions],
            lifecycle={"ignore_changes": ignored_changes(group.scaling)},
            **scaling_arguments,
        )
        self.name: str = auto_scaling_group.name
        aws.AutoscalingLifecycleHook(
            self, "DrainHook",
            autoscaling_group_name=auto_scaling_group.name,
            name=DRAIN_HOOK_NAME,
            lifecycle_transition=TERMINATING,
            heartbeat_timeout=group.rollout.draining.hook_heartbeat_seconds,
            default_result="CONTINUE",
        )
        add_aws_scaling_policies(self, group, asg_name=auto_scaling_group.name,
                                 target_group_arn_suffix=target_group_arn_suffix,
                                 load_balancer_arn_suffix=load_balancer_arn_suffix)
