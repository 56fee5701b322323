"""A local server that answers like CodeBuild and CloudWatch Logs (AWS JSON 1.1 protocol) for scripted builds.

moto reports every build as succeeded and keeps no log, so the failure, timeout and log-streaming
paths run boto3 against this instead (``AWS_ENDPOINT_URL_CODEBUILD`` / ``AWS_ENDPOINT_URL_LOGS``).
Each started build plays a script: a list of ``(status, new log lines)`` answered one per
``BatchGetBuilds``; the last status stays. A failed final status reports a failed ``BUILD`` phase.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.catalog.loopback_server import JsonHandler, LoopbackServer

LOG_GROUP = "/acme/builds"


@dataclass
class ScriptedBuild:
    steps: list[tuple[str, list[str]]]
    failure_message: str = "Error while executing command: docker buildx build. Reason: exit status 1"
    polls: int = 0
    log: list[str] = field(default_factory=list)
    started_with: dict[str, Any] = field(default_factory=dict)


class CodeBuildServer(LoopbackServer):
    """``on_success(started_with)`` runs when a build reaches SUCCEEDED: a test pushes the image there."""

    def __init__(self, scripts: list[list[tuple[str, list[str]]]],
                 on_success: Callable[[dict[str, Any]], None] | None = None) -> None:
        self._scripts = list(scripts)
        self._on_success = on_success
        self.builds: dict[str, ScriptedBuild] = {}
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def _next_script(self) -> list[tuple[str, list[str]]]:
        """The next build's script; the last one plays again for every further build."""
        return self._scripts.pop(0) if len(self._scripts) > 1 else list(self._scripts[0])

    def _start(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            build_id = f"{body['projectName']}:{len(self.builds) + 1:08d}"
            self.builds[build_id] = ScriptedBuild(self._next_script(), started_with=body)
        return {"build": {"id": build_id, "buildStatus": "IN_PROGRESS"}}

    def _describe(self, build_id: str) -> dict[str, Any]:
        with self._lock:
            build = self.builds[build_id]
            status, lines = build.steps[min(build.polls, len(build.steps) - 1)]
            if build.polls < len(build.steps):
                build.log += lines
                if status == "SUCCEEDED" and self._on_success is not None:
                    self._on_success(build.started_with)
            build.polls += 1
        described: dict[str, Any] = {"id": build_id, "buildStatus": status,
                                     "logs": {"groupName": LOG_GROUP, "streamName": build_id.split(":")[1]}}
        if status not in ("IN_PROGRESS", "SUCCEEDED"):
            described["phases"] = [
                {"phaseType": "PRE_BUILD", "phaseStatus": "SUCCEEDED"},
                {"phaseType": "BUILD", "phaseStatus": status,
                 "contexts": [{"statusCode": "COMMAND_EXECUTION_ERROR", "message": build.failure_message}]},
            ]
        return described

    def _log_events(self, body: dict[str, Any]) -> dict[str, Any]:
        build = next(b for i, b in self.builds.items() if i.split(":")[1] == body["logStreamName"])
        start = int(body.get("nextToken", "f/0").split("/")[1])
        with self._lock:
            lines = build.log[start:]
        token = f"f/{start + len(lines)}"
        return {"events": [{"timestamp": 0, "message": line + "\n"} for line in lines],
                "nextForwardToken": token, "nextBackwardToken": "b/0"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            content_type = "application/x-amz-json-1.1"

            def do_POST(self) -> None:
                target = self.headers.get("X-Amz-Target", "")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                if target.endswith(".StartBuild"):
                    return self.reply(200, server._start(body))
                if target.endswith(".BatchGetBuilds"):
                    return self.reply(200, {"builds": [server._describe(build_id) for build_id in body["ids"]]})
                if target.endswith(".GetLogEvents"):
                    return self.reply(200, server._log_events(body))
                self.reply(400, {"__type": "UnknownOperationException", "message": target})

        return Handler
