"""The offline provider's RPC answers, called directly (the Terraform tests exercise them over gRPC)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.types import Unknown
from tf.utils import read_dynamic_value, to_dynamic_value

from fleetform.check.protocol_schema import attribute_message, schema_message
from fleetform.check.provider import OfflineProviderServicer
from fleetform.provider_schemas import load_provider_schema


@pytest.fixture(scope="module")
def aws() -> OfflineProviderServicer:
    return OfflineProviderServicer("aws")


@pytest.fixture(scope="module")
def google() -> OfflineProviderServicer:
    return OfflineProviderServicer("google")


def _null_object(block: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A configuration object as Terraform sends it: every attribute and block present, unset ones null."""
    obj: dict[str, Any] = {name: None for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        obj[name] = [] if nested["nesting_mode"] in ("list", "set") else None
    return obj | values


def _resource_block(name: str) -> dict[str, Any]:
    return load_provider_schema(name.split("_")[0])["resource_schemas"][name]["block"]


def _data_block(name: str) -> dict[str, Any]:
    return load_provider_schema(name.split("_")[0])["data_source_schemas"][name]["block"]


def _steps(diagnostic: pb.Diagnostic) -> list[object]:
    return [step.attribute_name or step.element_key_string or step.element_key_int
            for step in diagnostic.attribute.steps]


def test_schema_serves_every_pinned_type(aws: OfflineProviderServicer) -> None:
    response = aws.GetProviderSchema(pb.GetProviderSchema.Request(), None)
    pinned = load_provider_schema("aws")
    assert set(response.resource_schemas) == set(pinned["resource_schemas"])
    assert set(response.data_source_schemas) == set(pinned["data_source_schemas"])
    region = next(attr for attr in response.provider.block.attributes if attr.name == "region")
    assert (json.loads(region.type), region.optional) == ("string", True)
    template = response.resource_schemas["aws_launch_template"].block
    mappings = next(block for block in template.block_types if block.type_name == "block_device_mappings")
    assert mappings.nesting == pb.Schema.NestedBlock.LIST
    metadata = aws.GetMetadata(pb.GetMetadata.Request(), None)
    assert metadata.server_capabilities.get_provider_schema_optional
    assert len(metadata.resources) == len(pinned["resource_schemas"])


def test_write_only_attribute_is_served_optional_and_sensitive() -> None:
    served = attribute_message("value_wo", {"type": "string", "optional": True, "write_only": True})
    assert (served.optional, served.sensitive, served.computed, served.required) == (True, True, False, False)


def test_nested_attributes_are_served_with_their_nesting() -> None:
    schema = schema_message({"block": {"attributes": {"rules": {
        "nested_type": {"nesting_mode": "set", "attributes": {"port": {"type": "number", "required": True}}},
        "optional": True,
    }}}})
    (rules,) = schema.block.attributes
    assert rules.nested_type.nesting == pb.Schema.Object.SET
    assert [(attr.name, json.loads(attr.type)) for attr in rules.nested_type.attributes] == [("port", "number")]


def test_read_only_attribute_in_a_nested_block_is_an_error_at_its_path(google: OfflineProviderServicer) -> None:
    block = _resource_block("google_compute_instance_template")
    interface = _null_object(block["block_types"]["network_interface"]["block"], name="nic0", network="default")
    config = _null_object(block, machine_type="g2-standard-8", network_interface=[interface])
    response = google.ValidateResourceConfig(
        pb.ValidateResourceConfig.Request(type_name="google_compute_instance_template",
                                          config=to_dynamic_value(config)),
        None,
    )
    (diagnostic,) = response.diagnostics
    assert diagnostic.severity == pb.Diagnostic.ERROR
    assert diagnostic.summary == "Invalid Configuration for Read-Only Attribute"
    assert _steps(diagnostic) == ["network_interface", 0, "name"]


def test_unknown_value_for_a_read_only_attribute_is_still_an_error(aws: OfflineProviderServicer) -> None:
    config = _null_object(_resource_block("aws_launch_template"), arn=Unknown)
    response = aws.ValidateResourceConfig(
        pb.ValidateResourceConfig.Request(type_name="aws_launch_template", config=to_dynamic_value(config)), None
    )
    assert [_steps(diagnostic) for diagnostic in response.diagnostics] == [["arn"]]


def test_create_plan_marks_unset_computed_attributes_unknown_in_nested_blocks(aws: OfflineProviderServicer) -> None:
    block = _resource_block("aws_launch_template")
    ebs = _null_object(block["block_types"]["block_device_mappings"]["block"]["block_types"]["ebs"]["block"],
                       volume_size=100)
    mapping = _null_object(block["block_types"]["block_device_mappings"]["block"], device_name="/dev/xvda", ebs=[ebs])
    proposed = _null_object(block, name="gpu", block_device_mappings=[mapping])
    response = aws.PlanResourceChange(
        pb.PlanResourceChange.Request(type_name="aws_launch_template", proposed_new_state=to_dynamic_value(proposed)),
        None,
    )
    planned = read_dynamic_value(response.planned_state)
    assert planned["name"] == "gpu" and planned["arn"] is Unknown and planned["description"] is None
    planned_ebs = planned["block_device_mappings"][0]["ebs"][0]
    assert planned_ebs["volume_size"] == 100 and planned_ebs["iops"] is Unknown and planned_ebs["kms_key_id"] is None


def test_destroy_plan_is_null(aws: OfflineProviderServicer) -> None:
    prior = _null_object(_resource_block("aws_eip"), id="eipalloc-1")
    response = aws.PlanResourceChange(
        pb.PlanResourceChange.Request(type_name="aws_eip", prior_state=to_dynamic_value(prior)), None
    )
    assert read_dynamic_value(response.planned_state) is None


def _read(servicer: OfflineProviderServicer, type_name: str, **values: Any) -> tuple[dict[str, Any], list]:
    config = _null_object(_data_block(type_name), **values)
    response = servicer.ReadDataSource(
        pb.ReadDataSource.Request(type_name=type_name, config=to_dynamic_value(config)), None
    )
    return read_dynamic_value(response.state), list(response.diagnostics)


def test_data_sources_answer_in_the_configured_region(aws: OfflineProviderServicer) -> None:
    configured = OfflineProviderServicer("aws")
    configured.ConfigureProvider(
        pb.ConfigureProvider.Request(config=to_dynamic_value(_null_object(_provider_block("aws"), region="eu-west-1"))),
        None,
    )
    zones, _ = _read(configured, "aws_availability_zones")
    assert (zones["names"], zones["zone_ids"]) == (["eu-west-1a", "eu-west-1b", "eu-west-1c"],
                                                   ["euw1-az1", "euw1-az2", "euw1-az3"])
    region, _ = _read(configured, "aws_region")
    assert (region["region"], region["endpoint"]) == ("eu-west-1", "ec2.eu-west-1.amazonaws.com")
    default_zones, _ = _read(aws, "aws_availability_zones", exclude_names=["us-east-1b"])
    assert default_zones["names"] == ["us-east-1a", "us-east-1c"]


def _provider_block(name: str) -> dict[str, Any]:
    return load_provider_schema(name)["provider"]["block"]


def test_ssm_parameter_reads_as_a_stable_ami_id(aws: OfflineProviderServicer) -> None:
    first, _ = _read(aws, "aws_ssm_parameter", name="/aws/service/ami/gpu")
    second, _ = _read(aws, "aws_ssm_parameter", name="/aws/service/ami/gpu")
    other, _ = _read(aws, "aws_ssm_parameter", name="/aws/service/ami/cpu")
    assert first == second and first["value"] != other["value"]
    assert first["value"].startswith("ami-") and len(first["value"]) == 21
    assert (first["type"], first["version"], first["insecure_value"]) == ("String", 1, first["value"])
    assert first["arn"] == "arn:aws:ssm:us-east-1:123456789012:parameter/aws/service/ami/gpu"


def test_dns_zones_found_by_name_read_like_the_clouds(aws: OfflineProviderServicer,
                                                       google: OfflineProviderServicer) -> None:
    """Issue 14.11: the zones the load balancers' records go in, found by name, answer with ids shaped like the
    clouds' (a Route 53 zone id, a managed zone's provider id), stable per name."""
    zone, _ = _read(aws, "aws_route53_zone", name="aws.acme.example", private_zone=False)
    again, _ = _read(aws, "aws_route53_zone", name="aws.acme.example", private_zone=False)
    other, _ = _read(aws, "aws_route53_zone", name="aws.acme.example", private_zone=True)
    assert zone == again and zone["zone_id"] != other["zone_id"]
    assert zone["zone_id"].startswith("Z") and zone["zone_id"][1:].isalnum() and zone["zone_id"].isupper()
    assert (zone["id"], zone["arn"], zone["name"]) == (
        zone["zone_id"], f"arn:aws:route53:::hostedzone/{zone['zone_id']}", "aws.acme.example")
    assert len(zone["name_servers"]) == 4 and zone["primary_name_server"] == zone["name_servers"][0]
    managed, _ = _read(google, "google_dns_managed_zone", name="acme-gcp")
    assert (managed["id"], managed["visibility"], managed["dns_name"]) == (
        "projects/fleetform-offline/managedZones/acme-gcp", "public", "acme-gcp.zone.invalid.")
    assert all(server.endswith(".googledomains.com.") for server in managed["name_servers"])


def _statement(**values: Any) -> dict[str, Any]:
    return _null_object(_data_block("aws_iam_policy_document")["block_types"]["statement"]["block"], **values)


def test_policy_document_renders_like_the_provider(aws: OfflineProviderServicer) -> None:
    state, _ = _read(aws, "aws_iam_policy_document", policy_id="fleetform", statement=[
        _statement(sid="Read", actions=["s3:GetObject", "s3:ListBucket", "s3:GetObject"],
                   resources=["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                   principals=[{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]},
                               {"type": "Service", "identifiers": ["ec2.amazonaws.com", "ecs.amazonaws.com"]}],
                   condition=[{"test": "StringLike", "variable": "aws:PrincipalTag/team", "values": ["gpu", "ml"]}]),
        _statement(effect="Deny", not_actions=["iam:*"], resources=["*"],
                   principals=[{"type": "*", "identifiers": ["*"]}]),
    ])
    assert json.loads(state["json"]) == {
        "Version": "2012-10-17",
        "Id": "fleetform",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
             "Principal": {"AWS": "arn:aws:iam::1:root", "Service": ["ec2.amazonaws.com", "ecs.amazonaws.com"]},
             "Condition": {"StringLike": {"aws:PrincipalTag/team": ["gpu", "ml"]}}},
            {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Principal": "*"},
        ],
    }
    assert state["json"].startswith('{\n  "Version": "2012-10-17",\n  "Id": "fleetform",')
    assert json.loads(state["minified_json"]) == json.loads(state["json"]) and "\n" not in state["minified_json"]


