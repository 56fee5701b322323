"""The ``fleetform`` command line.

Exit codes (the same for every command): 0 ok, 1 findings (check, review), 2 bad input. Bad input
is printed as fleetform errors, never as a Python traceback; an unexpected internal failure prints
one line and the traceback only when ``FLEETFORM_DEBUG=1``.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from fleetform import __version__
from fleetform.errors import FleetformError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

# command name -> module under fleetform.cli that defines a click command called `command`.
COMMANDS = {
    "catalog": "catalog",
    "cdktf": "cdktf",
    "build": "build",
    "check": "check",
    "explain": "explain",
    "init": "init",
    "migrate-state": "migrate_state",
    "review": "review",
    "secrets": "secrets",
    "simulate": "simulate",
    "synth": "synth",
    "validate": "validate",
}


class _LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so ``validate`` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(f"fleetform.cli.{module}").command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fleetform")
def cli() -> None:
    """Run a fal-style serverless GPU platform on your own AWS and GCP accounts."""


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: runs the CLI and maps errors to exit codes."""
    try:
        result = cli.main(args=argv, prog_name="fleetform", standalone_mode=False)
    except FleetformError as error:
        click.echo(error.render(), err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as usage:
        usage.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as bug:  # the last line of defence against a traceback for users
        if os.environ.get("FLEETFORM_DEBUG") == "1":
            traceback.print_exc()
        else:
            click.echo(
                f"internal error: {type(bug).__name__}: {bug} (this is a fleetform bug; "
                "rerun with FLEETFORM_DEBUG=1 for the traceback and report it)",
                err=True,
            )
        return EXIT_INTERNAL
    # Commands return their exit code; ``--help`` and ``--version`` return None.
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
