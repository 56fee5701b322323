"""Digest-pinned runner images on AWS: the built image's tag resolved to its digest at plan time.

An ``aws_ecr_image`` read of ``<platform>/<app>:<tag>`` in the group's own region (where ECR
replication put it) gives the digest, which the launch template carries as the instance tag
``fleetform:image-digest`` (:data:`fleetform.runner.contract.AWS_IMAGE_DIGEST_TAG`); the runner reads
it from the instance metadata and pulls ``<repository>@<digest>``. So the template changes exactly
when the image's digest does, and a plan fails before any group changes when the image was never
built (or has not replicated to this region yet): the read names the app's repository and tag.
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan
from fleetform.runner.contract import AWS_IMAGE_DIGEST_TAG
from fleetform.tf import Construct, aws


def pinned_image_tag(scope: Construct, group: GroupPlan) -> dict[str, str]:
    """``{fleetform:image-digest: <digest>}`` for a built image (read under ``scope`` as ``Image``); else {}."""
    if group.image.source == "image":
        return {}
    image = aws.data.EcrImage(scope, "Image", repository_name=group.image.repository, image_tag=group.image.tag)
    return {AWS_IMAGE_DIGEST_TAG: image.image_digest}
