"""Python names for Terraform types, the same as cdktf's prebuilt providers use.

``aws_autoscaling_group`` is ``AutoscalingGroup`` (in ``fleetform.tf.aws``), data source
``aws_ssm_parameter`` is ``SsmParameter`` (in ``fleetform.tf.aws.data``), the provider block is
``AwsProvider``, and the dict type of a nested block appends the block names:
``AutoscalingGroupMixedInstancesPolicyLaunchTemplate``. All live in one module per provider and
kind, so a dict type name that equals a class name gets the suffix ``Block``.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from fleetform.tf.schema import Block


def pascal_case(snake: str) -> str:
    """``mixed_instances_policy`` -> ``MixedInstancesPolicy``."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def element_class_name(provider_name: str, type_name: str) -> str:
    """``aws_autoscaling_group`` -> ``AutoscalingGroup``."""
    return pascal_case(type_name.removeprefix(f"{provider_name}_"))


def provider_class_name(provider_name: str) -> str:
    """``aws`` -> ``AwsProvider``."""
    return f"{pascal_case(provider_name)}Provider"


def block_dict_names(owner_class_name: str, block: Block, taken: AbstractSet[str]) -> dict[tuple[str, ...], str]:
    """The dict type name of every nested block below ``block``, keyed by its path of block names.

    A name that is already ``taken`` (by an element class: ``aws_s3_bucket``'s ``versioning`` block
    and the ``aws_s3_bucket_versioning`` resource) gets the suffix ``Block``.
    """
    names: dict[tuple[str, ...], str] = {}

    def visit(prefix: str, path: tuple[str, ...], parent: Block) -> None:
        for name, nested in parent.blocks.items():
            candidate = prefix + pascal_case(name)
            type_name = candidate + "Block" if candidate in taken else candidate
            names[(*path, name)] = type_name
            visit(type_name, (*path, name), nested.block)

    visit(owner_class_name, (), block)
    return names
