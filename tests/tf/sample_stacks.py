"""A small two-cloud app built with fleetform.tf: the valid stack the synth tests assert on.

Importable on its own so the determinism test can synthesize it in fresh interpreters.
"""

from __future__ import annotations

from fleetform.tf import App, Construct, LocalBackend, TerraformOutput, TerraformStack, aws, google


def build_aws_stack(app: App) -> TerraformStack:
    """One AWS region: AMI from SSM, launch template, ASG, scaling policy, target group, security group."""
    stack = TerraformStack(app, "aws-us-east")
    LocalBackend(stack, path="terraform.tfstate")
    aws.AwsProvider(stack, "aws", region="us-east-1", default_tags={"tags": {"managed-by": "fleetform"}})
    west = aws.AwsProvider(stack, "west", alias="west", region="us-west-2")
    app_scope = Construct(stack, "app-sd")
    ami = aws.data.SsmParameter(
        app_scope, "Ami",
        name="/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id",
    )
    security_group = aws.SecurityGroup(
        app_scope,
        "Sg",
        name="app-sd",
        vpc_id="vpc-0abc",
        ingress=[
            {
                "from_port": 8080,
                "to_port": 8080,
                "protocol": "tcp",
                "cidr_blocks": ["10.0.0.0/8"],
                "description": "",
                "ipv6_cidr_blocks": [],
                "prefix_list_ids": [],
                "security_groups": set(),
                "self": False,
            }
        ],
    )
    launch_template = aws.LaunchTemplate(
        app_scope,
        "Lt",
        name_prefix="app-sd-",
        image_id=ami.value,
        instance_type="g5.xlarge",
        vpc_security_group_ids=[security_group.id],
        block_device_mappings=[{"device_name": "/dev/sda1", "ebs": {"volume_size": 200, "volume_type": "gp3"}}],
        metadata_options={"http_tokens": "required"},
        tags={"app": "sd"},
    )
    group = aws.AutoscalingGroup(
        app_scope,
        "Asg",
        name="app-sd",
        min_size="0",
        max_size=4,
        vpc_zone_identifier={"subnet-b", "subnet-a"},
        wait_for_capacity_timeout="0",
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": {
                    "launch_template_id": launch_template.id,
                    "version": launch_template.latest_version,
                },
                "override": [{"instance_type": "g5.xlarge"}, {"instance_type": "g6.xlarge"}],
            }
        },
        tag=[{"key": "app", "value": "sd", "propagate_at_launch": True}],
        timeouts={"delete": "15m"},
        lifecycle={"create_before_destroy": True, "ignore_changes": ["desired_capacity"]},
    )
    aws.AutoscalingPolicy(
        app_scope,
        "Scaling",
        name="app-sd-concurrency",
        autoscaling_group_name=group.name,
        policy_type="TargetTrackingScaling",
        target_tracking_configuration={
            "target_value": 1,
            "customized_metric_specification": {"metric_name": "Concurrency", "namespace": "fleetform",
                                                "statistic": "Average"},
        },
    )
    aws.LbTargetGroup(
        app_scope,
        "Tg",
        name="app-sd",
        port=8080,
        protocol="HTTP",
        vpc_id="vpc-0abc",
        health_check={"path": "/health", "matcher": "200"},
        depends_on=[group],
        provider=west,
    )
    TerraformOutput(stack, "launch-template-version", value=launch_template.latest_version)
    return stack


def build_google_stack(app: App) -> TerraformStack:
    """One GCP region: image, instance template, regional MIG, autoscaler, backend service."""
    stack = TerraformStack(app, "gcp-us-central")
    LocalBackend(stack, path="terraform.tfstate")
    google.GoogleProvider(stack, "google", project="fleetform-test", region="us-central1")
    app_scope = Construct(stack, "app-sd")
    image = google.data.ComputeImage(app_scope, "Image", family="common-cu124-debian-11",
                                     project="deeplearning-platform-release")
    template = google.ComputeRegionInstanceTemplate(
        app_scope,
        "Template",
        name_prefix="app-sd-",
        machine_type="g2-standard-8",
        region="us-central1",
        disk=[{"source_image": image.self_link, "boot": True, "disk_size_gb": 200}],
        guest_accelerator=[{"type": "nvidia-l4", "count": 1}],
        network_interface=[{"network": "default"}],
        scheduling={"on_host_maintenance": "TERMINATE", "automatic_restart": True},
        lifecycle={"create_before_destroy": True},
    )
    group = google.ComputeRegionInstanceGroupManager(
        app_scope,
        "Mig",
        name="app-sd",
        base_instance_name="app-sd",
        region="us-central1",
        version=[{"instance_template": template.self_link, "name": "primary"}],
        named_port=[{"name": "http", "port": 8080}],
        update_policy={"type": "PROACTIVE", "minimal_action": "REPLACE", "max_surge_fixed": 3},
    )
    google.ComputeRegionAutoscaler(
        app_scope,
        "Autoscaler",
        name="app-sd",
        region="us-central1",
        target=group.id,
        autoscaling_policy={"min_replicas": 0, "max_replicas": 4, "cooldown_period": 60},
    )
    google.ComputeRegionBackendService(
        app_scope,
        "Backend",
        name="app-sd",
        region="us-central1",
        load_balancing_scheme="INTERNAL_MANAGED",
        backend=[{"group": group.instance_group, "balancing_mode": "UTILIZATION", "capacity_scaler": 1}],
    )
    return stack


def build_sample_app(outdir: str) -> App:
    """The two stacks in one app."""
    app = App(outdir=outdir)
    build_aws_stack(app)
    build_google_stack(app)
    return app
