"""A tiny server keeping the container contract's app port: GET / says what the build saw, POST / echoes."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def reply(self, body):
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        with open("/srv/token.sha256") as file:
            self.reply({"token_sha256": file.read().strip()})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.reply({"echo": json.loads(self.rfile.read(length) or b"null")})


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
