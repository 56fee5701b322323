"""Building a context with the local Docker daemon, through the docker CLI with BuildKit.

The CLI, not the Docker SDK: the SDK speaks the daemon's classic build API, which has no BuildKit
session, so it cannot pass ``--secret`` (``RUN --mount=type=secret``). fleetform runs the first
docker CLI that builds with BuildKit: ``$FLEETFORM_DOCKER`` if set, else each ``docker`` on
``PATH`` in order, using ``docker buildx build --load`` where the buildx plugin is installed, and
``DOCKER_BUILDKIT=1 docker build`` where the CLI has BuildKit built in (docker < 23, such as
Debian bookworm's ``docker.io``). The output is BuildKit's plain progress, streamed line by line; a
failed build names the step that failed (``[3/7] RUN python -m pip install ...``).

Build secrets are read from the environment variable of the secret's name and handed to BuildKit
as a file in a private temporary folder, removed when the build ends: never an argument, build
arg or layer.

Registry logins (``image.registries``, for private base images) work the same way: the password comes
from the environment, and the build runs with a Docker configuration of its own (``docker --config``,
a private temporary folder holding the user's configuration with those logins added), so BuildKit pulls
with them while the user's own ``~/.docker/config.json`` is not changed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fleetform.errors import FleetformError
from fleetform.images.context import BuildContext

DOCKER_VARIABLE = "FLEETFORM_DOCKER"
LEGACY_BUILDKIT_BEFORE = 23
"""docker CLIs before 23.0 run BuildKit themselves with ``DOCKER_BUILDKIT=1``; later ones need buildx."""
_STEP = re.compile(r"^#(\d+) (\[[^\]]*\] .*)$")
_STEP_ERROR = re.compile(r"^#(\d+) ERROR: (.*)$")


@dataclass(frozen=True)
class DockerCli:
    """A docker CLI able to build with BuildKit, and how."""

    path: str
    buildx: bool

    def build_command(self, *, tag: str, dockerfile: str, context: Path, build_args: tuple[tuple[str, str], ...],
                      secrets: Mapping[str, Path], config: Path | None = None) -> list[str]:
        command = [self.path, *(("--config", str(config)) if config else ()),
                   *(("buildx", "build", "--load") if self.buildx else ("build",)),
                   "--progress=plain", "--file", str(context / dockerfile), "--tag", tag]
        for name, value in build_args:
            command += ["--build-arg", f"{name}={value}"]
        for secret_id, file in sorted(secrets.items()):
            command += ["--secret", f"id={secret_id},src={file}"]
        return [*command, str(context)]

    def environment(self) -> dict[str, str]:
        return {**os.environ, **({} if self.buildx else {"DOCKER_BUILDKIT": "1"})}


@dataclass(frozen=True)
class LocalBuild:
    """How one local build ended."""

    app: str
    image: str
    ok: bool
    seconds: float
    failed_step: str | None = None
    log_tail: tuple[str, ...] = ()
    cached_steps: int = 0
    """How many of ``steps`` BuildKit took from its cache."""
    steps: int = 0
    """The Dockerfile's steps after ``FROM`` (``RUN``, ``COPY``, ``WORKDIR``, ...)."""


def find_docker() -> DockerCli:
    """The docker CLI to build with; raises, naming what was tried, when none can build with BuildKit."""
    chosen = os.environ.get(DOCKER_VARIABLE)
    candidates = [chosen] if chosen else _docker_on_path()
    tried = []
    for candidate in candidates:
        cli = _probe(candidate)
        if cli is not None:
            return cli
        tried.append(candidate)
    raise FleetformError.single(
        "build/no-docker", f"${DOCKER_VARIABLE}" if chosen else "PATH",
        "no docker CLI that builds with BuildKit" + (f" (tried {', '.join(tried)})" if tried else " on PATH"),
        allowed="a docker CLI with the buildx plugin, or docker < 23 with BuildKit built in",
        fix="install the docker buildx plugin, or point FLEETFORM_DOCKER at such a CLI (scripts/docker-setup)")


def _docker_on_path() -> list[str]:
    found = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = shutil.which("docker", path=folder) if folder else None
        if path and path not in found:
            found.append(path)
    return found


