"""``fleetform build --local`` logs in to ``image.registries`` before it pulls a private base image, with the
password from the environment, and leaves neither the password nor the login behind (issue 12's registries,
now for local builds too)."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from tests.images.conftest import Built
from tests.images.docker import build_lock, fleetform, write_platform_settings
from tests.images.private_registry import USERNAME, private_registry

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def docker(built: Built, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([built.cli.path, *args], input=stdin, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stderr)
    return done


def write_private_base_app(root: Path, base: str, host: str) -> None:
    app = root / "apps" / "privbase"
    app.mkdir(parents=True)
    (app / "Dockerfile").write_text(f"FROM {base}\nRUN echo built on the private base > /built\n")
    (app / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [tool.fal.apps.privbase]
        machine_type = "XS"

        [tool.fal.apps.privbase.image]
        dockerfile = "Dockerfile"
        registries = {{ "{host}" = {{ username = "{USERNAME}", password = "$PRIVATE_REGISTRY_PASSWORD" }} }}
        """))


def test_a_private_base_image_builds_with_the_registrys_login_and_fails_without_it(built: Built,
                                                                                    tmp_path: Path) -> None:
    password = f"registry-password-{time.time_ns()}"
    with private_registry(tmp_path / "registry", password) as registry:
        private_base = f"{registry.host}/fleetform-test/private-base:1"
        pusher = tmp_path / "pusher"  # the push's own login, so the build below cannot borrow it
        pusher.mkdir()
        docker(built, "--config", str(pusher), "login", registry.host, "--username", USERNAME, "--password-stdin",
               stdin=password)
        docker(built, "tag", built.base, private_base)
        docker(built, "--config", str(pusher), "push", private_base)
        docker(built, "rmi", private_base)
        # The user's own Docker configuration names a credential store that does not exist: the build must
        # still use the login it is given, and leave the user's file as it was.
        user = tmp_path / "user-docker"
        user.mkdir()
        user_config = json.dumps({"credsStore": "fleetform-missing-helper", "auths": {}})
        (user / "config.json").write_text(user_config)
        root = tmp_path / "platform"
        write_private_base_app(root, private_base, registry.host)
        write_platform_settings(root, built.base)
        with build_lock():
            unset = fleetform("build", "privbase", "--local", "--config", root)
            wrong = fleetform("build", "privbase", "--local", "--config", root,
                              env={"PRIVATE_REGISTRY_PASSWORD": "not-the-password"})
            right = fleetform("build", "privbase", "--local", "--json", "--config", root,
                              env={"PRIVATE_REGISTRY_PASSWORD": password, "DOCKER_CONFIG": str(user)})
    assert unset.code == 2 and "error[build/secret-unset] $PRIVATE_REGISTRY_PASSWORD" in unset.err, unset.err
    assert f"privbase pulls base images from {registry.host} as {USERNAME}" in unset.err
    assert wrong.code == 1 and "build failed" in wrong.err, wrong.err[-3000:]
    assert right.code == 0, right.err[-3000:]
    assert (user / "config.json").read_text() == user_config
    assert password not in right.out + right.err + wrong.out + wrong.err, "the password is never printed"
    (build,) = right.json()["builds"]
    contents = docker(built, "run", "--rm", build["image"], "cat", "/built").stdout
    assert contents == "built on the private base\n"
    history = docker(built, "history", "--no-trunc", build["image"]).stdout
    assert password not in history
