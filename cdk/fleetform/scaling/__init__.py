"""fal's scaling semantics, and the AWS and GCP policies derived from them (pure Python, no cdktf).

The reference is one function, :func:`target_runners` (fal-semantics.md §2), plus the timing rules
in :mod:`fleetform.scaling.timing`; :mod:`fleetform.scaling.aws_policy` and
:mod:`fleetform.scaling.gcp_policy` say what each cloud is configured with, the constructs render
those, ``fleetform simulate`` replays them and :func:`describe_policies` explains them.
"""

from __future__ import annotations

from fleetform.scaling.boot import BootModel, boot_model, boot_with_total
from fleetform.scaling.describe import describe_policies
from fleetform.scaling.settings import ScaleSettings, app_scale_settings
from fleetform.scaling.target import buffer_runners, demand_runners, target_runners, unclamped_target

__all__ = [
    "BootModel",
    "ScaleSettings",
    "app_scale_settings",
    "boot_model",
    "boot_with_total",
    "buffer_runners",
    "demand_runners",
    "describe_policies",
    "target_runners",
    "unclamped_target",
]