def test_policy_document_merges_source_and_override_documents_by_sid(aws: OfflineProviderServicer) -> None:
    source = json.dumps({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                                       {"Sid": "B", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]})
    override = json.dumps({"Statement": {"Sid": "B", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}})
    state, _ = _read(aws, "aws_iam_policy_document", source_policy_documents=[source],
                     override_policy_documents=[override],
                     statement=[_statement(sid="A", actions=["s3:GetObject"], resources=["*"]),
                                _statement(actions=["logs:*"], resources=["*"])])
    assert json.loads(state["json"])["Statement"] == [
        {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "B", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "logs:*", "Resource": "*"},
    ]


def test_policy_document_with_a_broken_source_document_is_an_error(aws: OfflineProviderServicer) -> None:
    state, diagnostics = _read(aws, "aws_iam_policy_document", source_policy_documents=["{not json"])
    assert state is None
    assert [(d.summary, d.detail.split(" (")[0]) for d in diagnostics] == [
        ("Invalid policy document", "not a JSON IAM policy document: '{not json'")
    ]


def test_google_data_sources_use_the_provider_project(google: OfflineProviderServicer) -> None:
    configured = OfflineProviderServicer("google")
    configured.ConfigureProvider(pb.ConfigureProvider.Request(config=to_dynamic_value(
        _null_object(_provider_block("google"), project="acme-gpu", region="europe-west4"))), None)
    project, _ = _read(configured, "google_project")
    assert (project["project_id"], project["number"], project["id"]) == (
        "acme-gpu", "123456789012", "projects/acme-gpu"
    )
    zones, _ = _read(configured, "google_compute_zones")
    assert zones["names"] == ["europe-west4-a", "europe-west4-b", "europe-west4-c"]
    client, _ = _read(configured, "google_client_config")
    assert (client["project"], client["region"], client["zone"]) == ("acme-gpu", "europe-west4", "us-central1-a")
    account, _ = _read(configured, "google_compute_default_service_account")
    assert account["email"] == "123456789012-compute@developer.gserviceaccount.com"
    image, _ = _read(google, "google_compute_image", name="debian-12-bookworm-v20250101", project="debian-cloud")
    assert image["self_link"] == (
        "https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20250101"
    )


