"""What the synth benchmark builds: per app and region, the resources fleetform emits for a GPU app.

Cloud-neutral data only (no framework imports), so both approaches in ``synth.py`` build exactly
the same Terraform from it: per app, in each of 5 regions of each cloud, an AWS launch template,
target group, auto scaling group and scaling policy, or a GCP instance template, regional managed
instance group, autoscaler and backend service. References between them are :class:`Ref`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AWS_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1")
GCP_REGIONS = ("us-central1", "us-west1", "europe-west4", "europe-west1", "asia-northeast1")
RESOURCES_PER_APP_AND_REGION = 4


@dataclass(frozen=True)
class Ref:
    """A reference to attribute ``attribute`` of the resource with construct id ``construct_id``."""

    construct_id: str
    attribute: str


@dataclass(frozen=True)
class ResourceSpec:
    """One resource: its Terraform type, construct id (below the app's scope) and arguments."""

    type_name: str
    construct_id: str
    arguments: dict[str, Any]
    create_before_destroy: bool = False


@dataclass(frozen=True)
class StackSpec:
    """One stack: a cloud region, its provider arguments and each app's resources."""

    name: str
    cloud: str
    provider_arguments: dict[str, Any]
    apps: dict[str, list[ResourceSpec]] = field(default_factory=dict)


def stacks(app_count: int) -> list[StackSpec]:
    """The 10 stacks (5 regions x 2 clouds) holding ``app_count`` apps each."""
    result = []
    for region in AWS_REGIONS:
        apps = {_app_id(index): aws_app(_app_id(index), region) for index in range(app_count)}
        result.append(StackSpec(f"aws-{region}", "aws", {"region": region}, apps))
    for region in GCP_REGIONS:
        apps = {_app_id(index): gcp_app(_app_id(index), region) for index in range(app_count)}
        result.append(StackSpec(f"gcp-{region}", "google", {"project": "fleetform-bench", "region": region}, apps))
    return result


def _app_id(index: int) -> str:
    return f"app-{index:04d}"


def aws_app(app: str, region: str) -> list[ResourceSpec]:
    tags = {"fleetform:app": app, "fleetform:region": region}
    return [
        ResourceSpec(
            "aws_launch_template",
            "LaunchTemplate",
            {
                "name_prefix": f"{app}-",
                "image_id": "ami-0123456789abcdef0",
                "instance_type": "g5.xlarge",
                "user_data": "IyEvYmluL2Jhc2gKZWNobyBmbGVldGZvcm0K",
                "block_device_mappings": [
                    {"device_name": "/dev/sda1", "ebs": {"volume_size": 200, "volume_type": "gp3", "encrypted": "true"}}
                ],
                "metadata_options": {"http_tokens": "required", "http_put_response_hop_limit": 1},
                "iam_instance_profile": {"name": "fleetform-runner"},
                "tag_specifications": [{"resource_type": "instance", "tags": tags}],
                "tags": tags,
            },
        ),
        ResourceSpec(
            "aws_lb_target_group",
            "TargetGroup",
            {
                "name": f"{app}-{region}"[:32],
                "port": 8080,
                "protocol": "HTTP",
                "vpc_id": "vpc-0123456789abcdef0",
                "health_check": {"path": "/health", "matcher": "200", "interval": 15, "healthy_threshold": 2},
                "tags": tags,
            },
        ),
        ResourceSpec(
            "aws_autoscaling_group",
            "AutoScalingGroup",
            {
                "name": app,
                "min_size": 0,
                "max_size": 4,
                "vpc_zone_identifier": ["subnet-0a", "subnet-0b", "subnet-0c"],
                "target_group_arns": [Ref("TargetGroup", "arn")],
                "health_check_type": "ELB",
                "wait_for_capacity_timeout": "0",
                "mixed_instances_policy": {
                    "instances_distribution": {"on_demand_percentage_above_base_capacity": 100},
                    "launch_template": {
                        "launch_template_specification": {
                            "launch_template_id": Ref("LaunchTemplate", "id"),
                            "version": Ref("LaunchTemplate", "latest_version"),
                        },
                        "override": [{"instance_type": "g5.xlarge"}, {"instance_type": "g6.xlarge"},
                                     {"instance_type": "g5.2xlarge"}],
                    },
                },
                "instance_refresh": {"strategy": "Rolling", "preferences": {"min_healthy_percentage": 90}},
                "tag": [{"key": key, "value": value, "propagate_at_launch": True} for key, value in tags.items()],
            },
            create_before_destroy=True,
        ),
        ResourceSpec(
            "aws_autoscaling_policy",
            "ScalingPolicy",
            {
                "name": f"{app}-concurrency",
                "autoscaling_group_name": Ref("AutoScalingGroup", "name"),
                "policy_type": "TargetTrackingScaling",
                "target_tracking_configuration": {
                    "target_value": 1,
                    "customized_metric_specification": {
                        "metric_name": "ConcurrentRequestsPerInstance",
                        "namespace": "fleetform",
                        "statistic": "Average",
                        "metric_dimension": [{"name": "App", "value": app}],
                    },
                },
            },
        ),
    ]


def gcp_app(app: str, region: str) -> list[ResourceSpec]:
    labels = {"fleetform-app": app, "fleetform-region": region}
    return [
        ResourceSpec(
            "google_compute_region_instance_template",
            "InstanceTemplate",
            {
                "name_prefix": f"{app}-",
                "region": region,
                "machine_type": "g2-standard-8",
                "disk": [
                    {
                        "source_image": ("projects/deeplearning-platform-release/global/images/family/"
                                         "common-cu124-debian-11"),
                        "boot": True,
                        "disk_size_gb": 200,
                        "disk_type": "pd-balanced",
                    }
                ],
                "guest_accelerator": [{"type": "nvidia-l4", "count": 1}],
                "network_interface": [{"network": "default"}],
                "scheduling": {"on_host_maintenance": "TERMINATE", "automatic_restart": True},
                "service_account": {"email": "fleetform-runner@fleetform-bench.iam.gserviceaccount.com",
                                    "scopes": ["cloud-platform"]},
                "labels": labels,
            },
            create_before_destroy=True,
        ),
        ResourceSpec(
            "google_compute_region_instance_group_manager",
            "InstanceGroup",
            {
                "name": app,
                "region": region,
                "base_instance_name": app,
                "version": [{"instance_template": Ref("InstanceTemplate", "self_link"), "name": "primary"}],
                "named_port": [{"name": "http", "port": 8080}],
                "update_policy": {"type": "PROACTIVE", "minimal_action": "REPLACE", "max_surge_fixed": 3,
                                  "max_unavailable_fixed": 0},
            },
        ),
        ResourceSpec(
            "google_compute_region_autoscaler",
            "Autoscaler",
            {
                "name": app,
                "region": region,
                "target": Ref("InstanceGroup", "id"),
                "autoscaling_policy": {
                    "min_replicas": 0,
                    "max_replicas": 4,
                    "cooldown_period": 120,
                    "metric": [{"name": "custom.googleapis.com/fleetform/concurrency", "target": 1, "type": "GAUGE"}],
                },
            },
        ),
        ResourceSpec(
            "google_compute_region_backend_service",
            "BackendService",
            {
                "name": app,
                "region": region,
                "protocol": "HTTP",
                "load_balancing_scheme": "INTERNAL_MANAGED",
                "health_checks": [f"projects/fleetform-bench/regions/{region}/healthChecks/fleetform"],
                "backend": [{"group": Ref("InstanceGroup", "instance_group"), "balancing_mode": "UTILIZATION",
                             "capacity_scaler": 1}],
                "log_config": {"enable": True},
            },
        ),
    ]
