"""Build contexts and content keys: what each app's build sends, the generated Dockerfile, and when the tag moves.

Everything here runs the real planning pass and CLI over real project folders; the Docker builds of
these contexts are in ``test_docker_builds.py``.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from fleetform.images.context import build_context
from fleetform.images.docker_build import docker_config
from fleetform.images.key import content_key
from fleetform.images.runtime_files import SERVE_REQUIREMENTS
from fleetform.plan.model import docker_auth_key
from fleetform.plan.platform import plan_workspace_outcome
from fleetform.spec.workspace import open_workspace
from tests.conftest import EXAMPLES, REPO

FAL_PYTHON = REPO / ".venv-fal" / "bin" / "python"


def write_project(root: Path, *, app_body: str = "", toml_extra: str = "", platform_extra: str = "") -> Path:
    """A platform repo with one app project ``apps/demo`` (a fal.App with requirements and app_files)."""
    (root / "apps" / "demo" / "assets").mkdir(parents=True, exist_ok=True)
    (root / "apps" / "demo" / "assets" / "weights.txt").write_text("v1\n")
    (root / "apps" / "demo" / "assets" / "skip.tmp").write_text("ignored\n")
    (root / "apps" / "demo" / "helpers.py").write_text("GREETING = 'hi'\n")
    (root / "apps" / "demo" / "app.py").write_text(textwrap.dedent('''\
        import fal


        class Demo(fal.App):
            machine_type = "XS"
            requirements = ["six==1.16.0", "--extra-index-url", "https://${PIP_TOKEN}@pypi.example.com/simple",
                            "idna==3.7"]
            app_files = ["assets"]
            app_files_ignore = [r"\\.tmp$"]
            local_python_modules = ["helpers"]
        ''') + app_body)
    (root / "apps" / "demo" / "pyproject.toml").write_text(textwrap.dedent(f'''\
        [project]
        name = "demo"
        version = "0.1.0"

        [tool.fal.apps.demo]
        ref = "app.py::Demo"
        {toml_extra}
        '''))
    (root / "pyproject.toml").write_text(textwrap.dedent(f'''\
        [tool.fleetform]
        name = "acme"
        clouds = ["aws"]
        apps = ["apps/*/pyproject.toml"]
        {platform_extra}
        '''))
    return root


def contexts(root: Path):
    workspace = open_workspace(root)
    outcome = plan_workspace_outcome(workspace)
    assert outcome.plan is not None, [p.render() for p in outcome.problems]
    result = {}
    for app in outcome.apps:
        groups = outcome.plan.groups(app.spec.name)
        context = build_context(app, workspace.platform.images,
                                accelerated=any(g.machine.gpus_per_instance for g in groups))
        result[app.spec.name] = (context, groups[0].image.tag)
    return result


def test_every_example_app_has_a_build_context_whose_key_is_the_plans_tag(run_cli):
    result = run_cli("build", "--dry-run", "--json", "--config", EXAMPLES / "platform")
    assert result.code == 0, result.err
    rows = {row["app"]: row for row in json.loads(result.out)["images"]}
    assert set(rows) == {"transcriber", "image-generator", "captioner", "upscaler"}
    for row in rows.values():
        assert row["kind"] in ("requirements", "dockerfile") and row["files"] > 0
        assert row["image"] == f"acme/{row['app']}:{row['key']}" and row["key"].startswith("in-")
    for name, (context, tag) in contexts(EXAMPLES / "platform").items():
        assert context is not None and content_key(context) == tag, name


def test_the_generated_dockerfile_keeps_fals_layers_options_and_secrets_in_order(tmp_path):
    (context, _tag), = contexts(write_project(tmp_path)).values()
    dockerfile = context.files["Dockerfile"].content.decode()
    lines = dockerfile.splitlines()
    assert lines[1] == "FROM " + context.base_image and context.base_image.startswith(
        "docker.io/library/python:3.11-slim-bookworm@sha256:")
    install = next(line for line in dockerfile.split("\nRUN ") if "pip install" in line)
    # One flat layer: fal's serving requirements join it, after the app's own entries, options in place.
    assert install.index("six==1.16.0") < install.index("--extra-index-url") < install.index(
        "https://\"${PIP_TOKEN}\"@pypi.example.com/simple") < install.index("idna==3.7") < install.index(
        "fastapi==") < install.index("fal==1.83.0")
    assert "--mount=type=secret,id=PIP_TOKEN,required=true" in install
    assert 'PIP_TOKEN="$(cat /run/secrets/PIP_TOKEN)"' in install
    assert "ARG" not in dockerfile and "ENV PIP_TOKEN" not in dockerfile
    assert [s.id for s in context.secrets] == ["PIP_TOKEN"]
    # Code last: app_files, then the app source, so a code-only change rebuilds the last layer only.
    assert lines.index("COPY files/ /app/") < lines.index("COPY app/ /app/") == len(lines) - 3
    assert lines[-1] == 'CMD ["python", "-m", "fleetform_app_server"]'
    assert "FLEETFORM_APP_FILE=app.py" in dockerfile and "FLEETFORM_APP_REF=Demo" in dockerfile
    assert "FLEETFORM_APP_PORT=8080" in dockerfile and "FLEETFORM_METRICS_PORT=9090" in dockerfile
    assert sorted(n for n in context.files if not n.startswith("runtime/")) == [
        "Dockerfile", "app/app.py", "files/assets/weights.txt", "local_modules/helpers.py"]


def test_layered_requirements_get_fals_serving_requirements_as_a_layer_of_their_own(tmp_path):
    root = write_project(tmp_path)
    app = root / "apps" / "demo" / "app.py"
    app.write_text(app.read_text().replace(
        'requirements = ["six==1.16.0", "--extra-index-url", "https://${PIP_TOKEN}@pypi.example.com/simple",\n'
        '                    "idna==3.7"]', 'requirements = [["six==1.16.0"], ["idna==3.7"]]'))
    (context, _), = contexts(root).values()
    steps = [step for step in context.files["Dockerfile"].content.decode().split("\nRUN ") if "pip install" in step]
    assert len(steps) == 3
    assert "six==1.16.0" in steps[0] and "idna==3.7" in steps[1] and "fal==1.83.0" in steps[2]
    assert not context.secrets


def test_the_key_moves_with_file_contents_and_not_with_settings_that_do_not_reach_the_build(tmp_path):
    root = write_project(tmp_path)
    (before, tag), = contexts(root).values()
    assert content_key(before) == tag
    (root / "apps" / "demo" / "assets" / "skip.tmp").write_text("changed, but ignored\n")
    assert next(iter(contexts(root).values()))[1] == tag
    toml = root / "apps" / "demo" / "pyproject.toml"
    toml.write_text(toml.read_text() + "keep_alive = 999\nmax_concurrency = 3\n")
    assert next(iter(contexts(root).values()))[1] == tag
    (root / "apps" / "demo" / "assets" / "weights.txt").write_text("v2\n")  # same name, new contents
    edited = next(iter(contexts(root).values()))[1]
    assert edited != tag
    (root / "apps" / "demo" / "helpers.py").write_text("GREETING = 'hello'\n")
    assert next(iter(contexts(root).values()))[1] not in (tag, edited)


def test_the_key_is_the_same_in_another_checkout(tmp_path):
    first = next(iter(contexts(write_project(tmp_path / "a")).values()))[1]
    second = next(iter(contexts(write_project(tmp_path / "b")).values()))[1]
    assert first == second


def test_the_base_image_is_a_key_input_and_the_ca_bundle_is_not(tmp_path):
    (tmp_path / "ca.pem").write_bytes(Path("/etc/ssl/certs/ca-certificates.crt").read_bytes()[:4000]
                                      if Path("/etc/ssl/certs/ca-certificates.crt").exists() else
                                      b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n")
    root = write_project(tmp_path / "p", platform_extra='[tool.fleetform.images]\nca_certificates = ["../ca.pem"]')
    (context, tag), = contexts(root).values()
    assert "ca-certificates.pem" in context.files and "--mount=type=bind,source=ca-certificates.pem" in \
        context.files["Dockerfile"].content.decode()
    (tmp_path / "ca.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nBB==\n-----END CERTIFICATE-----\n")
    assert next(iter(contexts(root).values()))[1] == tag
    mirrored = write_project(tmp_path / "m", platform_extra=(
        '[tool.fleetform.images]\nca_certificates = ["../ca.pem"]\ncpu_base = { "3.11" = "mirror.acme/python:3.11" }'))
    assert next(iter(contexts(mirrored).values()))[1] != tag


def test_bad_image_settings_name_the_key_and_what_is_allowed(tmp_path, run_cli):
    root = write_project(tmp_path, platform_extra=(
        '[tool.fleetform.images]\nca_certificates = ["missing.pem", "pyproject.toml"]\ncpu_base = { "3.12" = "x" }'))
    result = run_cli("build", "--dry-run", "--config", root)
    assert result.code == 2
    assert "tool.fleetform.images.ca_certificates[0]" in result.err and "cannot read" in result.err
    assert "tool.fleetform.images.ca_certificates[1]" in result.err and "no PEM certificate" in result.err
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text().replace(
        'ca_certificates = ["missing.pem", "pyproject.toml"]\n', ""))
    result = run_cli("build", "--dry-run", "--config", root)
    assert result.code == 2 and "error[image/no-base-image]" in result.err and "allowed: 3.12" in result.err
    assert "tool.fal.apps.demo.python_version" in result.err and "Traceback" not in result.err


def test_context_out_writes_each_context_and_unknown_apps_are_bad_input(tmp_path, run_cli):
    root = write_project(tmp_path / "p")
    result = run_cli("build", "demo", "--context-out", tmp_path / "out", "--config", root)
    assert result.code == 0, result.err
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert "demo/Dockerfile" in written and "demo/files/assets/weights.txt" in written
    assert "demo/files/assets/skip.tmp" not in written
    result = run_cli("build", "dmeo", "--dry-run", "--config", root)
    assert result.code == 2 and "error[build/unknown-app]" in result.err and "did you mean 'demo'" in result.err
    result = run_cli("build", "--config", root)
    assert result.code == 2 and "--local" in result.err


def test_dockerfile_apps_send_their_context_with_build_args_and_secret_mounts():
    context, _tag = contexts(EXAMPLES / "platform")["captioner"]
    assert context.kind == "dockerfile" and context.dockerfile == "captioner/Dockerfile"
    assert context.build_args == (("CUDA_VERSION", "12.4"),)
    assert [(s.id, s.secret) for s in context.secrets] == [("PIP_TOKEN", "PIP_TOKEN")]
    assert "captioner/app.py" in context.files and not any(n.startswith("runtime/") for n in context.files)
    upscaler, _ = contexts(EXAMPLES / "platform")["upscaler"]
    assert upscaler.dockerfile == ".fleetform/Dockerfile"  # ContainerImage.from_dockerfile_str


def test_serve_requirements_are_those_the_pinned_fal_adds(tmp_path):
    if not FAL_PYTHON.is_file():
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail("the pinned fal is missing (.venv-fal): run scripts/bootstrap")
        pytest.skip("the pinned fal is missing (.venv-fal): run scripts/bootstrap")
    printed = subprocess.run(
        [str(FAL_PYTHON), "-c", "import json, fal, fal.api.api as a; print(json.dumps([fal.__version__, "
                                "a.SERVE_REQUIREMENTS]))"],
        capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        timeout=300).stdout
    version, requirements = json.loads(printed.strip().splitlines()[-1])
    assert version == "1.83.0"
    assert list(SERVE_REQUIREMENTS) == requirements


def test_a_local_builds_docker_configuration_is_the_users_with_its_logins_added(tmp_path, monkeypatch):
    user = tmp_path / "user-docker"
    user.mkdir()
    mine = {"credsStore": "desktop", "auths": {"ghcr.io": {"auth": "dXNlcjpvdGhlcg=="}},
            "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"},
            "proxies": {"default": {"httpsProxy": "http://proxy.corp:3128"}}}
    (user / "config.json").write_text(json.dumps(mine))
    monkeypatch.setenv("DOCKER_CONFIG", str(user))
    folder = docker_config(tmp_path / "build-config", {docker_auth_key("index.docker.io"): ("bot", "hub-pass"),
                                                        docker_auth_key("Registry.corp:5000"): ("ci", "corp-pass")})
    config = json.loads((folder / "config.json").read_text())
    hub, corp = "https://index.docker.io/v1/", "registry.corp:5000"
    assert config == {**mine,
                      "auths": {**mine["auths"], hub: {"auth": base64.b64encode(b"bot:hub-pass").decode()},
                                corp: {"auth": base64.b64encode(b"ci:corp-pass").decode()}},
                      "credHelpers": {**mine["credHelpers"], hub: "", corp: ""}}
    assert json.loads((user / "config.json").read_text()) == mine
    assert (folder.stat().st_mode & 0o777, (folder / "config.json").stat().st_mode & 0o777) == (0o700, 0o600)
