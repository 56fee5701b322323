"""Digest-pinned runner images on GCP: the built image's tag resolved to its digest at plan time.

A ``google_artifact_registry_docker_image`` read of ``<app>:<tag>`` in the platform's repository of the
group's multi-region gives the pinned reference (``...@sha256:...``, its ``self_link``), which the
instance template carries as metadata ``fleetform-image``
(:data:`fleetform.runner.contract.GCP_IMAGE_METADATA_KEY`); the runner pulls exactly that. So the
template changes exactly when the image's digest does, and a plan fails before any group changes when
the image was never built: the read names the app's image and tag.
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan
from fleetform.runner.contract import GCP_IMAGE_METADATA_KEY, artifact_registry_location
from fleetform.tf import Construct, google


def pinned_image_metadata(scope: Construct, group: GroupPlan, platform: str) -> dict[str, str]:
    """``{fleetform-image: <reference@digest>}`` for a built image (read under ``scope`` as ``Image``); {} else."""
    if group.image.source == "image":
        return {}
    app = group.image.repository.split("/", 1)[1]
    image = google.data.ArtifactRegistryDockerImage(
        scope, "Image", location=artifact_registry_location(group.cloud_region), repository_id=platform,
        image_name=f"{app}:{group.image.tag}")
    return {GCP_IMAGE_METADATA_KEY: image.self_link}
