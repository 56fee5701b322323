"""Real Docker for the image tests: the daemon and base image from ``scripts/docker-setup``, a platform repo of
buildable apps, ``fleetform build --local`` run as a user runs it, and containers started as the runner starts them.

Nothing here is skipped: when Docker cannot run, the tests fail saying why (``scripts/test`` runs
``scripts/docker-setup`` before pytest, so CI has a daemon and the base image).
"""

from __future__ import annotations

import fcntl
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from fleetform.images.docker_build import DockerCli, find_docker
from fleetform.images.runtime_files import RUNTIME_REQUIREMENTS
from fleetform.plan.model import GroupPlan, PlatformPlan
from fleetform.plan.platform import plan_workspace_outcome
from fleetform.runner import boot_script
from fleetform.spec.workspace import open_workspace
from tests.conftest import REPO
from tests.polling import free_port, wait_for
from tests.runner.fake_clouds import AWS_RULES
from tests.runner.sandbox import Sandbox

SETUP = REPO / "scripts" / "docker-setup"
APP_SERVER_PROJECT = REPO / "tests" / "app_server" / "project"
DOCKER_APPS = Path(__file__).resolve().parent / "docker_apps"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
"""The host's trust store (``update-ca-certificates``), which holds a TLS-intercepting proxy's CA where there is one."""
BUILD_TOKEN = "fleetform-build-secret-7d1c0e5b2a"
PLATFORM = "dockertest"
BUILD_LOCK = Path("/tmp/fleetform-docker-tests.lock")
"""Test workers build one at a time: the second finds the first's layers in the cache."""


