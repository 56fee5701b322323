"""The plan values a boot script is rendered with, each already a shell word (or words).

Every value passes through ``shlex.quote``, so nothing in an app's configuration can break out of
its assignment; lists become the contents of a bash array. The templates only ever see these.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterable

from fleetform.errors import FleetformError
from fleetform.plan.model import DATA_VOLUME_PATH, GroupPlan
from fleetform.plan.names import group_name, log_name, secret_id
from fleetform.runner.container_command import container_command
from fleetform.runner.contract import (
    AWS_IMAGE_DIGEST_TAG,
    FILESTORE_SHARE_NAME,
    GCP_IMAGE_METADATA_KEY,
    GCP_LOG_NAME_LABEL,
    artifact_registry_host,
    data_volume_name,
)

SHM_SHARE_OF_MEMORY = 0.5
"""``/dev/shm`` size for GPU containers (Docker's 64 MB default breaks NCCL and DataLoader workers)."""


def script_values(group: GroupPlan, platform: str) -> dict[str, str]:
    """Placeholder name -> shell text for the boot script templates of ``group``."""
    runner, image = group.runner, group.image
    command = container_command(image)
    values = {
        "platform": platform,
        "cloud": group.cloud,
        "app_name": group.app,
        "group_name": group_name(platform, group.app),
        "cloud_region": group.cloud_region,
        "app_port": str(runner.port),
        "metrics_port": "" if runner.metrics_port is None else str(runner.metrics_port),
        "gpus_per_instance": str(group.machine.gpus_per_instance),
        "shm_size": f"{max(1, int(group.machine.memory_gib * SHM_SHARE_OF_MEMORY))}g",
        "stop_timeout_seconds": str(group.rollout.termination_grace_seconds),
        "log_name": log_name(platform, group.app, runner.private_logs),
        "image_reference": image.reference if image.source == "image" and image.reference else "",
        "image_repository": image.repository,
        "image_tag": image.tag,
        "data_volume_name": data_volume_name(platform),
        "data_volume_path": DATA_VOLUME_PATH,
        "filestore_share": FILESTORE_SHARE_NAME,
        "log_name_label": GCP_LOG_NAME_LABEL,
    }
    if group.cloud == "gcp":
        values["platform_registry_host"] = artifact_registry_host(group.cloud_region)
        values["image_metadata_key"] = GCP_IMAGE_METADATA_KEY
    else:
        values["image_digest_tag"] = AWS_IMAGE_DIGEST_TAG
    words = {name: shlex.quote(value) for name, value in values.items()}
    arrays = {
        "entrypoint_options": command.options,
        "container_args": command.arguments,
        "registry_hosts": [login.host for login in image.runtime_registries],
        "registry_usernames": [login.username for login in image.runtime_registries],
        "registry_password_secret_ids": [
            secret_id(group.cloud, platform, login.password_secret) for login in image.runtime_registries
        ],
        "app_secret_names": runner.secrets,
        "app_secret_ids": [secret_id(group.cloud, platform, name) for name in runner.secrets],
        "data_mounts": _data_mounts(group),
    }
    return words | {name: _array(items) for name, items in arrays.items()}


def _array(items: Iterable[str]) -> str:
    return " ".join(shlex.quote(item) for item in items)


def _data_mounts(group: GroupPlan) -> list[str]:
    """The data mount paths, each checked to lie on the shared volume (``/data`` or below it)."""
    outside = [
        path for path in group.runner.data_mounts
        if posixpath.normpath(path) != path
        or (path != DATA_VOLUME_PATH and not path.startswith(DATA_VOLUME_PATH + "/"))
    ]
    if outside:
        raise FleetformError.single(
            "runner/data-mount-outside-volume",
            f"{group.source}.data_mounts",
            f"data mount path(s) {', '.join(repr(path) for path in outside)} are not on the shared data volume",
            allowed=f"{DATA_VOLUME_PATH} or a normalized path below it, such as {DATA_VOLUME_PATH}/.cache",
            fix=f"mount {DATA_VOLUME_PATH} or one of its folders",
        )
    return sorted(group.runner.data_mounts)
