"""Session fixtures of the Docker tests: the base image and one build of the buildable apps, shared by all tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from fleetform.images.docker_build import DockerCli
from fleetform.plan.model import PlatformPlan
from tests.images.docker import CliRun, build_local, docker_base, docker_cli, plan_of, write_platform

BUILT_APPS = ("studio", "shout", "static")
"""A fal.App with requirements and a served @fal.function (both served by the runtime entry), and a Dockerfile
app with a build secret."""


@dataclass(frozen=True)
class Built:
    root: Path
    plan: PlatformPlan
    first_build: CliRun
    cli: DockerCli
    base: str


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = docker_base()
    root = write_platform(tmp_path_factory.mktemp("docker-platform"), base)
    run = build_local(root, *BUILT_APPS)
    assert run.code == 0, f"fleetform build --local exited {run.code}\n{run.err[-6000:]}"
    return Built(root, plan_of(root), run, docker_cli(), base)
