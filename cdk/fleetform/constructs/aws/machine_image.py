"""Which AMI a group's runners boot: found through AWS's public SSM parameters, per region.

GPU groups boot the AWS Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04): NVIDIA driver,
Docker with the NVIDIA container toolkit, AWS CLI v2 and the SSM agent, which is what the runner's
boot script needs (DLAMI release notes; parameter
``/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id``).
CPU groups boot Amazon Linux 2023 (AWS CLI v2 and the SSM agent preinstalled, Docker from its
repositories): the DLAMI's snapshot is larger than a CPU group's root volume.

The parameter is read at plan time (``insecure_value``: the ID is public, and a sensitive value
would hide AMI changes from the plan), so a new AMI release shows up in the plan as a launch
template change and rolls the group with its rollout strategy; the launch template holds a plain
AMI ID, which keeps instance-refresh rollback available.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.plan.model import MachinePlan


@dataclass(frozen=True)
class MachineImage:
    """An AMI family: its public SSM parameter and the root device name its images use."""

    key: str
    ssm_parameter: str
    root_device_name: str


GPU_IMAGE = MachineImage(
    key="DeepLearningBaseGpu",
    ssm_parameter="/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id",
    root_device_name="/dev/sda1",
)
CPU_IMAGE = MachineImage(
    key="AmazonLinux2023",
    ssm_parameter="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    root_device_name="/dev/xvda",
)


def machine_image(machine: MachinePlan) -> MachineImage:
    """The GPU image for machines with GPUs, the CPU image otherwise."""
    return GPU_IMAGE if machine.gpus_per_instance > 0 else CPU_IMAGE
