"""Labels of an app's GCP resources: which app and which team they serve (cost reports, log filters).

The platform-wide labels (``managed-by``, ``fleetform-platform`` and the platform's tags) come from
the provider's ``default_labels``; these are the per-app ones. A group without a team gets no
``fleetform-team`` label, so billing reports show it as unlabelled rather than under a made-up team.
"""

from __future__ import annotations

from fleetform.plan.model import GroupPlan
from fleetform.plan.names import gcp_label

APP_LABEL = "fleetform-app"
TEAM_LABEL = "fleetform-team"


def group_labels(group: GroupPlan) -> dict[str, str]:
    labels = {APP_LABEL: gcp_label(group.app)}
    if group.team:
        labels[TEAM_LABEL] = gcp_label(group.team)
    return labels
