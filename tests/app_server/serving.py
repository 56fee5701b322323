"""fal servers for the runtime entry's tests: the entry, or fal's own ``run_local``, in the pinned fal's virtualenv.

Both run as real processes in ``.venv-fal`` (fal 1.83.0 and the fixture project's requirements), from the
fixture project's folder as the image's working directory ``/app``; the tests talk to them over HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fleetform.app_server import PACKAGE
from tests.polling import wait_for

REPO = Path(__file__).resolve().parents[2]
FAL_PYTHON = REPO / ".venv-fal" / "bin" / "python"
APP_SERVER_PATH = REPO / "cdk" / "fleetform" / "app_server"
"""What the image puts on PYTHONPATH (``/opt/fleetform/app_server``): the folder holding the shipped package."""
PROJECT = Path(__file__).resolve().parent / "project"
START_TIMEOUT_SECONDS = 90.0
"""fal's import and the app's setup on a loaded 2-core machine."""

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def require_fal() -> None:
    """Skips without the pinned fal locally; fails in CI, where scripts/bootstrap always creates it."""
    if FAL_PYTHON.is_file():
        return
    message = "the pinned fal is missing (.venv-fal): run scripts/bootstrap"
    if os.environ.get("CI", "").lower() in ("1", "true"):
        pytest.fail(message)
    pytest.skip(message)




@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    """The JSON body, or the text when it is not JSON."""


def request(url: str, method: str = "GET", payload: Any = None, timeout: float = 30.0) -> Answer:
    """One HTTP request; an HTTP error status is an answer, a refused connection raises OSError."""
    data = None if payload is None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    try:
        with OPENER.open(urllib.request.Request(url, data=data, method=method, headers=headers),
                         timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return Answer(status, json.loads(raw))
    except ValueError:
        return Answer(status, raw.decode(errors="replace"))


def refuses(port: int) -> bool:
    """Whether nothing accepts connections on the port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


@dataclass
class Server:
    """A fal server process and its two ports."""

    process: subprocess.Popen
    port: int
    metrics_port: int
    output: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def post(self, path: str, payload: Any = None, timeout: float = 30.0) -> Answer:
        return request(self.url(path), "POST", {} if payload is None else payload, timeout)

    def get(self, path: str) -> Answer:
        return request(self.url(path))

    def metrics(self) -> str:
        answer = request(f"http://127.0.0.1:{self.metrics_port}/metrics")
        assert answer.status == 200
        return str(answer.body)

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM, then the exit status once the process has stopped on its own."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def started_in_background(server: Server, path: str, body: Any) -> tuple[threading.Thread, list[Answer]]:
    """A POST running in a thread; its answer (status 0: the connection was cut) lands in the list."""
    answers: list[Answer] = []

    def call() -> None:
        try:
            answers.append(server.post(path, body, timeout=120))
        except OSError as error:  # the connection cut when the server is killed
            answers.append(Answer(0, str(error)))

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread, answers


def entry_command() -> list[str]:
    """The image's CMD (``python -m fleetform_app_server``) on the pinned fal's interpreter."""
    return [str(FAL_PYTHON), "-m", PACKAGE]


def run_local_command(module: str, name: str, port: int, metrics_port: int) -> list[str]:
    """fal's own local serving of the same app: ``<app>.run_local(exposed_port=..., exposed_metrics_port=...)``."""
    script = (f"from {module} import {name}\n"
              f"{name}.run_local(exposed_port={port}, exposed_metrics_port={metrics_port})\n")
    return [str(FAL_PYTHON), "-c", script]


def server_environment(home: Path, **variables: str) -> dict[str, str]:
    """A clean environment: no proxies, fal's config in a scratch HOME, the shipped package on PYTHONPATH."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(APP_SERVER_PATH), **variables}


@contextmanager
def running(command: list[str], home: Path, *, port: int, metrics_port: int, ready: str | None = "/health",
            **variables: str) -> Iterator[Server]:
    """The server started from the fixture project; ``ready`` is a GET path awaited until 200 (None: don't wait)."""
    home.mkdir(parents=True, exist_ok=True)
    output = home / "server.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(command, cwd=PROJECT, env=server_environment(home, **variables),
                                   stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT)
    server = Server(process, port, metrics_port, output)
    try:
        if ready is not None:
            wait_for(lambda: _ready(server, ready), f"{' '.join(command[-2:])} to serve {ready}\n{server.log()}",
                     START_TIMEOUT_SECONDS)
        yield server
    finally:
        if process.poll() is None:
            _kill_tree(process)


def _kill_tree(process: subprocess.Popen) -> None:
    """Kills the process and everything below it (the entry's server runs in a session of its own)."""
    pids = [process.pid]
    for pid in pids:
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                pids += [int(child) for child in children.read_text().split()]
            except OSError:
                pass
    for pid in reversed(pids):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


def _ready(server: Server, path: str) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"the server exited with {server.process.returncode}:\n{server.log()}")
    try:
        return server.get(path).status == 200
    except OSError:
        return False
