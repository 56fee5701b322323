"""The runtime entry serving the fixture project with the pinned fal, compared with fal's own ``run_local``.

Every server is a real process in ``.venv-fal`` talked to over HTTP: the entry as the image runs it
(``python -m fleetform_app_server`` with the ``FLEETFORM_*`` environment of docs/container-contract.md),
and fal's ``<App>.run_local(exposed_port=..., exposed_metrics_port=...)`` on the same code.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_server.serving import (
    Answer,
    Server,
    entry_command,
    refuses,
    require_fal,
    run_local_command,
    running,
    started_in_background,
)
from tests.polling import free_port, wait_for

pytestmark = pytest.mark.slow

THUMBNAILS = [{"text": "fleetform"}, {"text": "a longer caption", "width": 100, "height": 20}, {"text": ""}]
"""Requests to the Studio's ``/`` endpoint (pillow and pyyaml at work)."""
PROBES: list[tuple[str, str, Any]] = [
    *(("POST", "/", body) for body in THUMBNAILS),
    ("POST", "/", {"text": "x", "width": 0}),
    ("POST", "/", {}),
    ("GET", "/", None),
    ("POST", "/slow", {"seconds": 0.1}),
    ("POST", "/ready", {}),
    ("GET", "/health", None),
    ("POST", "/missing", {}),
]
"""What both servers are asked: answers, validation errors (422), GET on an endpoint (405), an unknown path (404)."""


def in_progress(metrics: str, method: str = "POST") -> float:
    """fal's ``http_requests_in_progress`` for ``method`` in Prometheus text."""
    pattern = rf'^http_requests_in_progress\{{(?=[^}}]*method="{method}")[^}}]*\}} (\S+)$'
    values = [float(value) for value in re.findall(pattern, metrics, re.MULTILINE)]
    assert values, f"no http_requests_in_progress{{method={method!r}}} in:\n{metrics}"
    return sum(values)


def ask(server: Server, method: str, path: str, body: Any) -> Answer:
    return server.post(path, body) if method == "POST" else server.get(path)


@pytest.fixture(scope="module")
def entry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The Studio served by the runtime entry, as its image runs it."""
    require_fal()
    port, metrics_port = free_port(), free_port()
    with running(entry_command(), tmp_path_factory.mktemp("entry"), port=port, metrics_port=metrics_port,
                 FLEETFORM_APP_FILE="studio.py", FLEETFORM_APP_REF="Studio", FLEETFORM_APP_PORT=str(port),
                 FLEETFORM_METRICS_PORT=str(metrics_port), FLEETFORM_TERMINATION_GRACE_SECONDS="10") as server:
        yield server


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The Studio served by fal's own ``Studio.run_local``."""
    require_fal()
    port, metrics_port = free_port(), free_port()
    with running(run_local_command("studio", "Studio", port, metrics_port), tmp_path_factory.mktemp("local"),
                 port=port, metrics_port=metrics_port) as server:
        yield server


def test_the_entry_answers_as_fal_run_local(entry: Server, local: Server) -> None:
    answers = {(method, path, repr(body)): ask(entry, method, path, body) for method, path, body in PROBES}
    expected = {(method, path, repr(body)): ask(local, method, path, body) for method, path, body in PROBES}
    assert answers == expected
    statuses = {key: answer.status for key, answer in answers.items()}
    assert [statuses[("POST", "/", repr(body))] for body in THUMBNAILS] == [200, 200, 200]
    assert statuses[("GET", "/", "None")] == 405 and statuses[("POST", "/missing", "{}")] == 404
    assert statuses[("POST", "/", repr({}))] == 422
    first = answers[("POST", "/", repr(THUMBNAILS[0]))].body
    assert first["size"] == [128, 64] and first["palette"] == ["teal", "coral", "ivory"]
    assert answers[("GET", "/health", "None")] == Answer(200, {"version": "unknown"})
    assert entry.get("/openapi.json") == local.get("/openapi.json")


def test_metrics_count_in_flight_posts(entry: Server) -> None:
    assert in_progress(entry.metrics()) == 0.0
    threads = [started_in_background(entry, "/slow", {"seconds": 3}) for _ in range(2)]
    assert wait_for(lambda: in_progress(entry.metrics()) == 2.0, "two requests in flight")
    for thread, answers in threads:
        thread.join(timeout=60)
        assert answers == [Answer(200, {"slept": 3.0})]
    assert in_progress(entry.metrics()) == 0.0
    assert 'fal_app_info{version="unknown"} 1.0' in entry.metrics()


