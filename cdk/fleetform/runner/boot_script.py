"""The runner's boot script: the templates in ``templates/`` rendered with one group's plan values.

A script is the values block, the steps shared by both clouds, the cloud's own steps (the same
shell functions, implemented per cloud), the agent install and the boot sequence. Placeholders are
``@@name`` (``$`` is bash's), and every value is a quoted shell word from :mod:`script_values`.
"""

from __future__ import annotations

import base64
import gzip
import string
from importlib.resources import files

from fleetform.errors import FleetformError
from fleetform.plan.model import GroupPlan
from fleetform.runner.agent_config import agent_config_json
from fleetform.runner.script_values import script_values

PARTS = ("values.sh", "common.sh", "{cloud}.sh", "agent.sh", "main.sh")
HEREDOCS = {
    "agent_source": "FLEETFORM_AGENT_SOURCE",
    "agent_config": "FLEETFORM_AGENT_CONFIG",
}
"""Values written verbatim inside a quoted heredoc, and the heredoc's end marker."""

AWS_USER_DATA_LIMIT_BYTES = 16 * 1024
"""EC2 user data: at most 16 KB before base64 encoding."""


class _ShellTemplate(string.Template):
    delimiter = "@@"


def boot_script(group: GroupPlan, platform: str) -> str:
    """The runner's boot script (bash) for group.cloud: cloud-init user data on AWS, startup-script on GCP."""
    values = script_values(group, platform) | {
        "agent_source": _package_text("agent.py").rstrip("\n"),
        "agent_config": agent_config_json(group, platform),
    }
    for name, marker in HEREDOCS.items():
        assert marker not in values[name].splitlines(), f"{name} contains its heredoc end marker {marker}"
    templates = (part.format(cloud=group.cloud) for part in PARTS)
    return "".join(_ShellTemplate(_package_text(f"templates/{name}")).substitute(values) for name in templates)


def aws_user_data(group: GroupPlan, platform: str) -> str:
    """:func:`boot_script` gzip-compressed and base64-encoded, for ``aws_launch_template.user_data``.

    cloud-init unpacks gzip user data before running it; compressing keeps the script and its
    agent well under EC2's 16 KB limit. The bytes are the same on every run (no gzip timestamp).
    """
    packed = gzip.compress(boot_script(group, platform).encode(), compresslevel=9, mtime=0)
    if len(packed) > AWS_USER_DATA_LIMIT_BYTES:
        raise FleetformError.single(
            "runner/user-data-too-large",
            group.source,
            f"the boot script of app {group.app!r} is {len(packed)} bytes compressed, over EC2's user data limit",
            allowed=f"at most {AWS_USER_DATA_LIMIT_BYTES} bytes",
            fix="declare fewer secrets, registries or data mounts",
        )
    return base64.b64encode(packed).decode("ascii")


def _package_text(name: str) -> str:
    return (files("fleetform.runner") / name).read_text(encoding="utf-8")
