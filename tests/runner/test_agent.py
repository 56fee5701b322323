"""The runner agent run for real: a local app serving Prometheus text and a health endpoint, local
stand-ins for IMDS, the metadata server and Cloud Monitoring, and a recording ``aws``/``docker``."""

from __future__ import annotations

import ast
import itertools
import json
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fleetform.runner import agent
from fleetform.runner.agent_config import agent_config
from fleetform.runner.contract import AWS_RUNNER_IAM_ACTIONS
from tests.catalog.loopback_server import JsonHandler, LoopbackServer
from tests.polling import free_port, wait_for
from tests.runner.groups import PLATFORM, group
from tests.runner.sandbox import Call, Rule, fake_environment, iam_actions, install_fakes, read_calls

AGENT = Path(agent.__file__)
BUSY = """\
# HELP http_requests_in_progress Gauge of requests by method currently being processed
# TYPE http_requests_in_progress gauge
http_requests_in_progress{app_name="fal",method="POST"} 3.0
http_requests_in_progress{app_name="fal",method="GET"} 2.0
# HELP fal_app_info Information about the app
# TYPE fal_app_info gauge
fal_app_info{version="0.1"} 1.0
http_requests_total{app_name="fal",method="POST",path="/",status_code="200"} 17.0
"""
IDLE = BUSY.replace('method="POST"} 3.0', 'method="POST"} 0.0')
ABSENT = "\n".join(line for line in BUSY.splitlines() if "in_progress" not in line) + "\n"


@dataclass
class AppState:
    """What the fake app answers; tests change it while the agent runs."""

    metrics: str | None = BUSY
    health_status: int = 200
    health_delay: float = 0.0
    health_requests: list[tuple[str, str, bytes]] = field(default_factory=list)


def fake_app(state: AppState, port: int = 0) -> LoopbackServer:
    class Handler(JsonHandler):
        content_type = "text/plain"

        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._text(200 if state.metrics is not None else 500, state.metrics or "down")
            else:
                self._health()

        def do_POST(self) -> None:
            self._health()

        def _health(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.health_requests.append((self.command, self.headers.get("Content-Type") or "", body))
            time.sleep(state.health_delay)
            self.send_response(state.health_status)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _text(self, status: int, text: str) -> None:
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return LoopbackServer(Handler, port=port)


def consecutive_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1: slot k of a host listens on base + k."""
    for _ in range(100):
        base = random.randint(20_000, 60_000 - count)
        sockets: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                sockets.append(socket.socket())
                sockets[-1].bind(("127.0.0.1", port))
        except OSError:
            continue
        else:
            return base
        finally:
            for sock in sockets:
                sock.close()
    raise AssertionError(f"no {count} consecutive free ports")


@contextmanager
def slot_apps(states: list[AppState]) -> Iterator[str]:
    """One fake app per runner slot on consecutive ports (its metrics on its own port); yields slot 0's URL."""
    base = consecutive_ports(len(states))
    with ExitStack() as stack:
        for slot, state in enumerate(states):
            stack.enter_context(fake_app(state, base + slot).running())
        yield f"http://127.0.0.1:{base}"




@dataclass
class RunningAgent:
    process: subprocess.Popen
    log: Path

    def calls(self, *prefix: str) -> list[Call]:
        return [call for call in read_calls(self.log) if call.argv[: len(prefix)] == prefix]

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=10)
        return self.process.returncode, err


def write_config(tmp_path: Path, config: dict[str, Any], slots: int) -> Path:
    """The agent's config file, and the runner-slots file the boot script writes (``slots`` runners)."""
    slots_file = tmp_path / "runner-slots"
    slots_file.write_text(f"{slots}\n", encoding="utf-8")
    config_file = tmp_path / "agent.json"
    config_file.write_text(json.dumps(config | {"slots_file": str(slots_file)}), encoding="utf-8")
    return config_file


