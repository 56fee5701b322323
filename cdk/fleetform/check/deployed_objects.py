"""The offline cloud's deployed objects: what other stacks applied, for the data sources that find them by name.

Stacks never reference each other; an app stack finds its region's load balancer, listener, security
groups, ``/data`` volume and logs key with data sources (``fleetform.constructs.aws.region``). Against
the real cloud such a read returns the object the base stack created. Offline, when
``FLEETFORM_OFFLINE_STATES`` names a folder of ``<stack>.tfstate`` files (``apply_stacks`` and
``plan_stacks`` set it to their state folder), a lookup returns the attributes of the managed resource
of the same type in those states that matches what the data source asks for; with no match, or no
folder, the generic fakes answer as before. So planning an app stack against its state after the base
was applied sees the same ARNs the base's resources got, as a real plan would.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

STATES_VARIABLE = "FLEETFORM_OFFLINE_STATES"

Attributes = Mapping[str, Any]
# (the data source's configuration, the deployed resources of a type) -> the resources the lookup finds.
Deployed = Callable[[str], list[Attributes]]
Finder = Callable[[Attributes, Deployed], list[Attributes]]


def _same(type_name: str, *names: str) -> Finder:
    """``type_name`` resources where every one of ``names`` the lookup sets is equal (at least one set)."""

    def find(config: Attributes, deployed: Deployed) -> list[Attributes]:
        asked = [name for name in names if config.get(name) is not None]
        return [resource for resource in deployed(type_name)
                if asked and all(config[name] == resource.get(name) for name in asked)]

    return find


SECURITY_GROUP_FILTERS: Mapping[str, str] = {"vpc-id": "vpc_id", "group-name": "name", "description": "description"}
"""``aws_security_group`` filter names (EC2 DescribeSecurityGroups) and the attributes they test."""


def _security_group(config: Attributes, deployed: Deployed) -> list[Attributes]:
    filters = config.get("filter") or []
    given = {name: config[name] for name in ("id", "name", "vpc_id") if config.get(name) is not None}
    if not filters and not given:
        return []

    def passes(resource: Attributes) -> bool:
        for each in filters:
            attribute = SECURITY_GROUP_FILTERS.get(each.get("name"))
            value = resource.get(attribute) if attribute else None
            if not isinstance(value, str) or not any(fnmatch.fnmatchcase(value, pattern)
                                                     for pattern in each.get("values") or []):
                return False
        return all(resource.get(name) == value for name, value in given.items())

    return [resource for resource in deployed("aws_security_group") if passes(resource)]


def _kms_key(config: Attributes, deployed: Deployed) -> list[Attributes]:
    """``key_id`` is the key's id, its ARN, or an alias (``alias/...``) naming it, as KMS DescribeKey accepts."""
    key = config.get("key_id")
    if not isinstance(key, str):
        return []
    if key.startswith("alias/"):
        targets = [alias.get("target_key_id") for alias in deployed("aws_kms_alias") if alias.get("name") == key]
        if len(targets) != 1:
            return []
        key = targets[0]
    return [resource for resource in deployed("aws_kms_key") if key in (resource.get("key_id"), resource.get("arn"))]


LOOKUPS: Mapping[str, Finder] = {
    "aws_lb": _same("aws_lb", "arn", "name"),
    "aws_lb_listener": _same("aws_lb_listener", "arn", "load_balancer_arn", "port"),
    "aws_efs_file_system": _same("aws_efs_file_system", "file_system_id", "creation_token"),
    "aws_kms_alias": _same("aws_kms_alias", "name"),
    "aws_kms_key": _kms_key,
    "aws_security_group": _security_group,
}
"""Data source types answered from deployed objects, and how each finds its object."""


def deployed_object(type_name: str, config: Attributes, region: str | None) -> dict[str, Any] | None:
    """The attributes of the one deployed object the lookup ``config`` of ``type_name`` finds in ``region``
    (the lookup's own ``region``, else its provider's), else None."""
    finder = LOOKUPS.get(type_name)
    folder = os.environ.get(STATES_VARIABLE, "")
    if finder is None or not folder:
        return None
    where = config.get("region") or region

    def deployed(resource_type: str) -> list[Attributes]:
        return [attributes for attributes in _resources(folder, resource_type)
                if attributes.get("region") in (None, where)]

    found = finder(config, deployed)
    return dict(found[0]) if len(found) == 1 else None


def _resources(folder: str, type_name: str) -> Iterator[Attributes]:
    for path in sorted(Path(folder).glob("*.tfstate")):
        yield from _state_resources(path, path.stat().st_mtime_ns).get(type_name, ())


@cache
def _state_resources(path: Path, mtime_ns: int) -> dict[str, tuple[Attributes, ...]]:
    """Per managed resource type, every instance's attributes in one state file (re-read when it changes)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, list[Attributes]] = {}
    for resource in state.get("resources", []):
        if resource.get("mode") == "managed":
            found.setdefault(resource.get("type", ""), []).extend(
                instance.get("attributes", {}) for instance in resource.get("instances", []))
    return {type_name: tuple(instances) for type_name, instances in found.items()}