def test_google_iam_policy_is_built_from_its_bindings(google: OfflineProviderServicer) -> None:
    binding_block = _data_block("google_iam_policy")["block_types"]["binding"]["block"]
    state, _ = _read(google, "google_iam_policy", binding=[
        _null_object(binding_block, role="roles/storage.objectViewer", members=["user:b@x.com", "user:a@x.com"]),
        _null_object(binding_block, role="roles/logging.logWriter",
                     members=["serviceAccount:w@p.iam.gserviceaccount.com"]),
    ])
    assert json.loads(state["policy_data"]) == {"bindings": [
        {"members": ["serviceAccount:w@p.iam.gserviceaccount.com"], "role": "roles/logging.logWriter"},
        {"members": ["user:a@x.com", "user:b@x.com"], "role": "roles/storage.objectViewer"},
    ]}


def test_other_data_sources_get_typed_fakes_and_keep_their_configuration(aws: OfflineProviderServicer) -> None:
    state, _ = _read(aws, "aws_subnets")
    assert len(state["ids"]) == 2 and all(isinstance(subnet, str) for subnet in state["ids"])
    vpc, _ = _read(aws, "aws_vpc", cidr_block="10.0.0.0/16")
    assert vpc["cidr_block"] == "10.0.0.0/16"
    assert vpc["arn"].startswith("arn:aws:fake:us-east-1:123456789012:")
    assert vpc["owner_id"] == "123456789012"
    assert _read(aws, "aws_vpc", cidr_block="10.0.0.0/16")[0] == vpc


