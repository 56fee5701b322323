"""The ``google`` provider block of a GCP stack."""

from __future__ import annotations

from fleetform.plan.model import PlatformPlan
from fleetform.plan.names import gcp_label
from fleetform.tf import Construct, google


def configure_provider(stack: Construct, region: str, platform: PlatformPlan) -> None:
    """Project, region, and the platform's tags as labels on every resource (``default_labels``)."""
    labels = {gcp_label(key): gcp_label(value) for key, value in
              [("managed-by", "fleetform"), ("fleetform-platform", platform.name), *platform.tags]}
    google.GoogleProvider(stack, "google", project=platform.gcp_project, region=region, default_labels=labels)
