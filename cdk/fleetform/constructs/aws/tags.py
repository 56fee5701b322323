"""The tags fleetform puts on AWS resources: the platform's on everything, the app's and team's on a group's.

The provider's ``default_tags`` reach every resource Terraform manages, but not what an Auto Scaling
group launches (instances, their volumes), so groups carry the full set explicitly.
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan, PlatformPlan

MANAGED_BY_TAG = ("managed-by", "fleetform")
PLATFORM_TAG = "fleetform:platform"
APP_TAG = "fleetform:app"
TEAM_TAG = "fleetform:team"


def platform_tags(platform: PlatformPlan) -> dict[str, str]:
    """``managed-by``, ``fleetform:platform`` and the platform's own tags (which win on a clash)."""
    return dict([MANAGED_BY_TAG, (PLATFORM_TAG, platform.name), *platform.tags])


def group_tags(group: GroupPlan) -> dict[str, str]:
    """``fleetform:app`` and, when the app names one, ``fleetform:team``."""
    tags = {APP_TAG: group.app}
    if group.team is not None:
        tags[TEAM_TAG] = group.team
    return tags


def launched_tags(platform: PlatformPlan, group: GroupPlan, name: str) -> dict[str, str]:
    """Everything an instance (or volume) the group launches carries, ``Name`` included."""
    return {**platform_tags(platform), **group_tags(group), "Name": name}