def _apply(provider: OfflineProviderServicer, type_name: str, planned: Any, config: Any) -> Any:
    request = pb.ApplyResourceChange.Request(
        type_name=type_name, planned_state=to_dynamic_value(planned), config=to_dynamic_value(config)
    )
    response = provider.ApplyResourceChange(request, None)
    assert not response.diagnostics
    return read_dynamic_value(response.new_state)


def test_apply_fills_unknowns_from_the_configuration_else_with_fakes(aws: OfflineProviderServicer) -> None:
    block = _resource_block("aws_security_group")
    rule = _null_object(block["attributes"]["ingress"]["type"][1][1], from_port=443, to_port=443, protocol="tcp",
                        cidr_blocks=["10.0.0.0/8"])
    config = _null_object(block, name="web", vpc_id="vpc-1", ingress=[rule])
    planned = config | {"vpc_id": Unknown, "arn": Unknown, "id": Unknown, "owner_id": Unknown}
    applied = _apply(aws, "aws_security_group", planned, config)
    assert applied["vpc_id"] == "vpc-1"  # unknown at plan time, known in the configuration now
    assert applied["arn"].startswith("arn:aws:fake:us-east-1:123456789012:")
    assert applied["owner_id"] == "123456789012"
    assert applied["ingress"] == [rule] and applied["name"] == "web"
    assert _apply(aws, "aws_security_group", planned, config) == applied  # deterministic


