"""What every runner (a VM of an instance group) does at boot, rendered from the plan.

:func:`boot_script` is the bash script: EC2 user data on AWS (pass :func:`aws_user_data`, its
compressed form, as the launch template's ``user_data``), the ``startup-script`` metadata value on
GCP (pass it through :func:`terraform_literal`). Names the constructs must share with the script
are in :mod:`fleetform.runner.contract`.
"""

from __future__ import annotations

from fleetform.runner.boot_script import aws_user_data, boot_script
from fleetform.runner.terraform_literal import terraform_literal

__all__ = ["aws_user_data", "boot_script", "terraform_literal"]
