"""Positions in a stack file: blanking the backend without moving anything, finding the enclosing block."""

from __future__ import annotations

import json

import pytest

from fleetform.check.source_map import enclosing_block, named_blocks, without_remote_settings
from tests.check.stacks import AWS_STACK, aws_stack


@pytest.mark.parametrize(
    ("terraform", "kept"),
    [
        ('{"backend": {"s3": {"bucket": "b"}}, "required_providers": {"aws": {}}}',
         {"required_providers": {"aws": {}}}),
        ('{"required_providers": {}, "backend": {"local": {}}}', {"required_providers": {}}),
        ('{"a": 1, "backend": {"local": {}}, "b": 2}', {"a": 1, "b": 2}),
        ('{"backend": {"local": {}}}', {}),
        ('{"cloud": {"organization": "acme"}, "required_version": ">= 1.9"}', {"required_version": ">= 1.9"}),
        ('{"backend": {"local": {}}, "cloud": {"x": 1}, "required_version": "1"}', {"required_version": "1"}),
        ('{\n  "backend": {\n    "s3": {}\n  },\n  "required_version": "1"\n}', {"required_version": "1"}),
    ],
)
def test_remote_settings_are_blanked_in_place(terraform: str, kept: dict) -> None:
    text = '{"resource": {"aws_vpc": {"v": {"cidr_block": "10.0.0.0/16"}}}, "terraform": ' + terraform + ', "z": "é"}'
    blanked = without_remote_settings(text)
    assert json.loads(blanked)["terraform"] == kept
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    untouched = [index for index, (a, b) in enumerate(zip(text, blanked, strict=True)) if a != b]
    assert all(blanked[index] == " " for index in untouched)
    assert blanked.index('"z"') == text.index('"z"')


def test_text_without_remote_settings_is_unchanged() -> None:
    text = json.dumps({"terraform": {"required_providers": {}}, "resource": {}}, indent=2)
    assert without_remote_settings(text) == text


def test_blocks_carry_addresses_and_construct_paths() -> None:
    config = aws_stack()
    config["locals"] = {"pool": "gpu"}
    text = json.dumps(config, indent=2)
    blocks = {block.address: block for block in named_blocks(text, config, "folder-name")}
    assert blocks["aws_autoscaling_group.Gpu_Asg_A1B2C3D4"].construct_path == f"{AWS_STACK}/Gpu/Asg"
    assert blocks["data.aws_ssm_parameter.Gpu_Ami_5E1C2B3A"].construct_path == f"{AWS_STACK}/Gpu/Ami"
    assert blocks["output.AsgArn"].construct_path == f"{AWS_STACK}/AsgArn"
    assert (blocks["local.pool"].construct_path, blocks["provider.aws"].construct_path) == (None, None)
    all_blocks = named_blocks(text, config, "folder-name")
    asg = [block for block in all_blocks if block.address == "aws_autoscaling_group.Gpu_Asg_A1B2C3D4"]
    # the type's key is the block's too, since the type holds only it ("Invalid resource type" points there)
    assert [text.splitlines()[block.line - 1].strip() for block in asg] == [
        '"aws_autoscaling_group": {', '"Gpu_Asg_A1B2C3D4": {'
    ]
    assert enclosing_block(all_blocks, text.index('"max_size"')) == asg[1]
    assert enclosing_block(all_blocks, text.index('"aws_autoscaling_group"')) == asg[0]
    assert enclosing_block(all_blocks, text.index('"required_providers"')) is None


def test_nested_output_construct_paths_and_non_ascii_offsets() -> None:
    config = {
        "//": {"metadata": {"stackName": "gcp"}, "outputs": {"gcp": {"Net": {"Router": "Net_Router_1A"}}}},
        "locals": {"greeting": "grüße"},
        "output": {"Net_Router_1A": {"value": "x"}},
    }
    text = json.dumps(config, indent=1, ensure_ascii=False)
    (local, output) = named_blocks(text, config, "gcp")
    assert output.construct_path == "gcp/Net/Router"
    encoded = text.encode("utf-8")
    assert encoded[output.start:].startswith(b'"Net_Router_1A"')
    assert enclosing_block([local, output], encoded.index(b'"value"')) == output