def test_apply_pairs_set_block_elements_with_their_configuration(google: OfflineProviderServicer) -> None:
    block = _resource_block("google_compute_instance_template")
    disk_block = block["block_types"]["disk"]["block"]
    interface_block = block["block_types"]["network_interface"]["block"]
    disk = _null_object(disk_block, boot=True, source_image="projects/p/global/images/i")
    interface = _null_object(interface_block, network="default")
    config = _null_object(block, machine_type="g2-standard-8", disk=[disk], network_interface=[interface])
    planned_disk = disk | {"source_image": Unknown, "device_name": Unknown}
    planned = config | {"disk": [planned_disk], "self_link": Unknown, "id": Unknown}
    applied = _apply(google, "google_compute_instance_template", planned, config)
    assert applied["disk"][0]["source_image"] == "projects/p/global/images/i"
    assert isinstance(applied["disk"][0]["device_name"], str)
    assert applied["self_link"].startswith("https://www.googleapis.com/compute/v1/projects/")


def test_a_destroy_applies_to_nothing(aws: OfflineProviderServicer) -> None:
    request = pb.ApplyResourceChange.Request(type_name="aws_eip", prior_state=to_dynamic_value({"id": "eip-1"}))
    response = aws.ApplyResourceChange(request, None)
    assert read_dynamic_value(response.new_state) is None and not response.diagnostics


def test_state_reads_back_as_stored(aws: OfflineProviderServicer) -> None:
    stored = {"id": "eip-1", "domain": "vpc", "not_in_schema": 1}
    upgraded = aws.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="aws_eip", raw_state=pb.RawState(json=json.dumps(stored).encode())),
        None,
    )
    assert read_dynamic_value(upgraded.upgraded_state) == {"id": "eip-1", "domain": "vpc"}
    current = to_dynamic_value({"id": "eip-1", "domain": "vpc"})
    refreshed = aws.ReadResource(pb.ReadResource.Request(type_name="aws_eip", current_state=current), None)
    assert read_dynamic_value(refreshed.new_state) == {"id": "eip-1", "domain": "vpc"}


def test_import_knows_the_id_and_move_keeps_shared_attributes(aws: OfflineProviderServicer) -> None:
    imported = aws.ImportResourceState(pb.ImportResourceState.Request(type_name="aws_eip", id="eip-9"), None)
    (resource,) = imported.imported_resources
    assert (resource.type_name, read_dynamic_value(resource.state)) == ("aws_eip", {"id": "eip-9"})
    moved = aws.MoveResourceState(pb.MoveResourceState.Request(
        source_type_name="aws_instance", target_type_name="aws_eip",
        source_state=pb.RawState(json=json.dumps({"id": "i-1", "instance_type": "g5.xlarge"}).encode()),
    ), None)
    assert read_dynamic_value(moved.target_state) == {"id": "i-1"} and not moved.diagnostics
    refused = aws.MoveResourceState(pb.MoveResourceState.Request(
        source_type_name="aws_instance", target_type_name="aws_no_such_type", source_state=pb.RawState(json=b"{}"),
    ), None)
    assert [d.summary for d in refused.diagnostics] == ["Unsupported resource move"]
