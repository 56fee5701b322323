"""What ``docker run`` gets from the app's ``entrypoint``/``cmd`` overrides, with Dockerfile semantics.

Shell form (one string) runs under ``/bin/sh -c``; exec form (a list) runs as given. ``docker run
--entrypoint`` takes a single executable and clears the image's CMD, so an exec-form entrypoint
becomes ``--entrypoint <first>`` with the rest as leading arguments, followed by the cmd override.
A shell-form entrypoint ignores CMD, as a shell-form ENTRYPOINT does in a Dockerfile.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.plan.model import ImagePlan

SHELL = ("/bin/sh", "-c")


@dataclass(frozen=True)
class ContainerCommand:
    """``docker run`` options before the image, and the arguments after it."""

    options: tuple[str, ...]
    arguments: tuple[str, ...]


def container_command(image: ImagePlan) -> ContainerCommand:
    """The ``--entrypoint`` option and trailing arguments that reproduce the image plan's overrides."""
    cmd = _argv(image.cmd)
    if image.entrypoint is None:
        return ContainerCommand(options=(), arguments=cmd)
    if isinstance(image.entrypoint, str):
        return ContainerCommand(options=("--entrypoint", SHELL[0]), arguments=(SHELL[1], image.entrypoint))
    if not image.entrypoint:
        return ContainerCommand(options=("--entrypoint", ""), arguments=cmd)
    first, *rest = image.entrypoint
    return ContainerCommand(options=("--entrypoint", first), arguments=(*rest, *cmd))


def _argv(command: tuple[str, ...] | str | None) -> tuple[str, ...]:
    if command is None:
        return ()
    if isinstance(command, str):
        return (*SHELL, command)
    return tuple(command)
