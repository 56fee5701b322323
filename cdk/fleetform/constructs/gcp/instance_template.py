"""The instance template a group's runners are created from.

Templates are immutable, so each change creates a new one (``name_prefix``) before the old one is
deleted (``create_before_destroy``), and the MIG follows ``self_link_unique``, which names this exact
template version
(https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_instance_template).

- Machine: the preferred type (fallback types are the MIG's instance flexibility policy); GPUs come
  with accelerator-optimized types and are added as ``guest_accelerator`` only on N1
  (the plan's ``machine.gpus_in_template``); scheduling from the plan's provisioning model
  (:mod:`~fleetform.plan.capacity`): Spot VMs are deleted on preemption so the MIG recreates them
  when capacity returns, and need ``automatic_restart = false``
  (https://cloud.google.com/compute/docs/instances/spot); GPU VMs cannot live-migrate
  (https://cloud.google.com/compute/docs/gpus/gpu-host-maintenance), CPU VMs do.
- Boot disk: the Deep Learning VM image (:mod:`~fleetform.constructs.gcp.boot_image`) on the family's
  disk type, ``machine.root_volume_gib`` large, encrypted at rest by Google-managed keys (every
  Compute Engine disk is).
- Network: the runners' subnetwork, no external address (egress through Cloud NAT), and the
  network tag the ``modules/gcp-network`` firewall rules target.
- Shielded VM: vTPM and integrity monitoring always; Secure Boot where the image supports it.
- Identity: the group's own service account with the ``cloud-platform`` scope (IAM decides).
- Metadata: the boot script as ``startup-script`` (run on every boot), OS Login on, project-wide
  SSH keys blocked, and ``install-nvidia-driver`` on GPU runners.
"""

from __future__ import annotations

from fleetform.constructs.gcp.boot_image import boot_image, image_family
from fleetform.constructs.gcp.labels import group_labels
from fleetform.constructs.gcp.naming import template_name_prefix
from fleetform.constructs.gcp.pinned_image import pinned_image_metadata
from fleetform.plan.model import GroupPlan
from fleetform.runner import boot_script, terraform_literal
from fleetform.tf import Construct, google

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
RUNNER_NETWORK_TAG = "fleetform-runner"
"""The tag ``modules/gcp-network``'s firewall rules apply to (its ``runner_network_tags`` default)."""


def runner_template(scope: Construct, group: GroupPlan, *, platform: str, subnetwork: str,
                    service_account_email: str) -> google.ComputeInstanceTemplate:
    image = image_family(group)
    machine = group.machine
    labels = group_labels(group)
    return google.ComputeInstanceTemplate(
        scope, "Template",
        name_prefix=template_name_prefix(platform, group.app),
        description=f"Runners of {group.app} in {group.cloud_region}",
        region=group.cloud_region,
        machine_type=machine.instance_types[0],
        disk=[{
            "boot": True, "auto_delete": True, "source_image": boot_image(scope, image).self_link,
            "disk_size_gb": group.machine.root_volume_gib, "disk_type": machine.boot_disk_type, "labels": labels,
        }],
        guest_accelerator=_guest_accelerators(group),
        network_interface=[{"subnetwork": subnetwork, "stack_type": "IPV4_ONLY", "nic_type": machine.nic_type}],
        scheduling=_scheduling(group),
        service_account={"email": service_account_email, "scopes": [CLOUD_PLATFORM_SCOPE]},
        shielded_instance_config={"enable_secure_boot": image.secure_boot, "enable_vtpm": True,
                                  "enable_integrity_monitoring": True},
        metadata={**_metadata(group, platform), **pinned_image_metadata(scope, group, platform)},
        tags=[RUNNER_NETWORK_TAG],
        labels=labels,
        lifecycle={"create_before_destroy": True},
    )


def _scheduling(group: GroupPlan) -> google.ComputeInstanceTemplateScheduling:
    """The template's ``scheduling`` block for the plan's provisioning model."""
    if group.machine.provisioning == "spot":
        return {"provisioning_model": "SPOT", "preemptible": True, "automatic_restart": False,
                "on_host_maintenance": "TERMINATE", "instance_termination_action": "DELETE"}
    maintenance = "TERMINATE" if group.machine.gpus_per_instance else "MIGRATE"
    return {"provisioning_model": "STANDARD", "automatic_restart": True, "on_host_maintenance": maintenance}


def _guest_accelerators(group: GroupPlan) -> list[google.ComputeInstanceTemplateGuestAccelerator] | None:
    """The GPUs the template attaches itself (the plan's ``gpus_in_template``); None where the type has them."""
    machine = group.machine
    if not machine.gpus_in_template or machine.gpu is None:
        return None
    return [{"type": machine.gpu, "count": machine.gpus_per_instance}]


def _metadata(group: GroupPlan, platform: str) -> dict[str, str]:
    metadata = {
        "startup-script": terraform_literal(boot_script(group, platform)),
        "enable-oslogin": "TRUE",
        "block-project-ssh-keys": "true",
    }
    if group.machine.gpus_per_instance:
        metadata["install-nvidia-driver"] = "True"
    return metadata
