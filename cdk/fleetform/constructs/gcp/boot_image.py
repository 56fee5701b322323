"""The runners' boot image: a Deep Learning VM image, looked up by family at plan time.

The runner's boot script needs docker, gcloud, python3 and, on GPU runners, the NVIDIA driver and
container toolkit (``fleetform/runner``). Google's Deep Learning VM images bring all of them
(https://cloud.google.com/deep-learning-vm/docs/images): GPU groups boot the CUDA 12.8 family with
the NVIDIA 570 driver preinstalled on Ubuntu 22.04 (the ``install-nvidia-driver`` metadata key stays
set, for images of the family that install the driver on first boot), CPU groups the ``common-cpu``
family. Reading the family's newest image at plan time means a new image release shows up as a
template change, which rolls the group like any other revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.plan.model import GroupPlan
from fleetform.tf import Construct, google

DLVM_PROJECT = "deeplearning-platform-release"


@dataclass(frozen=True)
class ImageFamily:
    project: str
    family: str
    secure_boot: bool
    """Whether the image boots under Shielded VM Secure Boot. The GPU family's NVIDIA kernel modules
    are not signed for it, so GPU runners keep vTPM and integrity monitoring without Secure Boot
    (https://cloud.google.com/compute/docs/gpus/install-drivers-gpu#secure-boot)."""


GPU_IMAGE = ImageFamily(DLVM_PROJECT, "common-cu128-ubuntu-2204-nvidia-570", secure_boot=False)
CPU_IMAGE = ImageFamily(DLVM_PROJECT, "common-cpu", secure_boot=True)


def image_family(group: GroupPlan) -> ImageFamily:
    return GPU_IMAGE if group.machine.gpus_per_instance else CPU_IMAGE


def boot_image(scope: Construct, family: ImageFamily) -> google.data.ComputeImage:
    """The family's newest image, read under ``scope``."""
    return google.data.ComputeImage(scope, "BootImage", project=family.project, family=family.family)
