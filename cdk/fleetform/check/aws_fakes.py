"""The offline AWS provider's fake account: region, account id, ARNs and the data sources stacks read.

``aws_iam_policy_document`` is rendered the way the real provider renders it (statements merged
with source and override documents by ``Sid``, single values unwrapped, sets sorted), because
its ``json`` usually flows into an ``aws_iam_role`` or bucket policy that the plan then shows.
"""

from __future__ import annotations

import json
from typing import Any

from fleetform.check.data_sources import CloudFakes, ReadError, Settings, known
from fleetform.check.fake_values import NamedString, digest
from fleetform.check.registry_images import image_digest, require_image

ACCOUNT_ID = "123456789012"
ZONE_LETTERS = ("a", "b", "c")
POLICY_VERSION = "2012-10-17"


class PolicyDocumentError(ReadError):
    """A source or override policy document that is not a JSON IAM policy."""

    summary = "Invalid policy document"


def named_string(settings: Settings) -> NamedString:
    """ARNs and ids shaped like AWS's, in the fake account and the configured region."""

    def named(name: str, hexdigest: str) -> str | None:
        if name == "arn" or name.endswith("_arn"):
            return f"arn:aws:fake:{settings['region']}:{settings['account_id']}:{hexdigest}"
        if name in ("account_id", "owner_id"):
            return settings["account_id"]
        if name in ("region", "aws_region"):
            return settings["region"]
        return None

    return named


