"""Which argument changes force Terraform to replace a resource, for the offline provider's plans.

A real provider marks such arguments ``ForceNew`` in its own code and answers ``PlanResourceChange``
with ``requires_replace``; the schema JSON the offline provider serves does not carry that flag. This
table restates it for the resource types a reviewer must see replaced (instance groups and templates,
load balancers and listeners, registries, secrets, buckets, identities), after the pinned providers'
resource documentation ("Changing this forces a new resource"; GCP instance templates cannot be
changed at all once created). A type missing here plans every change as an in-place update, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EVERY_ARGUMENT = "*"

FORCES_NEW: Mapping[str, frozenset[str]] = {
    # GCP instance templates are immutable: any change is a new template (the group then rolls to it).
    "google_compute_instance_template": frozenset({EVERY_ARGUMENT}),
    "google_compute_region_instance_template": frozenset({EVERY_ARGUMENT}),
    "google_compute_instance_group_manager": frozenset({"name", "zone", "project"}),
    "google_compute_region_instance_group_manager": frozenset({"name", "region", "project"}),
    "google_compute_backend_service": frozenset({"name", "project", "load_balancing_scheme"}),
    "google_compute_region_backend_service": frozenset({"name", "region", "project", "load_balancing_scheme"}),
    "google_compute_forwarding_rule": frozenset({"name", "region", "project", "ip_address", "ip_protocol",
                                                 "load_balancing_scheme", "network", "subnetwork", "port_range",
                                                 "ports"}),
    "google_compute_region_url_map": frozenset({"name", "region", "project"}),
    "google_compute_region_target_http_proxy": frozenset({"name", "region", "project"}),
    "google_compute_region_target_https_proxy": frozenset({"name", "region", "project"}),
    "google_compute_region_health_check": frozenset({"name", "region", "project"}),
    "google_artifact_registry_repository": frozenset({"repository_id", "location", "format", "project"}),
    "google_secret_manager_secret": frozenset({"secret_id", "replication", "project"}),
    "google_storage_bucket": frozenset({"name", "location", "project"}),
    "google_service_account": frozenset({"account_id", "project"}),
    "aws_launch_template": frozenset({"name", "name_prefix"}),
    "aws_autoscaling_group": frozenset({"name", "name_prefix"}),
    "aws_lb": frozenset({"name", "name_prefix", "internal", "load_balancer_type"}),
    "aws_lb_target_group": frozenset({"name", "name_prefix", "port", "protocol", "protocol_version", "target_type",
                                      "vpc_id"}),
    "aws_lb_listener": frozenset({"load_balancer_arn"}),
    "aws_lb_listener_rule": frozenset({"listener_arn"}),
    "aws_ecr_repository": frozenset({"name"}),
    "aws_secretsmanager_secret": frozenset({"name", "name_prefix"}),
    "aws_s3_bucket": frozenset({"bucket", "bucket_prefix"}),
    "aws_iam_role": frozenset({"name", "name_prefix", "path"}),
    "aws_security_group": frozenset({"name", "name_prefix", "vpc_id", "description"}),
}
"""Resource type -> top-level arguments whose change forces a replacement (``*``: every argument)."""

NEVER_FORCING = frozenset({"id", "self_link", "arn", "timeouts", "terraform_labels", "effective_labels", "tags_all"})
"""Computed or bookkeeping attributes: their planned value follows from the others, never forces anything."""


def forcing_attributes(type_name: str, prior: Mapping[str, Any] | None, proposed: Mapping[str, Any] | None,
                       config: Mapping[str, Any] | None = None) -> list[str]:
    """The top-level arguments of ``type_name`` whose change from ``prior`` to ``proposed`` forces a new resource.

    Nothing to replace when the resource is created or destroyed (``prior`` or ``proposed`` is None).
    With ``*`` only arguments set in ``config`` count, so computed attributes never force a replacement.
    """
    forcing = FORCES_NEW.get(type_name)
    if not forcing or prior is None or proposed is None:
        return []
    if EVERY_ARGUMENT in forcing:
        candidates = set(config or proposed) - NEVER_FORCING
    else:
        candidates = set(forcing)
    return sorted(name for name in candidates if name in proposed and prior.get(name) != proposed.get(name))
