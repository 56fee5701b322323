"""A local HTTP server that speaks Secret Manager v1's REST API, for the real google-cloud-secret-manager client.

Serves what ``fleetform secrets`` calls: ``ListSecretVersions`` (with ``state:ENABLED``) and
``AddSecretVersion``, on secrets created with ``add_secret``. Unknown secrets are 404 ``NOT_FOUND``,
as Google answers them. Values are kept decoded, so a test can check what arrived.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.catalog.loopback_server import JsonHandler, LoopbackServer

VERSIONS = re.compile(r"^/v1/projects/(?P<project>[^/]+)/secrets/(?P<secret>[^/:?]+)(?P<rest>/versions|:addVersion)")


class SecretManagerServer(LoopbackServer):
    def __init__(self) -> None:
        self.values: dict[tuple[str, str], list[str]] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def add_secret(self, project: str, secret: str, *values: str) -> None:
        self.values[(project, secret)] = list(values)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            def _route(self) -> tuple[tuple[str, str], str] | None:
                match = VERSIONS.match(self.path)
                if match is None:
                    return None
                return (match["project"], match["secret"]), match["rest"]

            def _not_found(self) -> None:
                self.reply(404, {"error": {"code": 404, "status": "NOT_FOUND",
                                           "message": f"Secret [{self.path}] not found or has no versions."}})

            def do_GET(self) -> None:
                server.requests.append(f"GET {self.path}")
                route = self._route()
                if route is None or route[1] != "/versions" or route[0] not in server.values:
                    return self._not_found()
                (project, secret), _ = route
                versions = [{"name": f"projects/{project}/secrets/{secret}/versions/{index + 1}", "state": "ENABLED"}
                            for index, _ in enumerate(server.values[(project, secret)])]
                self.reply(200, {"versions": versions, "totalSize": len(versions)} if versions else {})

            def do_POST(self) -> None:
                server.requests.append(f"POST {self.path}")
                body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                route = self._route()
                if route is None or route[1] != ":addVersion" or route[0] not in server.values:
                    return self._not_found()
                (project, secret), _ = route
                with server._lock:
                    server.values[(project, secret)].append(base64.b64decode(body["payload"]["data"]).decode())
                    number = len(server.values[(project, secret)])
                self.reply(200, {"name": f"projects/{project}/secrets/{secret}/versions/{number}", "state": "ENABLED"})

        return Handler
