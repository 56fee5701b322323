"""fal's scaling fields for one app, as the scaling rules read them: the plan's own record.

The reference rules and the cloud policies both read :class:`fleetform.plan.model.ScalingPlan`, so the
two can never read the fields differently. ``ScaleSettings`` is its name inside ``fleetform.scaling``.
"""

from __future__ import annotations

from fleetform.plan.model import ScalingPlan

ScaleSettings = ScalingPlan


def app_scale_settings(scaling: ScalingPlan) -> ScaleSettings:
    """The scale settings of one group's plan (the plan's scaling record itself)."""
    return scaling