def _probe(path: str) -> DockerCli | None:
    try:
        if subprocess.run([path, "buildx", "version"], capture_output=True, timeout=30).returncode == 0:
            return DockerCli(path, buildx=True)
        version = subprocess.run([path, "version", "--format", "{{.Client.Version}}"], capture_output=True,
                                 text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    major = version.split(".", 1)[0]
    return DockerCli(path, buildx=False) if major.isdigit() and int(major) < LEGACY_BUILDKIT_BEFORE else None


def daemon_running(cli: DockerCli) -> bool:
    """True when the CLI reaches a Docker daemon."""
    try:
        return subprocess.run([cli.path, "info"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def image_exists(cli: DockerCli, image: str) -> bool:
    """True when the local daemon has ``image``."""
    return subprocess.run([cli.path, "image", "inspect", image], capture_output=True, timeout=60).returncode == 0


def build_locally(cli: DockerCli, context: BuildContext, image: str, *, echo: Callable[[str], None],
                  secret_values: Mapping[str, str],
                  logins: Mapping[str, tuple[str, str]] | None = None) -> LocalBuild:
    """Build ``context`` as ``image``; ``secret_values`` maps each secret id to its value, ``logins`` each
    registry base images come from (by its ``config.json`` key) to its username and password."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fleetform-build-") as scratch:
        folder = Path(scratch) / "context"
        context.write(folder)
        secrets_folder = Path(scratch) / "secrets"
        secrets_folder.mkdir(mode=0o700)
        files = {}
        for secret_id, value in secret_values.items():
            file = secrets_folder / secret_id
            file.touch(mode=0o600)
            file.write_text(value)
            files[secret_id] = file
        config = docker_config(Path(scratch) / "docker-config", logins) if logins else None
        command = cli.build_command(tag=image, dockerfile=context.dockerfile, context=folder,
                                    build_args=context.build_args, secrets=files, config=config)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   env=cli.environment(), errors="replace")
        assert process.stdout is not None
        lines: list[str] = []
        steps: dict[str, str] = {}
        failed: str | None = None
        cached: set[str] = set()
        for raw in process.stdout:
            line = raw.rstrip("\n")
            lines.append(line)
            echo(line)
            if match := _STEP.match(line):
                steps.setdefault(match.group(1), match.group(2))
            elif match := _STEP_ERROR.match(line):
                failed = failed or steps.get(match.group(1), match.group(2))
            elif line.startswith("#") and line.endswith(" CACHED"):
                cached.add(line.split(" ", 1)[0][1:])
        code = process.wait()
    seconds = round(time.monotonic() - started, 2)
    build_steps = {number for number, label in steps.items() if _is_build_step(label)}
    if code != 0:
        failed = failed or next((line for line in reversed(lines) if "ERROR" in line or "error" in line), None)
        return LocalBuild(context.app, image, False, seconds, failed or f"docker exited {code}", tuple(lines[-30:]),
                          len(cached & build_steps), len(build_steps))
    return LocalBuild(context.app, image, True, seconds, cached_steps=len(cached & build_steps),
                      steps=len(build_steps))


def docker_config(folder: Path, logins: Mapping[str, tuple[str, str]]) -> Path:
    """Write into ``folder`` the user's Docker client configuration with ``logins`` added: each key of
    ``config.json``'s ``auths`` (:func:`fleetform.plan.model.docker_auth_key`) -> username, password.

    Everything else of the user's configuration stays (other registries' logins and credential helpers, the
    ``proxies`` a corporate network needs), so a base image from a registry the user logged in to still
    pulls. For the given registries ``credHelpers`` names no helper, which makes Docker read their
    logins from this file even where the user has a ``credsStore``.
    """
    folder.mkdir(mode=0o700)
    config = _user_docker_config()
    auths = dict(config.get("auths") or {})  # type: ignore[call-overload]
    helpers = dict(config.get("credHelpers") or {})  # type: ignore[call-overload]
    for key, (username, password) in sorted(logins.items()):
        auths[key] = {"auth": base64.b64encode(f"{username}:{password}".encode()).decode()}
        helpers[key] = ""
    file = folder / "config.json"
    file.touch(mode=0o600)
    file.write_text(json.dumps({**config, "auths": auths, "credHelpers": helpers}))
    return folder


def _user_docker_config() -> dict[str, object]:
    """The user's Docker client configuration (``$DOCKER_CONFIG`` or ``~/.docker``), or nothing."""
    folder = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")
    try:
        loaded = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _is_build_step(label: str) -> bool:
    """A Dockerfile step that makes a layer (``[2/6] RUN ...``): not BuildKit's own loading, nor the base's FROM."""
    position, _, instruction = label.partition("] ")
    return not position.startswith("[internal") and not instruction.startswith("FROM ")
