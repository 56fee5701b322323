"""``explain --json`` says exactly what synth renders: instance types, provisioning, zones, min/max, exposure.

Every group of the example platform is read back from the synthesized Terraform JSON and compared with
the plan ``explain --json`` prints, so a construct that decided anything on its own would fail here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from fleetform.plan.platform import plan_workspace
from fleetform.report.explain import group_json
from fleetform.spec.workspace import open_workspace
from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES

REFERENCE = re.compile(r"^\$\{(?P<kind>data\.)?(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)\.[a-z_]+\}$")


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("agree") / "cdktf.out"
    synth_platform(EXAMPLES / "platform", out)
    return [json.loads(path.read_text()) for path in sorted((out / "stacks").glob("*/cdk.tf.json"))]


@pytest.fixture(scope="module")
def explained() -> dict[str, list[dict[str, Any]]]:
    """Per app, the groups exactly as ``fleetform explain APP --json`` prints them."""
    plan = plan_workspace(open_workspace(EXAMPLES / "platform"))
    apps = sorted({group.app for group in plan.groups()})
    return {app: json.loads(json.dumps([group_json(group, plan.stacks_of(group)) for group in plan.groups(app)]))
            for app in apps}


def _by_path(stacks: list[dict[str, Any]], kind: str, type_name: str, suffix: str) -> tuple[dict[str, Any],
                                                                                             dict[str, Any]]:
    """The one block of ``type_name`` whose construct path ends with ``suffix``, and its stack."""
    found = [(body, stack) for stack in stacks for body in stack.get(kind, {}).get(type_name, {}).values()
             if body["//"]["metadata"]["path"].endswith(suffix)]
    assert len(found) == 1, (type_name, suffix, len(found))
    return found[0]


def _aws_zones(group: dict[str, Any], subnets: list[str], stack: dict[str, Any], platform: dict[str, Any]) -> list[str]:
    configured = {subnet: zone for zone, subnet in platform.get("private_subnets", {}).items()}
    zones = []
    for subnet in subnets:
        reference = REFERENCE.match(subnet)
        if reference:
            zones.append(stack["data"][reference["type"]][reference["name"]]["availability_zone_id"])
        else:
            zones.append(configured[subnet])
    return sorted(zones)


def _aws_group(group: dict[str, Any], stacks: list[dict[str, Any]]) -> dict[str, Any]:
    app = group["app"]
    in_region = [stack for stack in stacks
                 if any(provider.get("region") == group["cloud_region"]
                        for provider in stack["provider"].get("aws", []))]
    asg, stack = _by_path(in_region, "resource", "aws_autoscaling_group", f"/{app}/InstanceGroup/AutoScalingGroup")
    overrides = asg["mixed_instances_policy"]["launch_template"]["override"]
    rule, _ = _by_path([stack], "resource", "aws_lb_listener_rule", f"/{app}/Route/ListenerRule")
    listener = REFERENCE.match(rule["listener_arn"])
    assert listener is not None
    # An app stack finds its region's listener (a data source in the region's base stack's construct path).
    kind = "data" if listener["kind"] else "resource"
    listener_path = stack[kind]["aws_lb_listener"][listener["name"]]["//"]["metadata"]["path"]
    networks = {"us-east-1": {"private_subnets": {"use1-az1": "subnet-0aa1", "use1-az2": "subnet-0aa2",
                                                  "use1-az4": "subnet-0aa4", "use1-az6": "subnet-0aa6"}}}
    return {
        "instance_types": [override["instance_type"] for override in overrides],
        "runners_per_host": {override["instance_type"]: int(override["weighted_capacity"]) for override in overrides},
        "provisioning": "on-demand" if asg["mixed_instances_policy"]["instances_distribution"][
            "on_demand_percentage_above_base_capacity"] == 100 else "spot",
        "zones": _aws_zones(group, asg["vpc_zone_identifier"], stack, networks.get(group["cloud_region"], {})),
        "min": asg["min_size"], "max": asg["max_size"],
        "exposure": "internal" if "/InternalLoadBalancer/" in listener_path else "external",
    }


def _gcp_group(group: dict[str, Any], stacks: list[dict[str, Any]]) -> dict[str, Any]:
    app, region = group["app"], group["cloud_region"]
    candidates = [stack for stack in stacks
                  if any(body.get("region") == region and body["//"]["metadata"]["path"].endswith(
                      f"/{app}/InstanceGroup")
                         for body in stack.get("resource", {}).get("google_compute_region_instance_group_manager",
                                                                   {}).values())]
    (stack,) = candidates
    mig, _ = _by_path([stack], "resource", "google_compute_region_instance_group_manager", f"/{app}/InstanceGroup")
    template, _ = _by_path([stack], "resource", "google_compute_instance_template", f"/{app}/Template")
    autoscaler, _ = _by_path([stack], "resource", "google_compute_region_autoscaler", f"/{app}/Autoscaler")
    backend, _ = _by_path([stack], "resource", "google_compute_region_backend_service", f"/{app}/BackendService")
    selections = (mig.get("instance_flexibility_policy") or {}).get("instance_selections")
    types = ([selection["machine_types"][0] for selection in sorted(selections, key=lambda s: s["rank"])]
             if selections else [template["machine_type"]])
    assert types[0] == template["machine_type"]
    policy = autoscaler["autoscaling_policy"]
    return {
        "instance_types": types,
        "runners_per_host": dict.fromkeys(types, 1),  # a MIG counts VMs: one runner each
        "provisioning": {"STANDARD": "on-demand", "SPOT": "spot"}[template["scheduling"]["provisioning_model"]],
        "zones": sorted(mig["distribution_policy_zones"]),
        "min": policy["min_replicas"], "max": policy["max_replicas"],
        "exposure": "internal" if backend["load_balancing_scheme"] == "INTERNAL_MANAGED" else "external",
    }


def test_every_group_of_explain_is_what_synth_renders(explained, synthesized):
    compared = 0
    for app, groups in explained.items():
        for group in groups:
            planned = {
                "instance_types": group["machine"]["instance_types"],
                "runners_per_host": {host["instance_type"]: host["runners"] for host in group["packing"]["hosts"]},
                "provisioning": group["machine"]["provisioning"],
                "zones": sorted(group["zones"]),
                "min": group["scaling"]["min_runners"], "max": group["scaling"]["max_runners"],
                "exposure": group["route"]["exposure"],
            }
            rendered = (_aws_group if group["cloud"] == "aws" else _gcp_group)(group, synthesized)
            assert rendered == planned, f"{app} on {group['cloud']} {group['cloud_region']}"
            compared += 1
    assert compared == sum(len(groups) for groups in explained.values()) >= 10
