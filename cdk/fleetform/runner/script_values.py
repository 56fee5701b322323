"""The plan values a boot script is rendered with, each already a shell word (or words).

Every value passes through ``shlex.quote``, so nothing in an app's configuration can break out of
its assignment; lists become the contents of a bash array. The templates only ever see these.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable

from fleetform.plan.model import GroupPlan
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
from fleetform.spec.app import DATA_VOLUME_PATH

_INSTANCE_TYPE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
DRAIN_UNIT_MARGIN_SECONDS = 10
"""What the fleetform-drain unit's stop timeout leaves beyond the longest drain, for the agent's start."""
SHM_SHARE_OF_MEMORY = 0.5
"""``/dev/shm`` size for a GPU host's containers, shared out among its runner slots (Docker's 64 MB default
breaks NCCL and DataLoader workers)."""


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
        "gpus_per_runner": str(group.packing.preferred.gpus_per_runner),
        "uniform_runner_slots": _uniform_runner_slots(group),
        "shm_gib": str(max(1, int(group.machine.memory_gib * SHM_SHARE_OF_MEMORY))),
        "stop_timeout_seconds": str(group.rollout.termination_grace_seconds),
        "drain_timeout_seconds": str(group.rollout.draining.longest_drain_seconds + DRAIN_UNIT_MARGIN_SECONDS),
        "log_name": log_name(platform, group.app, runner.private_logs),
        "image_reference": image.reference if image.source == "image" and image.reference else "",
        "image_repository": image.repository,
        "image_tag": image.tag,
        "data_volume_name": data_volume_name(platform),
        "data_volume_path": DATA_VOLUME_PATH,
        "filestore_share": FILESTORE_SHARE_NAME,
        "log_name_label": GCP_LOG_NAME_LABEL,
    }
    values |= _CLOUD_VALUES[group.cloud](group)
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
        "data_mounts": group.runner.data_mounts,
    }
    slots_by_type = " ".join(f'["{_instance_type(host.instance_type)}"]={host.runners}' for host in group.packing.hosts)
    return words | {name: _array(items) for name, items in arrays.items()} | {"runner_slots_by_type": slots_by_type}


def _instance_type(name: str) -> str:
    """A catalog instance type, checked to need no quoting inside a bash array subscript's double quotes."""
    assert _INSTANCE_TYPE.match(name), f"unexpected instance type name {name!r}"
    return name


def _uniform_runner_slots(group: GroupPlan) -> str:
    """The runners every host of the group carries when its types agree, else empty (looked up at boot)."""
    counts = {host.runners for host in group.packing.hosts}
    return str(counts.pop()) if len(counts) == 1 else ""


def _array(items: Iterable[str]) -> str:
    return " ".join(shlex.quote(item) for item in items)


_CLOUD_VALUES: dict[str, Callable[[GroupPlan], dict[str, str]]] = {
    "aws": lambda group: {"image_digest_tag": AWS_IMAGE_DIGEST_TAG},
    "gcp": lambda group: {"platform_registry_host": artifact_registry_host(group.cloud_region),
                          "image_metadata_key": GCP_IMAGE_METADATA_KEY},
}
"""Per cloud, the values only its boot script reads (GCP: Artifact Registry's regional host and the image
digest's metadata key; AWS: the launch template tag that carries the image digest)."""