def availability_zones(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    region = known(config, "region", settings["region"])
    excluded = set(known(config, "exclude_names", []))
    zones = [f"{region}{letter}" for letter in ZONE_LETTERS if f"{region}{letter}" not in excluded]
    zone_prefix = _zone_id_prefix(region)
    return {
        "id": region,
        "region": region,
        "names": zones,
        "zone_ids": [f"{zone_prefix}-az{ZONE_LETTERS.index(zone[-1]) + 1}" for zone in zones],
        "group_names": [region],
    }


def _zone_id_prefix(region_name: str) -> str:
    """``us-east-1`` -> ``use1``, ``ap-southeast-2`` -> ``apse2``: how AWS zone ids start."""
    geography, direction, number = [*region_name.split("-"), "", ""][:3]
    compass = direction[:1] + ("e" if direction[1:].endswith("east") else "w" if direction[1:].endswith("west") else "")
    return f"{geography}{compass}{number}"


def caller_identity(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    account = settings["account_id"]
    return {
        "id": account,
        "account_id": account,
        "arn": f"arn:aws:iam::{account}:user/fleetform-offline-check",
        "user_id": "AIDAFLEETFORMOFFLINE",
    }


def partition(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {"id": "aws", "partition": "aws", "dns_suffix": "amazonaws.com", "reverse_dns_prefix": "com.amazonaws"}


def region(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    name = known(config, "region", known(config, "name", settings["region"]))
    return {
        "id": name,
        "name": name,
        "region": name,
        "endpoint": f"ec2.{name}.amazonaws.com",
        "description": f"AWS region {name}",
    }


def ssm_parameter(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Stacks read AMI ids from public SSM parameters; every parameter reads as an AMI id."""
    name = known(config, "name", "")
    value = f"ami-{digest(name, length=17)}"
    return {
        "id": name,
        "arn": f"arn:aws:ssm:{settings['region']}:{settings['account_id']}:parameter/{name.lstrip('/')}",
        "value": value,
        "insecure_value": value,
        "type": "String",
        "version": 1,
    }


def ami(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    image_id = f"ami-{digest(config, length=17)}"
    return {"id": image_id, "image_id": image_id, "architecture": "x86_64", "state": "available"}


def policy_document(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    document: dict[str, Any] = {"Version": known(config, "version", POLICY_VERSION)}
    policy_id = known(config, "policy_id")
    if policy_id:
        document["Id"] = policy_id
    statements = _merge_statements(
        [_document_statements(source) for source in _documents(config, "source_policy_documents", "source_json")]
        + [[_statement(block) for block in known(config, "statement", [])]]
        + [_document_statements(override)
           for override in _documents(config, "override_policy_documents", "override_json")]
    )
    document["Statement"] = statements
    rendered = json.dumps(document, indent=2)
    return {"id": str(_stable_id(rendered)), "json": rendered,
            "minified_json": json.dumps(document, separators=(",", ":"))}


def _documents(config: dict[str, Any], list_name: str, legacy_name: str) -> list[str]:
    legacy = known(config, legacy_name)
    return [*([legacy] if legacy else []), *known(config, list_name, [])]


def _document_statements(text: str) -> list[dict[str, Any]]:
    try:
        statements = json.loads(text).get("Statement", [])
    except (ValueError, AttributeError) as error:
        raise PolicyDocumentError(f"not a JSON IAM policy document: {text[:80]!r} ({error})") from None
    return statements if isinstance(statements, list) else [statements]


def _merge_statements(groups: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Later statements replace earlier ones with the same ``Sid``; the rest are appended in order."""
    merged: list[dict[str, Any]] = []
    for group in groups:
        for statement in group:
            sid = statement.get("Sid")
            same = next((index for index, old in enumerate(merged) if sid and old.get("Sid") == sid), None)
            if same is None:
                merged.append(statement)
            else:
                merged[same] = statement
    return merged


def _statement(block: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if known(block, "sid"):
        statement["Sid"] = block["sid"]
    statement["Effect"] = known(block, "effect", "Allow")
    for key, name in (("Action", "actions"), ("NotAction", "not_actions"), ("Resource", "resources"),
                      ("NotResource", "not_resources")):
        values = known(block, name, [])
        if values:
            statement[key] = _one_or_sorted(values)
    for key, name in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        principals = known(block, name, [])
        if principals:
            statement[key] = _principals(principals)
    conditions = known(block, "condition", [])
    if conditions:
        statement["Condition"] = _conditions(conditions)
    return statement


def _principals(blocks: list[dict[str, Any]]) -> Any:
    if len(blocks) == 1 and blocks[0]["type"] == "*" and list(blocks[0]["identifiers"]) == ["*"]:
        return "*"
    grouped: dict[str, list[str]] = {}
    for block in blocks:
        grouped.setdefault(block["type"], []).extend(block["identifiers"])
    return {kind: _one_or_sorted(identifiers) for kind, identifiers in sorted(grouped.items())}


def _conditions(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for block in blocks:
        values = list(block["values"])
        out.setdefault(block["test"], {})[block["variable"]] = values[0] if len(values) == 1 else values
    return out


def _one_or_sorted(values: list[str]) -> Any:
    unique = sorted(set(values))
    return unique[0] if len(unique) == 1 else unique


def ecr_image(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """An image of the offline registry (``fleetform.check.registry_images``): its digest, or the provider's error."""
    repository, tag = known(config, "repository_name", ""), known(config, "image_tag")
    region = known(config, "region", settings["region"])
    if tag is None:
        return {}
    require_image(repository, tag, f"ECR repository {repository} in {region}")
    digest_value = image_digest(repository, tag)
    return {
        "id": digest_value,
        "image_digest": digest_value,
        "image_tags": [tag],
        "image_uri": f"{settings['account_id']}.dkr.ecr.{region}.amazonaws.com/{repository}@{digest_value}",
        "registry_id": settings["account_id"],
        "region": region,
    }


def _stable_id(text: str) -> int:
    return int(digest(text, length=8), 16)


def security_group_identity(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A ``name_prefix`` group's name: the prefix and a 26-character unique suffix, as the provider makes it
    (so a lookup by ``group-name`` pattern finds it)."""
    prefix = known(config, "name_prefix")
    return {"name": f"{prefix}{digest('security-group', config, length=26)}"} if isinstance(prefix, str) else {}


def kms_key_identity(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A key's id (a UUID) and its ARN ``arn:aws:kms:<region>:<account>:key/<id>``, as KMS forms it."""
    text = digest("kms-key", config, length=32)
    key_id = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return {"key_id": key_id, "arn": _key_arn(settings, key_id)}


def kms_alias_identity(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The alias's ``target_key_arn``: the ARN of the key it names (by id), as the provider reads it back."""
    target = known(config, "target_key_id")
    if not isinstance(target, str):
        return {}
    return {"target_key_arn": target if target.startswith("arn:") else _key_arn(settings, target)}


def _key_arn(settings: Settings, key_id: str) -> str:
    return f"arn:aws:kms:{settings['region']}:{settings['account_id']}:key/{key_id}"


def route53_zone(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A hosted zone found by its domain (or id): a zone id, ARN and name servers shaped like Route 53's.

    Route 53 ids are ``Z`` and upper-case letters and digits; its ARNs have no region or account.
    The zone's ``name`` comes back as asked, without the root's final dot, as the provider reads it.
    """
    zone_id = known(config, "zone_id") or "Z" + digest("route53-zone", known(config, "name"),
                                                       known(config, "private_zone", False), length=20).upper()
    name_server = int(digest("route53-ns", zone_id, length=4), 16)
    servers = [f"ns-{(name_server + step) % 2048}.awsdns-{(name_server + step) % 64:02d}.{tld}"
               for step, tld in enumerate(("com", "net", "org", "co.uk"))]
    return {"zone_id": zone_id, "id": zone_id, "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
            "name_servers": servers, "primary_name_server": servers[0]}


AWS = CloudFakes(
    defaults={"region": "us-east-1", "account_id": ACCOUNT_ID},
    named_string=named_string,
    readers={
        "aws_ami": ami,
        "aws_availability_zones": availability_zones,
        "aws_caller_identity": caller_identity,
        "aws_ecr_image": ecr_image,
        "aws_iam_policy_document": policy_document,
        "aws_partition": partition,
        "aws_region": region,
        "aws_route53_zone": route53_zone,
        "aws_ssm_parameter": ssm_parameter,
    },
    identities={
        "aws_kms_alias": kms_alias_identity,
        "aws_kms_key": kms_key_identity,
        "aws_security_group": security_group_identity,
    },
)
