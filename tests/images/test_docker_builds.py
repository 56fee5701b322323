"""``fleetform build --local`` and the built images, with the real Docker daemon (issue 12).

One session build (``conftest.built``) of a fal.App with requirements (``studio``) and a served
``@fal.function`` (``shout``), both served by the runtime
entry, and a Dockerfile app with a build secret (``static``), on the local debootstrapped base image,
with the host's CA bundle as ``[tool.fleetform.images] ca_certificates`` (pip in the build goes through
this machine's TLS-intercepting proxy). The containers are started with the runner's own ``docker run``
line, rendered by its boot script.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import threading
import time
from pathlib import Path

import pytest

from fleetform.runner.agent_config import agent_config
from tests.app_server.serving import Answer, request, require_fal, run_local_command, running
from tests.images.conftest import Built
from tests.images.docker import (
    BUILD_TOKEN,
    bridge_gateway,
    build_local,
    build_lock,
    built_image,
    plan_of,
    started_as_the_runner_starts_it,
    wait_until_healthy,
    write_private_index_platform,
)
from tests.images.secret_index import WHEEL, IndexState, index_ca, secret_index, server_files
from tests.polling import free_port, wait_for
from tests.runner.groups import PLATFORM, group
from tests.runner.test_agent import CloudState, bridge_status, fake_cloud, running_agent

pytestmark = [pytest.mark.docker, pytest.mark.slow]

IN_FLIGHT = re.compile(r'^http_requests_in_progress\{[^}]*method="POST"[^}]*\} (\S+)$', re.MULTILINE)


def results(run) -> dict[str, dict]:
    return {build["app"]: build for build in run.json()["builds"]}


def inspect(built: Built, image: str, template: str) -> object:
    done = built_cli_run(built, "image", "inspect", "--format", f"{{{{json {template}}}}}", image)
    return json.loads(done)


def built_cli_run(built: Built, *args: str) -> str:
    done = subprocess.run([built.cli.path, *args], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_build_local_tags_what_the_runners_pull_and_the_image_runs_the_entry(built: Built) -> None:
    builds = results(built.first_build)
    assert set(builds) == {"studio", "shout", "static"} and all(b["ok"] for b in builds.values()), builds
    studio = built_image(built.plan, "studio")
    assert builds["studio"]["image"] == studio and studio.startswith("dockertest/studio:in-")
    config = inspect(built, studio, ".Config")
    assert config["Cmd"] == ["python", "-m", "fleetform_app_server"] and config["WorkingDir"] == "/app"
    env = dict(item.split("=", 1) for item in config["Env"])
    assert (env["FLEETFORM_APP_FILE"], env["FLEETFORM_APP_REF"]) == ("studio.py", "Studio")
    assert "PIP_CERT" not in env and "SSL_CERT_FILE" not in env, "the CA bundle is the build's, not the image's"
    assert "3 local build(s): 3 built, 0 failed" in built.first_build.err


def test_a_second_build_is_a_cache_hit(built: Built) -> None:
    again = build_local(built.root, "studio", "shout", "static")
    assert again.code == 0, again.err[-3000:]
    for app, result in results(again).items():
        assert result["ok"] and result["cached_steps"] == result["steps"] > 0, (app, result)


def test_a_code_change_moves_the_key_and_rebuilds_only_the_last_layer_keep_alive_moves_nothing(
        built: Built, tmp_path: Path) -> None:
    root = tmp_path / "platform"
    shutil.copytree(built.root, root)
    pyproject = root / "apps" / "studio" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('auth = "private"', 'auth = "private"\nkeep_alive = 123', 1))
    kept = plan_of(root)
    assert kept.groups("studio")[0].scaling != built.plan.groups("studio")[0].scaling, "keep_alive reached the plan"
    assert built_image(kept, "studio") == built_image(built.plan, "studio"), "keep_alive does not reach the image"
    source = root / "apps" / "studio" / "studio.py"
    source.write_text(source.read_text() + f"\n# a code-only change, new on every run: {time.time_ns()}\n")
    edited = plan_of(root)
    assert built_image(edited, "studio") != built_image(built.plan, "studio")
    rebuilt = build_local(root, "studio")
    assert rebuilt.code == 0, rebuilt.err[-3000:]
    (result,) = results(rebuilt).values()
    assert result["steps"] - result["cached_steps"] == 1, result  # COPY app/ only
    before = inspect(built, built_image(built.plan, "studio"), ".RootFS.Layers")
    after = inspect(built, built_image(edited, "studio"), ".RootFS.Layers")
    assert isinstance(before, list) and isinstance(after, list)
    assert after[:-1] == before[:-1] and after[-1] != before[-1]


def assert_nowhere_in_the_image(built: Built, image: str, secret: str, scratch: Path) -> None:
    """Not in the history, the config or any file of any layer (``docker save``)."""
    history = built_cli_run(built, "history", "--no-trunc", image)
    assert secret not in history and secret not in built_cli_run(built, "image", "inspect", image)
    archive = scratch / "image.tar"
    built_cli_run(built, "save", "--output", str(archive), image)
    with tarfile.open(archive) as saved:
        for member in saved.getmembers():
            data = saved.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            assert secret.encode() not in data, f"the secret is in {member.name}"
            if member.name.endswith("layer.tar"):
                with tarfile.open(fileobj=io.BytesIO(data)) as layer:
                    for file in layer.getmembers():
                        content = layer.extractfile(file).read() if file.isfile() else b""  # type: ignore[union-attr]
                        assert secret.encode() not in content, f"the secret is in {member.name}:{file.name}"


def test_the_build_secret_reaches_the_build_and_no_layer_or_history(built: Built, tmp_path: Path) -> None:
    image = built_image(built.plan, "static")
    seen = built_cli_run(built, "run", "--rm", "--entrypoint", "cat", image, "/srv/token.sha256").strip()
    assert seen == hashlib.sha256(BUILD_TOKEN.encode()).hexdigest(), "the build read the secret"
    assert "BUILD_TOKEN" in built_cli_run(built, "history", "--no-trunc", image)
    assert_nowhere_in_the_image(built, image, BUILD_TOKEN, tmp_path)


def test_a_requirement_s_secret_reaches_pip_through_a_secret_mount_and_no_layer(built: Built, tmp_path: Path) -> None:
    """``${INDEX_TOKEN}`` in a requirement URL: pip authenticates to a private HTTPS index with it, whose CA the
    build trusts through ``ca_certificates``; the value is in no layer, and the history keeps the placeholder."""
    token = f"index-token-{time.time_ns()}"
    gateway = bridge_gateway(built.cli)
    with build_lock():
        ca, _key, _certificate = index_ca()
    certificate, key = server_files(tmp_path / "tls", gateway)
    state = IndexState(token)
    with secret_index(state, certificate, key).running() as index:
        url = f"https://${{INDEX_TOKEN}}@{gateway}:{index.port}/simple/"
        root = write_private_index_platform(tmp_path / "platform", built.base, url, ca)
        run = build_local(root, "private", secrets={"INDEX_TOKEN": token})
    assert run.code == 0, run.err[-4000:]
    assert f"/files/{WHEEL}" in state.authorized, (state.authorized, state.refused, run.err[-3000:])
    assert token not in run.out + run.err, "the build output never shows the value"
    image = built_image(plan_of(root), "private")
    history = built_cli_run(built, "history", "--no-trunc", image)
    assert "${INDEX_TOKEN}" in history
    assert_nowhere_in_the_image(built, image, token, tmp_path)
    installed = built_cli_run(built, "run", "--rm", image, "python", "-c",
                              "import fleetform_secret_probe as p; print(p.INSTALLED)").strip()
    assert installed == "True"


def test_a_failing_step_exits_non_zero_naming_the_app_and_the_step(built: Built) -> None:
    failed = build_local(built.root, "broken")
    assert failed.code == 1
    assert re.search(r'error: broken: build failed at \[\d/\d\] RUN echo "the model does not compile" && exit 3',
                     failed.err), failed.err[-3000:]
    assert "broken | " in failed.err and "the model does not compile" in failed.err
    (result,) = results(failed).values()
    assert result["ok"] is False and "exit 3" in result["failed_step"]


def _in_flight(url: str) -> float:
    answer = request(url)
    return sum(float(value) for value in IN_FLIGHT.findall(str(answer.body)))


def _post_in_background(url: str, body: dict) -> tuple[threading.Thread, list[Answer]]:
    answers: list[Answer] = []
    thread = threading.Thread(target=lambda: answers.append(request(url, "POST", body, timeout=120)), daemon=True)
    thread.start()
    return thread, answers


def test_the_container_as_the_runner_starts_it_serves_reports_and_drains(built: Built, tmp_path: Path) -> None:
    studio = built.plan.groups("studio")[0]
    assert studio.runner.metrics_port is not None, "the runner publishes the metrics port of a built fal.App"
    with started_as_the_runner_starts_it(built.cli, studio, built_image(built.plan, "studio"), tmp_path,
                                         "fleetform-test-studio") as container:
        port, metrics = studio.runner.port, studio.runner.metrics_port
        wait_until_healthy(container, studio)
        assert "studio: setup done" in container.logs(), "/health answers only after setup()"
        assert request(container.url(port, "/health")).body == {"version": "unknown"}
        answer = request(container.url(port, "/"), "POST", {"text": "docker"})
        assert answer.status == 200 and answer.body["size"] == [128, 64]
        thread, slow = _post_in_background(container.url(port, "/slow"), {"seconds": 3})
        assert wait_for(lambda: _in_flight(container.url(metrics, "/metrics")) >= 1.0, "the gauge to count it", 10)
        thread.join(timeout=30)
        assert slow == [Answer(200, {"slept": 3.0})]
        assert _in_flight(container.url(metrics, "/metrics")) == 0.0
        thread, draining = _post_in_background(container.url(port, "/slow"), {"seconds": 2})
        wait_for(lambda: _in_flight(container.url(metrics, "/metrics")) >= 1.0, "the request to start", 10)
        started = time.monotonic()
        container.docker("stop", container.name, timeout=60)  # --stop-timeout is the grace, from the runner
        stopped = time.monotonic() - started
        thread.join(timeout=30)
        assert draining == [Answer(200, {"slept": 2.0})], container.logs()
        grace = studio.rollout.termination_grace_seconds
        assert grace == 10 and stopped < grace, f"stopped in {stopped:.1f} s, the grace is {grace} s"
        state = container.state()
        assert state["ExitCode"] == 0, (state, container.logs())
        assert "studio: teardown done" in container.logs()


def test_the_runner_agent_bridges_health_and_publishes_the_container_s_in_flight(built: Built,
                                                                                 tmp_path: Path) -> None:
    studio = built.plan.groups("studio")[0]
    config = agent_config(group("gcp"), PLATFORM)
    assert config["health_bridge"]["method"] == "POST"
    cloud_state = CloudState()
    (tmp_path / "agent").mkdir()
    image = built_image(built.plan, "studio")
    with started_as_the_runner_starts_it(built.cli, studio, image, tmp_path / "runner", "fleetform-test-agent") as \
            container, fake_cloud(cloud_state).running() as cloud:
        port, metrics = studio.runner.port, studio.runner.metrics_port
        assert metrics is not None
        wait_until_healthy(container, studio)
        config["health_bridge"].update(listen_port=free_port(), app_port=container.ports[port], app_path="/ready")
        config["in_flight"].update(metrics_port=container.ports[metrics], app_port=container.ports[port],
                                   interval_seconds=0.2)
        urls = {"FLEETFORM_AGENT_GCP_METADATA_URL": cloud.url, "FLEETFORM_AGENT_GCP_MONITORING_URL": cloud.url}
        with running_agent(tmp_path / "agent", config, urls) as agent:
            bridge = config["health_bridge"]["listen_port"]
            assert wait_for(lambda: _bridge(bridge), "the bridge to answer") == 200
            wait_for(lambda: _published(cloud_state), "a first publish")
            thread, answers = _post_in_background(container.url(port, "/slow"), {"seconds": 3})
            assert wait_for(lambda: 1.0 in _published(cloud_state), "the slow request published", 10)
            thread.join(timeout=30)
            container.docker("stop", container.name, timeout=60)
            assert _bridge(bridge) == 503, "the bridge reports the stopped app"
            agent.stop()
    assert answers == [Answer(200, {"slept": 3.0})]


def _published(cloud: CloudState) -> list[float]:
    return [body["timeSeries"][0]["points"][0]["value"]["doubleValue"] for _, body in cloud.series]


def _bridge(port: int) -> int | None:
    try:
        return bridge_status(port)
    except OSError:
        return None


def test_the_built_image_answers_as_fal_s_run_local_outside_docker(built: Built, tmp_path: Path) -> None:
    require_fal()
    studio = built.plan.groups("studio")[0]
    body = {"text": "the same answer", "width": 40, "height": 20}
    with started_as_the_runner_starts_it(built.cli, studio, built_image(built.plan, "studio"), tmp_path / "runner",
                                         "fleetform-test-compare") as container:
        wait_until_healthy(container, studio)
        in_docker = request(container.url(studio.runner.port, "/"), "POST", body)
    port, metrics = free_port(), free_port()
    with running(run_local_command("studio", "Studio", port, metrics), tmp_path / "local", port=port,
                 metrics_port=metrics) as server:
        outside = server.post("/", body)
    assert in_docker.status == outside.status == 200
    assert in_docker == outside


def test_a_served_fal_function_s_image_passes_the_plan_s_probe_and_answers(built: Built, tmp_path: Path) -> None:
    shout = built.plan.groups("shout")[0]
    assert (shout.health.probe_path, shout.health.success_codes) == ("/", "200-499"), "fal serves no /health for it"
    with started_as_the_runner_starts_it(built.cli, shout, built_image(built.plan, "shout"), tmp_path,
                                         "fleetform-test-shout") as container:
        wait_until_healthy(container, shout)
        assert request(container.url(shout.runner.port, "/")).status == 405
        answer = request(container.url(shout.runner.port, "/"), "POST", {"text": "docker"})
    assert answer == Answer(200, {"shout": "DOCKER!", "yaml": "text: docker"})
