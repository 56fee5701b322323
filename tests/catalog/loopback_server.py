"""A threaded HTTP server on 127.0.0.1 with a free port, the base of the fake cloud APIs in these tests."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class JsonHandler(BaseHTTPRequestHandler):
    """Replies with JSON documents and keeps the test output free of per-request logs."""

    content_type = "application/json"

    def reply(self, status: int, document: Mapping[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # the base class's name
        pass


class LoopbackServer:
    """Subclasses build their request handler; ``running()`` serves it for the length of a ``with`` block."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = ThreadingHTTPServer((host, port), handler)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def wrap_socket(self, context: ssl.SSLContext) -> None:
        """Serve HTTPS with ``context`` (a server-side TLS context holding the certificate)."""
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @contextmanager
    def running(self) -> Iterator[Self]:
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()
