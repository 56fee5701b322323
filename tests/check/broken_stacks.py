"""One broken stack per mistake Terraform must catch offline, each a one-line change to a valid stack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.check.stacks import add_resource, aws_stack, google_stack

LAUNCH_TEMPLATE = ("aws_launch_template", "Gpu_LaunchTemplate_3B2A1C0D")
ASG = ("aws_autoscaling_group", "Gpu_Asg_A1B2C3D4")


def _resource(config: dict[str, Any], key: tuple[str, str]) -> dict[str, Any]:
    return config["resource"][key[0]][key[1]]


@dataclass(frozen=True)
class Broken:
    """A broken stack and exactly what ``fleetform check`` must say about it."""

    id: str
    build: Callable[[], dict[str, Any]]
    summary: str
    detail: str
    address: str | None
    construct_path: str | None


def unknown_attribute() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, LAUNCH_TEMPLATE)["instance_typo"] = "g5.xlarge"
    return config


def unknown_nested_attribute() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, LAUNCH_TEMPLATE)["block_device_mappings"][0]["ebs"][0]["volume_sise"] = 100
    return config


def string_for_number() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, ASG)["max_size"] = "four"
    return config


def list_for_string() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, LAUNCH_TEMPLATE)["instance_type"] = ["g5.xlarge", "g5.2xlarge"]
    return config


def missing_required_argument() -> dict[str, Any]:
    config = aws_stack()
    del _resource(config, ASG)["max_size"]
    return config


def missing_required_block() -> dict[str, Any]:
    config = google_stack()
    del config["resource"]["google_compute_instance_template"]["Gpu_Template_CCDDEEFF"]["disk"]
    return config


def too_many_blocks() -> dict[str, Any]:
    config = aws_stack()
    template = _resource(config, ASG)["launch_template"]
    template.append(dict(template[0]))
    return config


def read_only_attribute_set() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, LAUNCH_TEMPLATE)["latest_version"] = 3
    return config


def read_only_nested_attribute_set() -> dict[str, Any]:
    config = google_stack()
    template = config["resource"]["google_compute_instance_template"]["Gpu_Template_CCDDEEFF"]
    template["network_interface"][0]["name"] = "nic0"
    return config


def reference_to_missing_resource() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, ASG)["launch_template"][0]["id"] = "${aws_launch_template.Gpu_Template_00000000.id}"
    return config


def reference_to_missing_attribute() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, ASG)["launch_template"][0]["id"] = "${aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D.idd}"
    return config


def malformed_interpolation_in_output() -> dict[str, Any]:
    config = aws_stack()
    config["output"]["AsgArn"]["value"] = "${aws_autoscaling_group.Gpu_Asg_A1B2C3D4.arn"
    return config


def malformed_interpolation_in_local() -> dict[str, Any]:
    config = aws_stack()
    config["locals"] = {"pool_name": "gpu-${var.env"}
    return config


def malformed_interpolation_in_resource() -> dict[str, Any]:
    config = aws_stack()
    _resource(config, LAUNCH_TEMPLATE)["image_id"] = "${data.aws_ssm_parameter.Gpu_Ami_5E1C2B3A.value"
    return config


def unknown_resource_type() -> dict[str, Any]:
    config = aws_stack()
    add_resource(config, "Gpu/Worker", "aws_instance", "Gpu_Worker_12345678",
                 {"ami": "ami-0123456789abcdef0", "instance_type": "g5.xlarge"})
    return config


def unknown_provider_attribute() -> dict[str, Any]:
    config = aws_stack()
    config["provider"]["aws"][0]["regoin"] = "us-east-2"
    return config


def provider_not_served_offline() -> dict[str, Any]:
    config = aws_stack()
    config["terraform"]["required_providers"]["random"] = {"source": "hashicorp/random", "version": "3.6.3"}
    add_resource(config, "Gpu/Suffix", "random_id", "Gpu_Suffix_0A0B0C0D", {"byte_length": 4})
    return config


def wrong_block_in_data_source() -> dict[str, Any]:
    config = aws_stack()
    config["data"]["aws_iam_policy_document"]["Gpu_AssumeRole_0D4E9F11"]["statement"][0]["principal"] = [
        {"type": "Service", "identifiers": ["ec2.amazonaws.com"]}
    ]
    return config


AWS_TEMPLATE = "aws_launch_template.Gpu_LaunchTemplate_3B2A1C0D"
AWS_TEMPLATE_PATH = "aws-us-east-1/Gpu/LaunchTemplate"
AWS_ASG = "aws_autoscaling_group.Gpu_Asg_A1B2C3D4"
AWS_ASG_PATH = "aws-us-east-1/Gpu/Asg"
UNCLOSED = (
    "There is no closing brace for this interpolation sequence before the end of the file. "
    "This might be caused by incorrect nesting inside the given expression."
)

CASES = [
    Broken("unknown-attribute", unknown_attribute, "Extraneous JSON object property",
           'No argument or block type is named "instance_typo".', AWS_TEMPLATE, AWS_TEMPLATE_PATH),
    Broken("unknown-nested-attribute", unknown_nested_attribute, "Extraneous JSON object property",
           'No argument or block type is named "volume_sise".', AWS_TEMPLATE, AWS_TEMPLATE_PATH),
    Broken("string-for-number", string_for_number, "Incorrect attribute value type",
           'Inappropriate value for attribute "max_size": a number is required.', AWS_ASG, AWS_ASG_PATH),
    Broken("list-for-string", list_for_string, "Incorrect attribute value type",
           'Inappropriate value for attribute "instance_type": string required, but have tuple.',
           AWS_TEMPLATE, AWS_TEMPLATE_PATH),
    Broken("missing-required-argument", missing_required_argument, "Missing required argument",
           'The argument "max_size" is required, but no definition was found.', AWS_ASG, AWS_ASG_PATH),
    Broken("missing-required-block", missing_required_block, "Insufficient disk blocks",
           'At least 1 "disk" blocks are required.',
           "google_compute_instance_template.Gpu_Template_CCDDEEFF", "gcp-us-central1/Gpu/Template"),
    Broken("too-many-blocks", too_many_blocks, "Too many launch_template blocks",
           'No more than 1 "launch_template" blocks are allowed', AWS_ASG, AWS_ASG_PATH),
    Broken("read-only-attribute", read_only_attribute_set, "Invalid Configuration for Read-Only Attribute",
           '"latest_version" is computed by the provider and cannot be set in configuration. '
           "Remove the argument, or reference the attribute instead.", AWS_TEMPLATE, AWS_TEMPLATE_PATH),
    Broken("read-only-nested-attribute", read_only_nested_attribute_set,
           "Invalid Configuration for Read-Only Attribute",
           '"name" is computed by the provider and cannot be set in configuration. '
           "Remove the argument, or reference the attribute instead.",
           "google_compute_instance_template.Gpu_Template_CCDDEEFF", "gcp-us-central1/Gpu/Template"),
    Broken("reference-to-missing-resource", reference_to_missing_resource, "Reference to undeclared resource",
           'A managed resource "aws_launch_template" "Gpu_Template_00000000" has not been declared '
           "in the root module.", AWS_ASG, AWS_ASG_PATH),
    Broken("reference-to-missing-attribute", reference_to_missing_attribute, "Unsupported attribute",
           'This object has no argument, nested block, or exported attribute named "idd". Did you mean "id"?',
           AWS_ASG, AWS_ASG_PATH),
    Broken("malformed-interpolation-in-output", malformed_interpolation_in_output,
           "Unclosed template interpolation sequence", UNCLOSED, "output.AsgArn", "aws-us-east-1/AsgArn"),
    Broken("malformed-interpolation-in-local", malformed_interpolation_in_local,
           "Unclosed template interpolation sequence", UNCLOSED, "local.pool_name", None),
    Broken("malformed-interpolation-in-resource", malformed_interpolation_in_resource,
           "Unclosed template interpolation sequence", UNCLOSED, AWS_TEMPLATE, AWS_TEMPLATE_PATH),
    Broken("unknown-resource-type", unknown_resource_type, "Invalid resource type",
           'The provider hashicorp/aws does not support resource type "aws_instance".',
           "aws_instance.Gpu_Worker_12345678", "aws-us-east-1/Gpu/Worker"),
    Broken("unknown-provider-attribute", unknown_provider_attribute, "Extraneous JSON object property",
           'No argument or block type is named "regoin".', "provider.aws", None),
    Broken("wrong-block-in-data-source", wrong_block_in_data_source, "Extraneous JSON object property",
           'No argument or block type is named "principal". Did you mean "principals"?',
           "data.aws_iam_policy_document.Gpu_AssumeRole_0D4E9F11", "aws-us-east-1/Gpu/AssumeRole"),
]
