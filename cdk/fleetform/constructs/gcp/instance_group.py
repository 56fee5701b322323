"""A group's regional managed instance group: where its runners run, how they are replaced and healed.

- **Zones**: ``group.zones`` (every zone offering all of the group's machine types), target shape
  ``BALANCED``: the MIG creates VMs where capacity is, spreading them as evenly as it can, which
  suits GPU capacity that comes and goes per zone; ``EVEN`` would refuse to create VMs in a zone
  that has capacity while another lacks it, and is not allowed with instance flexibility
  (https://cloud.google.com/compute/docs/instance-groups/regional-mig-distribution-shape). Non-EVEN
  shapes need ``instance_redistribution_type = NONE``.
- **Fallback types**: ``instance_flexibility_policy``, one instance selection per machine type, ranked
  in the plan's order (lower rank preferred) (:mod:`~fleetform.plan.capacity` decides which).
- **Autohealing** only when the plan replaces unhealthy runners (fal's ``call_regularly``), after
  the runner's grace period (GCP allows at most 3600 s); ``force_update_on_repair`` so a repaired
  runner comes back on the current template.
- **Updates** (a new template): ``rolling`` replaces proactively, creating up to one new runner per
  zone before removing an old one (``max_surge_fixed`` = number of zones, GCP's minimum for a
  regional MIG, ``max_unavailable`` 0, new instance names); ``recreate`` removes every old runner at
  once and recreates it under its own name (``max_unavailable`` 100 %, no surge,
  ``replacement_method = RECREATE``)
  (https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups).
- **Size**: the autoscaler owns it, so the MIG sets no ``target_size`` and Terraform ignores it;
  ``wait_for_instances = false`` so a GPU stockout never blocks an apply.
"""

from __future__ import annotations

from fleetform.constructs.gcp.naming import base_instance_name
from fleetform.plan.model import GroupPlan
from fleetform.plan.names import group_name
from fleetform.tf import Construct, google

APP_PORT_NAME = "http"
"""The named port the backend service sends traffic to."""
MAX_AUTOHEALING_DELAY_SECONDS = 3600
TARGET_SHAPE = "BALANCED"


def runner_instance_group(scope: Construct, group: GroupPlan, *, platform: str, template_link: str,
                          health_check: str) -> google.ComputeRegionInstanceGroupManager:
    return google.ComputeRegionInstanceGroupManager(
        scope, "InstanceGroup",
        name=group_name(platform, group.app),
        description=f"Runners of {group.app} in {group.cloud_region}",
        region=group.cloud_region,
        base_instance_name=base_instance_name(platform, group.app),
        version=[{"name": "current", "instance_template": template_link}],
        distribution_policy_zones=sorted(group.zones),
        distribution_policy_target_shape=TARGET_SHAPE,
        instance_flexibility_policy=_flexibility(group),
        named_port=[{"name": APP_PORT_NAME, "port": group.runner.port}],
        auto_healing_policies=_autohealing(group, health_check),
        instance_lifecycle_policy={"force_update_on_repair": "YES"},
        update_policy=update_policy(group),
        wait_for_instances=False,
        lifecycle={"ignore_changes": ["target_size"]},
    )


def update_policy(group: GroupPlan) -> google.ComputeRegionInstanceGroupManagerUpdatePolicy:
    common: google.ComputeRegionInstanceGroupManagerUpdatePolicy = {
        "type": "PROACTIVE", "minimal_action": "REPLACE", "most_disruptive_allowed_action": "REPLACE",
        "instance_redistribution_type": "NONE"}
    if group.rollout.strategy == "recreate":
        return common | {"replacement_method": "RECREATE", "max_surge_fixed": 0, "max_unavailable_percent": 100}
    return common | {"replacement_method": "SUBSTITUTE", "max_surge_fixed": len(group.zones),
                     "max_unavailable_fixed": 0}


def _flexibility(group: GroupPlan) -> google.ComputeRegionInstanceGroupManagerInstanceFlexibilityPolicy | None:
    types = group.machine.instance_types
    if len(types) < 2:
        return None
    return {"instance_selections": [{"name": machine_type, "rank": rank, "machine_types": [machine_type]}
                                    for rank, machine_type in enumerate(types)]}


def _autohealing(group: GroupPlan,
                 health_check: str) -> google.ComputeRegionInstanceGroupManagerAutoHealingPolicies | None:
    if not group.health.replace_unhealthy:
        return None
    return {"health_check": health_check,
            "initial_delay_sec": min(group.health.grace_seconds, MAX_AUTOHEALING_DELAY_SECONDS)}