def test_health_only_after_setup_and_sigterm_drains_then_tears_down(tmp_path: Path) -> None:
    require_fal()
    port, metrics_port, grace = free_port(), free_port(), 10
    marker = tmp_path / "teardown"
    with running(entry_command(), tmp_path / "home", port=port, metrics_port=metrics_port, ready=None,
                 FLEETFORM_APP_FILE="studio.py", FLEETFORM_APP_PORT=str(port), FLEETFORM_METRICS_PORT=str(metrics_port),
                 FLEETFORM_TERMINATION_GRACE_SECONDS=str(grace), STUDIO_SETUP_SECONDS="3",
                 STUDIO_TEARDOWN_FILE=str(marker)) as server:
        wait_for(lambda: "studio: setup started" in server.log(), "setup to start", 90)
        assert refuses(port), "the app port opens only once setup() is done"
        assert wait_for(lambda: not refuses(port), "setup to finish", 60)
        assert server.get("/health") == Answer(200, {"version": "unknown"})
        assert "studio: setup done" in server.log()

        thread, answers = started_in_background(server, "/slow", {"seconds": 4})
        wait_for(lambda: in_progress(server.metrics()) == 1.0, "the slow request in flight")
        stopped_at = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert wait_for(lambda: refuses(port), "new connections to be refused", 3)
        assert not marker.exists(), "teardown waits for the in-flight request"
        code = server.process.wait(timeout=grace + 5)
        elapsed = time.monotonic() - stopped_at
        thread.join(timeout=10)
    assert answers == [Answer(200, {"slept": 4.0})]
    assert (code, marker.read_text()) == (0, "teardown ran\n")
    assert elapsed < grace
    assert re.search(r"fleetform-app-server: stopped \d+\.\d+s after SIGTERM; exit 0", server.log())


def test_the_grace_bounds_the_drain(tmp_path: Path) -> None:
    require_fal()
    port, metrics_port, grace = free_port(), free_port(), 3
    marker = tmp_path / "teardown"
    with running(entry_command(), tmp_path / "home", port=port, metrics_port=metrics_port,
                 FLEETFORM_APP_FILE="studio.py", FLEETFORM_APP_REF="Studio", FLEETFORM_APP_PORT=str(port),
                 FLEETFORM_METRICS_PORT=str(metrics_port), FLEETFORM_TERMINATION_GRACE_SECONDS=str(grace),
                 STUDIO_TEARDOWN_FILE=str(marker)) as server:
        thread, answers = started_in_background(server, "/slow", {"seconds": 60})
        wait_for(lambda: in_progress(server.metrics()) == 1.0, "the slow request in flight")
        stopped_at = time.monotonic()
        code = server.stop(timeout=grace + 5)
        elapsed = time.monotonic() - stopped_at
        thread.join(timeout=10)
    assert code == 137
    assert grace - 1.5 < elapsed < grace, "killed just before Docker's own SIGKILL at the grace"
    assert not marker.exists()
    assert "killing the server" in server.log()
    assert [answer.status for answer in answers] == [0], "the request killed with the server gets no answer"


def test_a_python_entry_point_app_is_served_like_its_class(tmp_path: Path, local: Server) -> None:
    port, metrics_port = free_port(), free_port()
    with running(entry_command(), tmp_path, port=port, metrics_port=metrics_port,
                 FLEETFORM_APP_ENTRY_POINT="studio:Studio", FLEETFORM_APP_PORT=str(port),
                 FLEETFORM_METRICS_PORT=str(metrics_port)) as server:
        answers = [ask(server, method, path, body) for method, path, body in PROBES]
        assert in_progress(server.metrics()) == 0.0
        assert server.stop() == 0
    assert answers == [ask(local, method, path, body) for method, path, body in PROBES]


def test_a_served_fal_function_answers_as_its_run_local(tmp_path: Path) -> None:
    require_fal()
    ports = [free_port() for _ in range(4)]
    requests = [{"text": "hello"}, {"text": "héllo wörld"}, {}]
    with running(entry_command(), tmp_path / "entry", port=ports[0], metrics_port=ports[1], ready=None,
                 FLEETFORM_APP_FILE="shout.py", FLEETFORM_APP_REF="shout", FLEETFORM_APP_PORT=str(ports[0]),
                 FLEETFORM_METRICS_PORT=str(ports[1])) as entry_server, \
            running(run_local_command("shout", "shout", ports[2], ports[3]), tmp_path / "local", port=ports[2],
                    metrics_port=ports[3], ready=None) as local_server:
        for server in (entry_server, local_server):
            wait_for(lambda server=server: not refuses(server.port), "the function to serve", 90)
        answers = [entry_server.post("/", body) for body in requests]
        assert answers == [local_server.post("/", body) for body in requests]
        assert entry_server.get("/health") == local_server.get("/health")
        assert entry_server.get("/").status == local_server.get("/").status == 405, "the plan's probe of a function"
        assert entry_server.stop() == 0
    assert answers[0] == Answer(200, {"shout": "HELLO!", "yaml": "text: hello"})
    assert answers[2].status == 422