def docker_base() -> str:
    """The local base image's tag; fails the test (never skips) when Docker cannot run here."""
    done = subprocess.run([str(SETUP)], capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        pytest.fail(f"scripts/docker-setup exited {done.returncode}: Docker is required\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def docker_cli() -> DockerCli:
    return find_docker()


def write_platform_settings(root: Path, base: str, *ca_certificates: Path) -> Path:
    """The platform's pyproject.toml: AWS, the apps under ``apps/``, the local base and the CAs builds trust."""
    trusted = ", ".join(f'"{path}"' for path in ca_certificates)
    (root / "pyproject.toml").write_text(textwrap.dedent(f'''\
        [tool.fleetform]
        name = "{PLATFORM}"
        clouds = ["aws"]
        apps = ["apps/*/pyproject.toml"]

        [tool.fleetform.images]
        cpu_base = {{ "3.11" = "{base}" }}
        ca_certificates = [{trusted}]
        '''))
    return root


def write_platform(root: Path, base: str) -> Path:
    """A platform repo: the runtime entry's fixture project (``studio`` and friends) and two Dockerfile apps."""
    shutil.copytree(APP_SERVER_PROJECT, root / "apps" / "studio", ignore=shutil.ignore_patterns("__pycache__"))
    for app in ("static", "broken"):
        shutil.copytree(DOCKER_APPS / app, root / "apps" / app)
        pyproject = root / "apps" / app / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace("@@BASE@@", base))
    return write_platform_settings(root, base, HOST_CA_BUNDLE)


def write_private_index_platform(root: Path, base: str, index_url: str, index_ca: Path) -> Path:
    """A platform with one fal.App whose last requirement layer installs from a private index with a token.

    Its first layer is the ``shout`` fixture's, with fal's serving requirements written out so fal adds none
    after the private layer: BuildKit reuses it, and only the private layer installs (the URL holds the
    index's port, new each run). The platform trusts the host's CAs and the index's.
    """
    serving = ", ".join(f'"{requirement}"' for requirement in RUNTIME_REQUIREMENTS)
    app = root / "apps" / "private"
    app.mkdir(parents=True)
    (app / "private.py").write_text(textwrap.dedent(f'''\
        import fal


        class Private(fal.App):
            machine_type = "XS"
            requirements = [
                ["pyyaml==6.0.4", {serving}],
                ["--index-url", "{index_url}", "fleetform-secret-probe==1.0"],
            ]

            @fal.endpoint("/")
            def probe(self) -> dict:
                import fleetform_secret_probe

                return {{"installed": fleetform_secret_probe.INSTALLED}}
        '''))
    (app / "pyproject.toml").write_text('[tool.fal.apps.private]\nref = "private.py::Private"\n')
    return write_platform_settings(root, base, HOST_CA_BUNDLE, index_ca)


def bridge_gateway(cli: DockerCli) -> str:
    """The address build steps reach this machine at: the default bridge network's gateway.

    A daemon that was just started may list the bridge's subnet without its gateway (docker 20.10); the
    gateway is then the subnet's first host address, which the daemon gives the bridge interface.
    """
    done = subprocess.run([cli.path, "network", "inspect", "bridge", "--format", "{{json (index .IPAM.Config 0)}}"],
                          capture_output=True, text=True, timeout=60, check=True)
    config = json.loads(done.stdout)
    return config.get("Gateway") or str(next(ipaddress.ip_network(config["Subnet"]).hosts()))


def plan_of(root: Path) -> PlatformPlan:
    outcome = plan_workspace_outcome(open_workspace(root))
    assert outcome.plan is not None, [problem.render() for problem in outcome.problems]
    return outcome.plan


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str
    seconds: float

    def json(self) -> dict:
        return json.loads(self.out)


def fleetform(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 1800) -> CliRun:
    """``fleetform ARGS`` as a separate process (its build output streams to its stderr)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "fleetform", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=timeout, check=False)
    return CliRun(done.returncode, done.stdout, done.stderr, round(time.monotonic() - started, 2))


@contextmanager
def build_lock() -> Iterator[None]:
    with BUILD_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_local(root: Path, *apps: str, secrets: dict[str, str] | None = None) -> CliRun:
    """``fleetform build --local --json APPS`` with the build secrets in the environment, one build at a time."""
    with build_lock():
        return fleetform("build", *apps, "--local", "--json", "--config", root,
                         env=secrets or {"BUILD_TOKEN": BUILD_TOKEN})


def built_image(plan: PlatformPlan, app: str) -> str:
    """The local tag ``fleetform build --local`` gives the app: the repository and tag its runners pull."""
    image = plan.groups(app)[0].image
    return f"{image.repository}:{image.tag}"


@dataclass
class Container:
    """A container started from the runner's own ``docker run`` line, with its ports on free host ports."""

    cli: DockerCli
    name: str
    ports: dict[int, int]
    """container port -> host port"""

    def url(self, container_port: int, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[container_port]}{path}"

    def docker(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([self.cli.path, *args], capture_output=True, text=True, timeout=timeout, check=False)

    def logs(self) -> str:
        done = self.docker("logs", self.name)
        return done.stdout + done.stderr

    def state(self) -> dict:
        return json.loads(self.docker("inspect", "--format", "{{json .State}}", self.name).stdout)


def runner_docker_run(group: GroupPlan, base: Path) -> tuple[str, ...]:
    """The ``docker run`` argv the group's real boot script runs (in a sandbox whose docker only records)."""
    run = Sandbox(base, list(AWS_RULES)).run(boot_script(group, PLATFORM))
    assert run.returncode == 0, run.stderr
    return run.one("docker", "run").argv


def local_argv(argv: tuple[str, ...], image: str, local_image: str, name: str) -> tuple[list[str], dict[int, int]]:
    """The runner's argv made runnable on this machine, and nothing else changed.

    The image is the local tag instead of the registry's; each ``--publish`` goes to a free port on
    127.0.0.1 (the tests share the machine); the cloud log driver, which needs the cloud, is left out.
    """
    out: list[str] = []
    ports: dict[int, int] = {}
    items = list(argv[2:])  # after "docker run"
    index = 0
    while index < len(items):
        item = items[index]
        if item in ("--log-driver", "--log-opt"):
            index += 2
            continue
        if item == "--publish":
            container_port = int(items[index + 1].rsplit(":", 1)[-1])
            ports[container_port] = free_port()
            out += ["--publish", f"127.0.0.1:{ports[container_port]}:{container_port}"]
            index += 2
            continue
        if item == "--name":
            out += ["--name", name]
            index += 2
            continue
        out.append(local_image if item == image else item)
        index += 1
    assert local_image in out, f"{image} is not in the runner's docker run line {argv}"
    return out, ports


@contextmanager
def started_as_the_runner_starts_it(cli: DockerCli, group: GroupPlan, local_image: str, scratch: Path,
                                    name: str) -> Iterator[Container]:
    """The app's container, started with the runner's ``docker run`` options; removed afterwards.

    Its name carries this process's id, so test runs on the same daemon never touch each other's containers.
    """
    argv = runner_docker_run(group, scratch)
    name = f"{name}-{os.getpid()}"
    options, ports = local_argv(argv, _registry_image(argv), local_image, name)
    subprocess.run([cli.path, "rm", "--force", name], capture_output=True, check=False)
    started = subprocess.run([cli.path, "run", *options], capture_output=True, text=True, timeout=120, check=False)
    assert started.returncode == 0, f"docker run {' '.join(options)}\n{started.stderr}"
    container = Container(cli, name, ports)
    try:
        yield container
    finally:
        subprocess.run([cli.path, "rm", "--force", name], capture_output=True, check=False)


def _registry_image(argv: tuple[str, ...]) -> str:
    """The image operand of the runner's ``docker run``: the one naming the platform's registry."""
    return next(item for item in argv if re.search(r"\.dkr\.ecr\.|-docker\.pkg\.dev/", item))


def wait_until_healthy(container: Container, group: GroupPlan, timeout: float = 180.0) -> None:
    """Waits until the plan's own probe passes: a GET probe as the load balancer sends it, a POST one as the
    runner agent's bridge does (``POST {}`` to the app's health path, 2xx/3xx healthy)."""
    health = group.health
    url = container.url(group.runner.port, health.path if health.method == "POST" else health.probe_path)
    low, high = (200, 399) if health.method == "POST" else (int(code) for code in health.success_codes.split("-"))
    data = b"{}" if health.method == "POST" else None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def passes() -> bool:
        state = container.state()
        if not state.get("Running"):
            raise AssertionError(f"the container stopped: {state}\n{container.logs()}")
        probe = urllib.request.Request(url, data=data, method=health.method,
                                       headers={"Content-Type": "application/json"} if data else {})
        try:
            with opener.open(probe, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            return False
        return low <= status <= high

    wait_for(passes, f"{url} to pass the plan's probe ({health.success_codes})\n{container.logs()}", timeout)
