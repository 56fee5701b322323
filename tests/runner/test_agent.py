"""The runner agent run for real: a local app serving Prometheus text and a health endpoint, local
stand-ins for IMDS, the metadata server and Cloud Monitoring, and a recording ``aws``/``docker``."""

from __future__ import annotations

import ast
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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
from tests.runner.sandbox import Call, fake_environment, iam_actions, install_fakes, read_calls

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


def fake_app(state: AppState) -> LoopbackServer:
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

    return LoopbackServer(Handler)




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


@contextmanager
def running_agent(tmp_path: Path, config: dict[str, Any], urls: dict[str, str] | None = None) -> Iterator[RunningAgent]:
    """The agent as systemd runs it, with ``aws`` and ``docker`` recording their calls."""
    bin_dir = install_fakes(tmp_path / "bin", ["aws", "docker"])
    config_file = tmp_path / "agent.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    log = tmp_path / "calls.jsonl"
    env = {"PATH": str(bin_dir), **fake_environment(log, tmp_path / "rules.json", []), **(urls or {})}
    process = subprocess.Popen([sys.executable, str(AGENT), str(config_file)], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield RunningAgent(process, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def aws_config(app_url: str, **duties: Any) -> dict[str, Any]:
    """The config fleetform renders for the base AWS group, pointed at the fake app and made fast."""
    config = agent_config(group("aws"), PLATFORM)
    config["health_bridge"].update(listen_port=free_port(), app_url=f"{app_url}/health", timeout_seconds=0.5)
    config["in_flight"].update(scrape_url=f"{app_url}/metrics", interval_seconds=0.1)
    config["drain"].update(poll_seconds=0.1)
    config.update(duties)
    return config


def published(running: RunningAgent) -> list[float]:
    return [json.loads(call.argv[-1])[0]["Value"] for call in running.calls("aws", "cloudwatch")]


def publish_after_change(running: RunningAgent) -> float:
    """The value published once a scrape certainly started after the state change."""
    seen = len(published(running))
    return wait_for(lambda: published(running)[seen + 1:], "two more publishes")[-1]


def test_aws_agent_publishes_in_flight_requests_including_zero(tmp_path: Path) -> None:
    state = AppState()
    with (fake_app(state).running() as app,
          running_agent(tmp_path, aws_config(app.url, health_bridge=None, drain=None)) as running):
        assert wait_for(lambda: published(running), "a first publish")[0] == 3.0
        state.metrics = IDLE
        assert publish_after_change(running) == 0.0
        state.metrics = ABSENT
        assert publish_after_change(running) == 0.0
        state.metrics = BUSY.replace('app_name="fal",method="POST"} 3.0', 'app_name="fal",method="POST",pid="7"} 2.5\n'
                                     'http_requests_in_progress{method="POST",app_name="fal",pid="8"} 1.5')
        assert publish_after_change(running) == 4.0
        state.metrics = None
        assert publish_after_change(running) == 0.0
        call = running.calls("aws", "cloudwatch")[0]
        code, err = running.stop()
    assert iam_actions([call]) == {"cloudwatch:PutMetricData"} <= set(AWS_RUNNER_IAM_ACTIONS)
    assert call.argv[:-1] == ("aws", "cloudwatch", "put-metric-data", "--region", "us-east-1",
                              "--namespace", "Fleetform/Runners", "--metric-data")
    assert json.loads(call.argv[-1]) == [{
        "Dimensions": [{"Name": "AutoScalingGroupName", "Value": "acme-image-gen"}],
        "MetricName": "InFlightRequests", "StorageResolution": 1, "Unit": "Count", "Value": 3.0,
    }]
    assert (code, err.splitlines()[0]) == (0, "fleetform-agent: running: in_flight")


def bridge_status(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/fleetform/health", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(("method", "body"), [("POST", b"{}"), ("GET", b"")])
def test_health_bridge_answers_for_the_app(tmp_path: Path, method: str, body: bytes) -> None:
    state = AppState()
    config = aws_config("", in_flight=None, drain=None)
    with fake_app(state).running() as app:
        config["health_bridge"].update(app_url=f"{app.url}/health", method=method)
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
    config = aws_config("http://127.0.0.1:1", in_flight=None, drain=None)
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
    config = aws_config("", health_bridge=None, in_flight=None)
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
        ("docker", "stop", "app"),
        ("aws", "autoscaling", "complete-lifecycle-action", "--region", "us-east-1",
         "--auto-scaling-group-name", "acme-image-gen", "--lifecycle-hook-name", "fleetform-drain",
         "--lifecycle-action-result", "CONTINUE", "--instance-id", "i-0abc1234def567890"),
    ]
    assert code == 0


def test_gcp_agent_writes_the_time_series(tmp_path: Path) -> None:
    app_state, cloud_state = AppState(), CloudState()
    config = agent_config(group("gcp"), PLATFORM)
    assert config["drain"] is None
    with fake_app(app_state).running() as app, fake_cloud(cloud_state).running() as cloud:
        config["in_flight"].update(scrape_url=f"{app.url}/metrics", interval_seconds=0.1)
        config["health_bridge"] = None
        urls = {"FLEETFORM_AGENT_GCP_METADATA_URL": cloud.url, "FLEETFORM_AGENT_GCP_MONITORING_URL": cloud.url}
        with running_agent(tmp_path, config, urls) as running:
            wait_for(lambda: cloud_state.series, "a first time series")
            app_state.metrics = ABSENT
            seen = len(cloud_state.series)
            wait_for(lambda: len(cloud_state.series) >= seen + 2, "two more time series")
            running.stop()
    authorization, first = cloud_state.series[0]
    assert authorization == "Bearer ya29.test-token"
    assert cloud_state.token_requests == 1, "the token is reused until it expires"
    end_time = first["timeSeries"][0]["points"][0]["interval"].pop("endTime")
    assert datetime.strptime(end_time, "%Y-%m-%dT%H:%M:%S.%fZ")
    assert first == {"timeSeries": [{
        "metric": {"type": "custom.googleapis.com/fleetform/in_flight_requests"},
        "metricKind": "GAUGE",
        "points": [{"interval": {}, "value": {"doubleValue": 3.0}}],
        "resource": {"type": "generic_node", "labels": {
            "location": "us-central1-b", "namespace": "acme-image-gen", "node_id": "acme-image-gen-x1z2",
            "project_id": "acme-prod"}},
        "valueType": "DOUBLE",
    }]}
    assert cloud_state.series[-1][1]["timeSeries"][0]["points"][0]["value"] == {"doubleValue": 0.0}


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
