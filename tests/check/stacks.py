"""cdktf-shaped stacks for the check tests: what ``cdktf synth`` writes, ``//`` metadata included.

``aws_stack()`` and ``google_stack()`` are valid GPU-platform stacks (references, data sources,
list/set/single nested blocks); the broken-config tests each change one thing in a copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AWS_STACK = "aws-us-east-1"
GOOGLE_STACK = "gcp-us-central1"


def _stack(name: str, providers: dict[str, Any], required: dict[str, str]) -> dict[str, Any]:
    return {
        "//": {"metadata": {"backend": "local", "stackName": name, "version": "0.21.0"}, "outputs": {name: {}}},
        "provider": providers,
        "terraform": {
            "backend": {"local": {"path": f"/srv/fleetform/terraform.{name}.tfstate"}},
            "required_providers": {local: {"source": source, "version": "6.47.0" if local == "aws" else "6.50.0"}
                                   for local, source in required.items()},
        },
    }


def add_resource(config: dict[str, Any], construct_path: str, type_name: str, name: str, body: dict) -> str:
    """Add a managed resource the way cdktf writes it; returns its address."""
    stack = config["//"]["metadata"]["stackName"]
    metadata = {"//": {"metadata": {"path": f"{stack}/{construct_path}", "uniqueId": name}}}
    config.setdefault("resource", {}).setdefault(type_name, {})[name] = {**metadata, **body}
    return f"{type_name}.{name}"


def add_data(config: dict[str, Any], construct_path: str, type_name: str, name: str, body: dict) -> str:
    stack = config["//"]["metadata"]["stackName"]
    metadata = {"//": {"metadata": {"path": f"{stack}/{construct_path}", "uniqueId": name}}}
    config.setdefault("data", {}).setdefault(type_name, {})[name] = {**metadata, **body}
    return f"data.{type_name}.{name}"


def add_output(config: dict[str, Any], construct_id: str, name: str, value: str) -> None:
    stack = config["//"]["metadata"]["stackName"]
    config["//"]["outputs"][stack][construct_id] = name
    config.setdefault("output", {})[name] = {"value": value}


def aws_stack() -> dict[str, Any]:
    """A GPU worker pool on AWS: AMI from SSM, IAM role from a policy document, launch template, ASG."""
    config = _stack(
        AWS_STACK,
        {"aws": [{"region": "us-east-1", "default_tags": [{"tags": {"fleetform:stack": AWS_STACK}}]}]},
        {"aws": "hashicorp/aws"},
    )
    add_data(config, "Gpu/Ami", "aws_ssm_parameter", "Gpu_Ami_5E1C2B3A",
             {"name": "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"})
    add_data(config, "Gpu/AssumeRole", "aws_iam_policy_document", "Gpu_AssumeRole_0D4E9F11", {
        "statement": [{
            "sid": "Ec2Assume",
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
            "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount",
                           "values": ["${data.aws_caller_identity.Account_7A1B2C3D.account_id}"]}],
        }],
    })
    add_data(config, "Account", "aws_caller_identity", "Account_7A1B2C3D", {})
    add_data(config, "Zones", "aws_availability_zones", "Zones_44F0A1B2", {"state": "available"})
    add_resource(config, "Gpu/Role", "aws_iam_role", "Gpu_Role_1F2E3D4C", {
        "name": "fleetform-gpu-worker",
        "assume_role_policy": "${data.aws_iam_policy_document.Gpu_AssumeRole_0D4E9F11.json}",
        "inline_policy": [{"name": "logs", "policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]})}],
    })
    add_resource(config, "Gpu/Profile", "aws_iam_instance_profile", "Gpu_Profile_9C8B7A6D", {
        "name": "fleetform-gpu-worker",
        "role": "${aws_iam_role.Gpu_Role_1F2E3D4C.name}",
    })
    add_resource(config, "Gpu/LaunchTemplate", "aws_launch_template", "Gpu_LaunchTemplate_3B2A1C0D", {
        "name_prefix": "fleetform-gpu-",
        "image_id": "${data.aws_ssm_parameter.Gpu_Ami_5E1C2B3A.value}",
        "instance_type": "g5.xlarge",
        "iam_instance_profile": [{"arn": "${aws_iam_instance_profile.Gpu_Profile_9C8B7A6D.arn}"}],
        "block_device_mappings": [{"device_name": "/dev/xvda",
                                   "ebs": [{"volume_size": 200, "volume_type": "gp3", "encrypted": "true"}]}],
        "metadata_options": [{"http_tokens": "required", "http_put_response_hop_limit": 2}],
        "license_specification": [{
            "license_configuration_arn": (
                "arn:aws:license-manager:us-east-1:123456789012:license-configuration:lic-0123"
            ),
        }],
        "tag_specifications": [{"resource_type": "instance", "tags": {"Name": "fleetform-gpu"}}],
    })
    add_resource(config, "Gpu/Asg", "aws_autoscaling_group", "Gpu_Asg_A1B2C3D4", {
        "name": "fleetform-gpu",
        "min_size": 0,
        "max_size": 4,
        "desired_capacity": "1",  # a numeric string is converted, as Terraform does
        "availability_zones": "${slice(data.aws_availability_zones.Zones_44F0A1B2.names, 0, 2)}",
        "launch_template": [{"id": "${aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D.id}", "version": "$Latest"}],
        "tag": [{"key": "fleetform:pool", "value": "gpu", "propagate_at_launch": True}],
        "timeouts": {"delete": "15m"},
    })
    add_output(config, "AsgArn", "AsgArn", "${aws_autoscaling_group.Gpu_Asg_A1B2C3D4.arn}")
    return config


def google_stack() -> dict[str, Any]:
    """A GPU worker pool on GCP: image and zones from data sources, a template and a regional MIG."""
    config = _stack(
        GOOGLE_STACK,
        {"google": [{"project": "acme-gpu", "region": "us-central1", "default_labels": {"fleetform": "yes"}}]},
        {"google": "hashicorp/google"},
    )
    add_data(config, "Gpu/Image", "google_compute_image", "Gpu_Image_11AA22BB",
             {"family": "common-cu128-ubuntu-2204-nvidia-570", "project": "deeplearning-platform-release"})
    add_data(config, "Zones", "google_compute_zones", "Zones_33CC44DD", {"region": "us-central1"})
    add_data(config, "Project", "google_project", "Project_55EE66FF", {})
    add_resource(config, "Gpu/ServiceAccount", "google_service_account", "Gpu_ServiceAccount_77AA88BB", {
        "account_id": "fleetform-gpu",
        "display_name": "fleetform GPU workers",
    })
    add_resource(config, "Gpu/LogWriter", "google_project_iam_member", "Gpu_LogWriter_99CCAADD", {
        "project": "${data.google_project.Project_55EE66FF.project_id}",
        "role": "roles/logging.logWriter",
        "member": "serviceAccount:${google_service_account.Gpu_ServiceAccount_77AA88BB.email}",
    })
    add_resource(config, "Gpu/Firewall", "google_compute_firewall", "Gpu_Firewall_BBCCDDEE", {
        "name": "fleetform-gpu-health",
        "network": "default",
        "allow": [{"protocol": "tcp", "ports": ["8080"]}],
        "source_ranges": ["35.191.0.0/16", "130.211.0.0/22"],
    })
    add_resource(config, "Gpu/Template", "google_compute_instance_template", "Gpu_Template_CCDDEEFF", {
        "name_prefix": "fleetform-gpu-",
        "machine_type": "g2-standard-8",
        "disk": [{"source_image": "${data.google_compute_image.Gpu_Image_11AA22BB.self_link}",
                  "boot": True, "disk_size_gb": 200}],
        "network_interface": [{"network": "default"}],
        "guest_accelerator": [{"type": "nvidia-l4", "count": 1}],
        "scheduling": [{"on_host_maintenance": "TERMINATE", "automatic_restart": True}],
        "service_account": [{"email": "${google_service_account.Gpu_ServiceAccount_77AA88BB.email}",
                             "scopes": ["cloud-platform"]}],
        "lifecycle": {"create_before_destroy": True},
    })
    add_resource(config, "Gpu/Group", "google_compute_region_instance_group_manager", "Gpu_Group_DDEEFF00", {
        "name": "fleetform-gpu",
        "base_instance_name": "fleetform-gpu",
        "region": "us-central1",
        "distribution_policy_zones": "${slice(data.google_compute_zones.Zones_33CC44DD.names, 0, 2)}",
        "version": [{"instance_template": "${google_compute_instance_template.Gpu_Template_CCDDEEFF.self_link}"}],
        "named_port": [{"name": "http", "port": 8080}],
        "target_size": 0,
    })
    add_output(config, "GroupUrl", "GroupUrl",
               "${google_compute_region_instance_group_manager.Gpu_Group_DDEEFF00.instance_group}")
    return config


def write_out_dir(root: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    """Lay stacks out as ``cdktf synth`` does: ``<root>/stacks/<name>/cdk.tf.json``; returns ``root``."""
    for name, config in stacks.items():
        folder = root / "stacks" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cdk.tf.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return root
