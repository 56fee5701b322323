"""How long a new runner takes from "start one" to "serving": the boot model.

The plan only knows an upper bound (``startup_seconds`` = fal's max(start_period_seconds,
startup_timeout), the health grace). Policies and simulations need a realistic value, so a boot is
modelled as three parts; each number is an assumption stated here once (and in docs/scaling.md),
and ``fleetform simulate --boot-seconds`` replaces the total:

* provisioning: the cloud allocates the GPU VM and the OS boots with its drivers (the AWS
  instance is ``InService`` at the end of this part);
* image pull: the runner pulls and unpacks the app image from the in-region registry;
* setup: the app's ``setup()`` (model load), capped by the app's start-up bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.scaling.settings import ScaleSettings

PROVISIONING_SECONDS = 90
"""GPU VM allocation plus OS and driver boot."""
IMAGE_PULL_SECONDS = 120
"""A ~10 GB CUDA/PyTorch image from an in-region registry: transfer plus unpacking."""
SETUP_SECONDS = 120
"""Loading model weights from local disk or the shared /data cache; capped by the start-up bound."""


@dataclass(frozen=True)
class BootModel:
    """The parts of one runner's boot, in seconds."""

    provisioning_seconds: int
    image_pull_seconds: int
    setup_seconds: int

    @property
    def seconds(self) -> int:
        """From the scale-up decision to the runner taking requests."""
        return self.provisioning_seconds + self.image_pull_seconds + self.setup_seconds

    def describe(self) -> str:
        return (f"{self.seconds} s (provisioning {self.provisioning_seconds} + image pull "
                f"{self.image_pull_seconds} + setup {self.setup_seconds})")


def boot_model(settings: ScaleSettings) -> BootModel:
    """The default boot of a runner of an app with these settings."""
    return BootModel(PROVISIONING_SECONDS, IMAGE_PULL_SECONDS, min(SETUP_SECONDS, settings.startup_seconds))


def boot_with_total(total_seconds: int) -> BootModel:
    """A boot of ``total_seconds`` (``--boot-seconds``): provisioning first, the rest as setup."""
    provisioning = min(PROVISIONING_SECONDS, total_seconds)
    return BootModel(provisioning, 0, total_seconds - provisioning)