@contextmanager
def running_agent(tmp_path: Path, config: dict[str, Any], urls: dict[str, str] | None = None, *, slots: int = 1,
                  rules: list[Rule] | None = None) -> Iterator[RunningAgent]:
    """The agent as systemd runs it on a host of ``slots`` runners, with ``aws`` and ``docker`` recording their
    calls (and answering ``rules``)."""
    bin_dir = install_fakes(tmp_path / "bin", ["aws", "docker"])
    config_file = write_config(tmp_path, config, slots)
    log = tmp_path / "calls.jsonl"
    env = {"PATH": str(bin_dir), **fake_environment(log, tmp_path / "rules.json", rules or []), **(urls or {})}
    process = subprocess.Popen([sys.executable, str(AGENT), str(config_file)], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield RunningAgent(process, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def port_of(app_url: str) -> int:
    """The port of a fake app's URL; a port nothing listens on for ``""``."""
    return int(app_url.rsplit(":", 1)[1]) if app_url else free_port()


def aws_config(app_url: str, **duties: Any) -> dict[str, Any]:
    """The config fleetform renders for the base AWS group, pointed at the fake app (which serves its metrics on
    its own port) and made fast."""
    config = agent_config(group("aws"), PLATFORM)
    port = port_of(app_url)
    config["health_bridge"].update(listen_port=free_port(), app_port=port, timeout_seconds=0.5)
    config["in_flight"].update(metrics_port=port, interval_seconds=0.1, app_port=port)
    config["drain"].update(poll_seconds=0.1)
    config.update(duties)
    return config


def published(running: RunningAgent) -> list[dict[str, float]]:
    """Per put-metric-data call, each datum's value by metric name."""
    return [{datum["MetricName"]: datum["Value"] for datum in json.loads(call.argv[-1])}
            for call in running.calls("aws", "cloudwatch")]


def publish_after_change(running: RunningAgent) -> dict[str, float]:
    """What was published once a scrape certainly started after the state change."""
    seen = len(published(running))
    return wait_for(lambda: published(running)[seen + 1:], "two more publishes")[-1]


def known(value: float) -> dict[str, float]:
    return {"InFlightRequests": value, "InFlightGaugeMissing": 0.0}


MISSING = {"InFlightGaugeMissing": 1.0}
UNTOUCHED = "# HELP http_requests_in_progress Gauge of requests\n# TYPE http_requests_in_progress gauge\n"
"""A labelled gauge no request has touched yet: declared, no sample."""


def test_aws_agent_publishes_in_flight_requests_including_zero(tmp_path: Path) -> None:
    state = AppState()
    with (fake_app(state).running() as app,
          running_agent(tmp_path, aws_config(app.url, health_bridge=None, drain=None, protect=None)) as running):
        assert wait_for(lambda: published(running), "a first publish")[0] == known(3.0)
        state.metrics = IDLE
        assert publish_after_change(running) == known(0.0)
        state.metrics = UNTOUCHED
        assert publish_after_change(running) == known(0.0)
        state.metrics = BUSY.replace('app_name="fal",method="POST"} 3.0', 'app_name="fal",method="POST",pid="7"} 2.5\n'
                                     'http_requests_in_progress{method="POST",app_name="fal",pid="8"} 1.5')
        assert publish_after_change(running) == known(4.0)
        call = running.calls("aws", "cloudwatch")[0]
        code, err = running.stop()
    assert iam_actions([call]) == {"cloudwatch:PutMetricData"} <= set(AWS_RUNNER_IAM_ACTIONS)
    assert call.argv[:-1] == ("aws", "cloudwatch", "put-metric-data", "--region", "us-east-1",
                              "--namespace", "Fleetform/Runners", "--metric-data")
    datums = json.loads(call.argv[-1])
    stamps = {datum.pop("Timestamp") for datum in datums}
    assert datums == [{
        "Dimensions": [{"Name": "AutoScalingGroupName", "Value": "acme-image-gen"}],
        "MetricName": name, "StorageResolution": 1, "Unit": "Count", "Value": value,
    } for name, value in (("InFlightRequests", 3.0), ("InFlightGaugeMissing", 0.0))]
    assert len(stamps) == 1, "both datums of a sample carry its boundary"
    assert (code, err.splitlines()[0]) == (0, "fleetform-agent: running (1 slot(s)): in_flight")


def _stamps(running: RunningAgent) -> list[datetime]:
    return [datetime.strptime(json.loads(call.argv[-1])[0]["Timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
            for call in running.calls("aws", "cloudwatch")]


def test_aws_samples_are_stamped_with_consecutive_wall_clock_boundaries(tmp_path: Path) -> None:
    """Issue 14.4: a loop that sleeps after each slow CLI call drifts and leaves some periods without a runner's
    sample; stamped boundaries put exactly one sample of each runner in each period."""
    with (fake_app(AppState()).running() as app,
          running_agent(tmp_path, aws_config(app.url, health_bridge=None, drain=None, protect=None)) as running):
        stamps = wait_for(lambda: _stamps(running)[5:] and _stamps(running), "six publishes")
        running.stop()
    hundredths = [round(stamp.timestamp() * 10) for stamp in stamps]
    assert all(stamp.microsecond % 100_000 == 0 for stamp in stamps), "on 0.1-s boundaries"
    assert all(later > earlier for earlier, later in itertools.pairwise(hundredths)), "never a boundary twice"
    assert agent.boundary_after(1_733_335_201.7, 10) == 1_733_335_210
    assert agent.boundary_after(1_733_335_210.0, 10) == 1_733_335_220
    assert agent.timestamp(1_733_335_210) == "2024-12-04T18:00:10.000Z"


def test_an_app_serving_without_the_gauge_publishes_no_count_and_flags_it(tmp_path: Path) -> None:
    """Issue 14.4: an absent gauge published as 0 makes a busy app look idle; 0 only when nothing can be in flight."""
    state = AppState(metrics=ABSENT)
    with (fake_app(state).running() as app,
          running_agent(tmp_path, aws_config(app.url, health_bridge=None, drain=None, protect=None)) as running):
        assert wait_for(lambda: published(running)[3:] and published(running)[:4], "four publishes") == [MISSING] * 4
        state.metrics = None  # the app's port answers, its metrics do not
        assert publish_after_change(running) == MISSING
        state.metrics = BUSY
        assert publish_after_change(running) == known(3.0)
        _, err = running.stop()
    unknown = [line for line in err.splitlines() if "in-flight count unknown" in line]
    assert unknown == [f"fleetform-agent: in-flight count unknown, none published: {app.url}/metrics has no "
                       "http_requests_in_progress gauge"], "logged when it starts, then rate-limited"
    assert "fleetform-agent: in-flight gauge readable again" in err


def test_a_runner_whose_app_is_not_listening_has_nothing_in_flight(tmp_path: Path) -> None:
    """Starting or stopped: the app's port is closed, so 0 is the truth and is published."""
    with running_agent(tmp_path, aws_config("", health_bridge=None, drain=None, protect=None)) as running:
        assert wait_for(lambda: published(running), "a first publish")[0] == known(0.0)
        running.stop()


def bridge_status(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/fleetform/health", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(("method", "body"), [("POST", b"{}"), ("GET", b"")])
def test_health_bridge_answers_for_the_app(tmp_path: Path, method: str, body: bytes) -> None:
    state = AppState()
    config = aws_config("", in_flight=None, drain=None, protect=None)
    with fake_app(state).running() as app:
        config["health_bridge"].update(app_port=port_of(app.url), method=method)
        port = config["health_bridge"]["listen_port"]
        with running_agent(tmp_path, config):
            assert wait_for(lambda: _answers(port), "the bridge to listen") == 200
            outcomes = {}
            for status, delay in ((500, 0.0), (302, 0.0), (204, 0.0), (404, 0.0), (200, 1.0)):
                state.health_status, state.health_delay = status, delay
                outcomes[(status, delay)] = bridge_status(port)
            assert _status(f"http://127.0.0.1:{port}/other") == 404
    assert outcomes == {(500, 0.0): 503, (302, 0.0): 200, (204, 0.0): 200, (404, 0.0): 503, (200, 1.0): 503}
    content_type = "application/json" if method == "POST" else ""
    assert set(state.health_requests) == {(method, content_type, body)}


def test_health_bridge_reports_a_stopped_app(tmp_path: Path) -> None:
    config = aws_config("", in_flight=None, drain=None, protect=None)
    with running_agent(tmp_path, config):
        port = config["health_bridge"]["listen_port"]
        assert wait_for(lambda: _answers(port), "the bridge to listen") == 503


def _answers(port: int) -> int | None:
    try:
        return bridge_status(port)
    except OSError:
        return None


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclass
class CloudState:
    lifecycle: str = "InService"
    lifecycle_reads: int = 0
    token_requests: int = 0
    series: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def fake_cloud(state: CloudState) -> LoopbackServer:
    """IMDSv2, the GCP metadata server and Cloud Monitoring's timeSeries.create, each checking its headers."""

    class Handler(JsonHandler):
        def do_PUT(self) -> None:
            if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self._text("imds-token")
            self.reply(400, {})

        def do_GET(self) -> None:
            if self.path.startswith("/latest/"):
                if self.headers.get("X-aws-ec2-metadata-token") != "imds-token":
                    return self.reply(401, {})
                if self.path == "/latest/meta-data/autoscaling/target-lifecycle-state":
                    state.lifecycle_reads += 1
                    return self._text(state.lifecycle)
                if self.path == "/latest/meta-data/instance-id":
                    return self._text("i-0abc1234def567890")
            if self.path.startswith("/computeMetadata/v1/") and self.headers.get("Metadata-Flavor") == "Google":
                item = self.path.removeprefix("/computeMetadata/v1/")
                if item == "instance/service-accounts/default/token":
                    state.token_requests += 1
                    return self.reply(200, {"access_token": "ya29.test-token", "expires_in": 3599,
                                            "token_type": "Bearer"})
                answers = {"project/project-id": "acme-prod", "instance/zone": "projects/123456/zones/us-central1-b",
                           "instance/name": "acme-image-gen-x1z2"}
                if item in answers:
                    return self._text(answers[item])
            self.reply(404, {})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/v3/projects/acme-prod/timeSeries":
                state.series.append((self.headers.get("Authorization") or "", body))
                return self.reply(200, {})
            self.reply(404, {})

        def _text(self, text: str) -> None:
            payload = text.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return LoopbackServer(Handler)


def test_aws_drain_stops_the_app_then_completes_the_lifecycle_hook(tmp_path: Path) -> None:
    cloud_state = CloudState()
    config = aws_config("", health_bridge=None, in_flight=None, protect=None)
    with fake_cloud(cloud_state).running() as cloud, \
            running_agent(tmp_path, config, {"FLEETFORM_AGENT_AWS_IMDS_URL": cloud.url}) as running:
        wait_for(lambda: cloud_state.lifecycle_reads >= 3, "lifecycle polls")
        assert running.calls("docker") == [], "an in-service runner keeps its app"
        cloud_state.lifecycle = "Terminated"
        wait_for(lambda: running.calls("aws"), "complete-lifecycle-action")
        recorded = read_calls(running.log)
        code, _ = running.stop()
    assert iam_actions(recorded) == {"autoscaling:CompleteLifecycleAction"} <= set(AWS_RUNNER_IAM_ACTIONS)
    calls = [call.argv for call in recorded]
    assert calls == [
        ("docker", "stop", "app-0"),
        ("aws", "autoscaling", "complete-lifecycle-action", "--region", "us-east-1",
         "--auto-scaling-group-name", "acme-image-gen", "--lifecycle-hook-name", "fleetform-drain",
         "--lifecycle-action-result", "CONTINUE", "--instance-id", "i-0abc1234def567890"),
    ]
    assert code == 0


def test_aws_drain_lets_requests_in_flight_finish_before_it_stops_the_app(tmp_path: Path) -> None:
    """Issue 14.3: docker stop's grace alone (5-20 s) cut requests of up to request_timeout."""
    app_state, cloud_state = AppState(), CloudState()
    with fake_app(app_state).running() as app, fake_cloud(cloud_state).running() as cloud:
        config = aws_config(app.url, health_bridge=None, protect=None)
        config["drain"].update(request_wait_seconds=30)
        with running_agent(tmp_path, config, {"FLEETFORM_AGENT_AWS_IMDS_URL": cloud.url}) as running:
            wait_for(lambda: cloud_state.lifecycle_reads >= 2, "lifecycle polls")
            cloud_state.lifecycle = "Terminated"
            time.sleep(1.0)
            assert running.calls("docker") == [], "requests in flight: the app keeps running"
            app_state.metrics = IDLE
            wait_for(lambda: running.calls("aws", "autoscaling"), "complete-lifecycle-action")
            recorded = [call.argv[:3] for call in read_calls(running.log) if call.argv[:2] != ("aws", "cloudwatch")]
            running.stop()
    assert recorded == [("docker", "stop", "app-0"), ("aws", "autoscaling", "complete-lifecycle-action")]


def test_drain_stops_the_app_once_the_plans_wait_runs_out(tmp_path: Path) -> None:
    """``agent.py CONFIG drain`` (the fleetform-drain unit's stop at shutdown, GCP's deletions): waits for
    in-flight requests at most request_wait_seconds, then docker stop, then exits."""
    config = agent_config(group("gcp"), PLATFORM)
    with fake_app(AppState()).running() as app:
        config["in_flight"].update(metrics_port=port_of(app.url), app_port=port_of(app.url))
        config["drain"].update(request_wait_seconds=1, poll_seconds=0.1)
        config_file = write_config(tmp_path, config, 1)
        bin_dir = install_fakes(tmp_path / "bin", ["docker"])
        log = tmp_path / "calls.jsonl"
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(AGENT), str(config_file), "drain"], capture_output=True, text=True,
                              env={"PATH": str(bin_dir), **fake_environment(log, tmp_path / "rules.json", [])},
                              timeout=30)
        elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert [call.argv for call in read_calls(log)] == [("docker", "stop", "app-0")]
    assert elapsed >= 1.0
    assert "drain: stopping with requests still in flight after 1 s (3)" in done.stderr


def test_aws_agent_protects_a_busy_runner_from_scale_in_until_it_has_been_idle(tmp_path: Path) -> None:
    """Issue 14.3: keep-alive's ExactCapacity lets AWS pick any runner; protected busy ones are skipped."""
    app_state, cloud_state = AppState(), CloudState()
    with fake_app(app_state).running() as app, fake_cloud(cloud_state).running() as cloud:
        config = aws_config(app.url, health_bridge=None, drain=None, protect={"idle_seconds": 0.5})
        with running_agent(tmp_path, config, {"FLEETFORM_AGENT_AWS_IMDS_URL": cloud.url}) as running:
            wait_for(lambda: running.calls("aws", "autoscaling"), "protection")
            app_state.metrics = IDLE
            switched = time.monotonic()
            wait_for(lambda: running.calls("aws", "autoscaling")[1:], "protection cleared")
            idle_for = time.monotonic() - switched
            calls = running.calls("aws", "autoscaling")
            running.stop()
    assert [call.argv for call in calls] == [
        ("aws", "autoscaling", "set-instance-protection", "--region", "us-east-1", "--auto-scaling-group-name",
         "acme-image-gen", "--instance-ids", "i-0abc1234def567890", flag) for flag in
        ("--protected-from-scale-in", "--no-protected-from-scale-in")]
    assert idle_for >= 0.5, "a short lull keeps the protection"
    assert iam_actions(calls) == {"autoscaling:SetInstanceProtection"} <= set(AWS_RUNNER_IAM_ACTIONS)


TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-image-gen-3f9a/0123456789abcdef"


def test_a_packed_host_counts_drains_and_registers_every_runner_slot(tmp_path: Path) -> None:
    """Issue 14.7: three runners on one host: one in-flight sum for the host (none while a slot's gauge is
    missing), slots 1-2 as their own targets in the group's target group, deregistered when the host drains,
    then every slot's container stopped."""
    states, cloud_state = [AppState(), AppState(metrics=IDLE), AppState()], CloudState()
    with slot_apps(states) as base_url, fake_cloud(cloud_state).running() as cloud:
        base = port_of(base_url)
        config = aws_config(base_url, health_bridge=None, protect=None,
                            targets={"app_port": base, "retry_seconds": 0.1})
        config["drain"].update(request_wait_seconds=30)
        rules = [Rule("aws", ("describe-auto-scaling-groups",), f"{TARGET_GROUP}\n")]
        with running_agent(tmp_path, config, {"FLEETFORM_AGENT_AWS_IMDS_URL": cloud.url}, slots=3,
                           rules=rules) as running:
            assert wait_for(lambda: published(running), "a first publish")[0] == known(6.0)
            states[1].metrics = ABSENT
            assert publish_after_change(running) == MISSING, "one slot unknown: the host's count is unknown"
            states[1].metrics = IDLE
            assert publish_after_change(running) == known(6.0)
            registered = wait_for(lambda: running.calls("aws", "elbv2"), "slot targets registered")
            cloud_state.lifecycle = "Terminated"
            wait_for(lambda: running.calls("aws", "elbv2")[1:], "slot targets deregistered")
            time.sleep(0.5)
            assert running.calls("docker") == [], "requests in flight on slots 0 and 2: every app keeps running"
            states[0].metrics = states[2].metrics = IDLE
            wait_for(lambda: running.calls("aws", "autoscaling", "complete-lifecycle-action"), "the hook completed")
            recorded = [call for call in read_calls(running.log) if call.argv[:2] != ("aws", "cloudwatch")]
            running.stop()
    targets = (f"Id=i-0abc1234def567890,Port={base + 1}", f"Id=i-0abc1234def567890,Port={base + 2}")
    assert registered[0].argv == ("aws", "elbv2", "register-targets", "--region", "us-east-1", "--target-group-arn",
                                  TARGET_GROUP, "--targets", *targets)
    assert [call.argv[:3] for call in recorded] == [
        ("aws", "autoscaling", "describe-auto-scaling-groups"), ("aws", "elbv2", "register-targets"),
        ("aws", "autoscaling", "describe-auto-scaling-groups"), ("aws", "elbv2", "deregister-targets"),
        ("docker", "stop", "app-0"), ("aws", "autoscaling", "complete-lifecycle-action")]
    assert recorded[0].argv[3:] == ("--region", "us-east-1", "--auto-scaling-group-names", "acme-image-gen", "--query",
                                    "AutoScalingGroups[0].TargetGroupARNs[0]", "--output", "text")
    assert recorded[3].argv[-3:] == ("--targets", *targets)
    assert recorded[4].argv == ("docker", "stop", "app-0", "app-1", "app-2"), "stopped together, each its grace"
    assert iam_actions(recorded) == {
        "autoscaling:DescribeAutoScalingGroups", "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets", "autoscaling:CompleteLifecycleAction"} <= set(AWS_RUNNER_IAM_ACTIONS)


def test_the_bridge_of_a_packed_host_is_healthy_only_while_every_slot_is(tmp_path: Path) -> None:
    """The target group probes one bridge port for every slot's target: a failing slot fails the host, whose ASG
    replaces it whole."""
    states = [AppState(), AppState()]
    with slot_apps(states) as base_url:
        config = aws_config(base_url, in_flight=None, drain=None, protect=None)
        port = config["health_bridge"]["listen_port"]
        with running_agent(tmp_path, config, slots=2):
            assert wait_for(lambda: _answers(port), "the bridge to listen") == 200
            states[1].health_status = 500
            assert bridge_status(port) == 503
            states[1].health_status = 200
            assert bridge_status(port) == 200
    assert all(request[0] == "POST" for state in states for request in state.health_requests)


def _values(request: dict[str, Any]) -> dict[str, float]:
    """One timeSeries.create request's point values by metric type (its last path segment)."""
    return {series["metric"]["type"].rsplit("/", 1)[-1]: series["points"][0]["value"]["doubleValue"]
            for series in request["timeSeries"]}


def test_gcp_agent_writes_the_time_series(tmp_path: Path) -> None:
    """Both series of the group in its region each boundary; while the app serves without the gauge only
    gauge_missing = 1 (issue 14.4: no count, which the autoscaler's per-group sum would read as idle)."""
    app_state, cloud_state = AppState(), CloudState()
    config = agent_config(group("gcp"), PLATFORM)
    assert config["drain"]["hook"] is None and config["protect"] is None, "no lifecycle hook or protection on GCP"
    with fake_app(app_state).running() as app, fake_cloud(cloud_state).running() as cloud:
        config["in_flight"].update(metrics_port=port_of(app.url), interval_seconds=0.1, app_port=port_of(app.url))
        config["health_bridge"] = None
        urls = {"FLEETFORM_AGENT_GCP_METADATA_URL": cloud.url, "FLEETFORM_AGENT_GCP_MONITORING_URL": cloud.url}
        with running_agent(tmp_path, config, urls) as running:
            wait_for(lambda: cloud_state.series, "a first time series")
            app_state.metrics = ABSENT
            time.sleep(0.3)
            seen = len(cloud_state.series)
            wait_for(lambda: len(cloud_state.series) >= seen + 3, "three time series while the gauge is absent")
            absent = [_values(body) for _, body in cloud_state.series[seen:]]
            app_state.metrics = IDLE
            seen = len(cloud_state.series)
            wait_for(lambda: len(cloud_state.series) >= seen + 2, "two more time series")
            _, err = running.stop()
    assert set(map(json.dumps, absent)) == {json.dumps({"in_flight_gauge_missing": 1.0})}
    assert "in-flight count unknown, none published" in err
    authorization, first = cloud_state.series[0]
    assert authorization == "Bearer ya29.test-token"
    assert cloud_state.token_requests == 1, "the token is reused until it expires"
    end_times = {series["points"][0]["interval"].pop("endTime") for series in first["timeSeries"]}
    assert len(end_times) == 1, "both series of a sample carry its boundary"
    assert datetime.strptime(end_times.pop(), "%Y-%m-%dT%H:%M:%S.%fZ")
    resource = {"type": "generic_node", "labels": {
        "location": "us-central1", "namespace": "acme-image-gen", "node_id": "acme-image-gen-x1z2",
        "project_id": "acme-prod"}}
    assert first == {"timeSeries": [{
        "metric": {"type": f"custom.googleapis.com/fleetform/{name}"},
        "metricKind": "GAUGE",
        "points": [{"interval": {}, "value": {"doubleValue": value}}],
        "resource": resource,
        "valueType": "DOUBLE",
    } for name, value in (("in_flight_requests", 3.0), ("in_flight_gauge_missing", 0.0))]}
    assert _values(cloud_state.series[-1][1]) == {"in_flight_requests": 0.0, "in_flight_gauge_missing": 0.0}


def test_an_agent_without_duties_exits(tmp_path: Path) -> None:
    config = agent_config(group("gcp"), PLATFORM) | {"health_bridge": None, "in_flight": None}
    with running_agent(tmp_path, config) as running:
        _, err = running.process.communicate(timeout=10)
    assert (running.process.returncode, err) == (0, "fleetform-agent: no duties for this runner\n")


@pytest.mark.parametrize(("text", "expected"), [
    (BUSY, 3.0),
    (IDLE, 0.0),
    (ABSENT, 0.0),
    ("", 0.0),
    ('http_requests_in_progress{method="POST"} 2 1712345678000\n', 2.0),
    ('http_requests_in_progress{method="POST",note="a \\"quoted\\", {braced} value"} 4\n', 4.0),
    ('http_requests_in_progress{ method = "POST" , app_name="fal" } 1.5\n', 1.5),
    ('http_requests_in_progress{method="POST"} NaN\nhttp_requests_in_progress{method="POST"} 1\n', 1.0),
    ('http_requests_in_progress{method="POST"} +Inf\nhttp_requests_in_progress{method="POST"} oops\n', 0.0),
    ('http_requests_in_progress_created{method="POST"} 1712345678.0\n', 0.0),
    ('http_requests_in_progress 7\n', 0.0),
    ('http_requests_in_progress{method="post"} 7\n', 0.0),
])
def test_in_flight_sum_of_prometheus_text(text: str, expected: float) -> None:
    assert agent.sum_samples(text, "http_requests_in_progress", {"method": "POST"}) == expected


def test_agent_source_runs_on_python_3_8() -> None:
    """The stock images' python3 is 3.9 (Amazon Linux 2023, Debian 11) or 3.10 (Ubuntu 22.04)."""
    ast.parse(AGENT.read_text(encoding="utf-8"), feature_version=(3, 8))
