"""A local server speaking the REST APIs ``fleetform build --cloud gcp`` calls, for the real google-cloud clients.

- Cloud Build v1: ``builds.create`` (an operation carrying the build) and ``builds.get``; each build
  plays a script of ``(status, new log lines)``, one per ``get``, and writes its log to
  ``<logsBucket>/log-<id>.txt`` as Cloud Build does. A successful build pushes its images' tags.
- Artifact Registry v1: ``tags.get`` of ``projects/*/locations/*/repositories/*/packages/*/tags/*``.
- Cloud Storage JSON API: object metadata, multipart upload, media download with ``Range``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.catalog.loopback_server import JsonHandler, LoopbackServer

BUILD = re.compile(r"^/v1/projects/(?P<project>[^/]+)/builds(?:/(?P<id>[^/:]+))?$")
TAG = re.compile(r"^/v1/(?P<name>projects/[^/]+/locations/[^/]+/repositories/[^/]+/packages/[^/]+/tags/[^/]+)$")
OBJECT = re.compile(r"^/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<name>.+)$")
DOWNLOAD = re.compile(r"^/download/storage/v1/b/(?P<bucket>[^/]+)/o/(?P<name>.+)$")
UPLOAD = re.compile(r"^/upload/storage/v1/b/(?P<bucket>[^/]+)/o$")
PUSHED_IMAGE = re.compile(r"^(?P<location>[a-z]+)-docker\.pkg\.dev/(?P<project>[^/]+)/(?P<repository>[^/]+)/"
                          r"(?P<package>[^:]+):(?P<tag>.+)$")


@dataclass
class ScriptedBuild:
    spec: dict[str, Any]
    steps: list[tuple[str, list[str]]]
    polls: int = 0
    log: list[str] = field(default_factory=list)


class GoogleBuildServer(LoopbackServer):
    def __init__(self, scripts: list[list[tuple[str, list[str]]]]) -> None:
        self._scripts = list(scripts)
        self.builds: dict[str, ScriptedBuild] = {}
        self.tags: set[str] = set()
        """``projects/p/locations/l/repositories/r/packages/app/tags/t`` names that exist."""
        self.objects: dict[tuple[str, str], bytes] = {}
        self.uploads = 0
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def _next_script(self) -> list[tuple[str, list[str]]]:
        """The next build's script; the last one plays again for every further build."""
        return self._scripts.pop(0) if len(self._scripts) > 1 else list(self._scripts[0])

    def push(self, image: str) -> None:
        match = PUSHED_IMAGE.match(image)
        assert match, image
        self.tags.add("projects/{project}/locations/{location}/repositories/{repository}/packages/{package}/tags/"
                      "{tag}".format(**match.groupdict()))

    def _create(self, project: str, spec: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            build_id = f"b{len(self.builds) + 1:04d}"
            self.builds[build_id] = ScriptedBuild(spec, self._next_script())
        return {"name": f"operations/build/{project}/{build_id}",
                "metadata": {"@type": "type.googleapis.com/google.devtools.cloudbuild.v1.BuildOperationMetadata",
                             "build": {"id": build_id, "projectId": project, "status": "QUEUED"}}}

    def _get(self, project: str, build_id: str) -> dict[str, Any]:
        with self._lock:
            build = self.builds[build_id]
            status, lines = build.steps[min(build.polls, len(build.steps) - 1)]
            if build.polls < len(build.steps):
                build.log += lines
                bucket, _, prefix = build.spec["logsBucket"].removeprefix("gs://").partition("/")
                log = "".join(f"{line}\n" for line in build.log).encode()
                self.objects[(bucket, f"{prefix}/log-{build_id}.txt")] = log
                if status == "SUCCESS" and build.polls == len(build.steps) - 1:
                    image = next(e.split("=", 1)[1] for e in build.spec["steps"][0]["env"] if e.startswith("IMAGE="))
                    for reference in image.split():
                        self.push(reference)
            build.polls += 1
        step_status = status if status not in ("QUEUED", "WORKING") else "WORKING"
        document: dict[str, Any] = {"id": build_id, "projectId": project, "status": status,
                                    "steps": [{"id": "build", "name": build.spec["steps"][0]["name"],
                                               "status": step_status}]}
        if status not in ("QUEUED", "WORKING", "SUCCESS"):
            document["failureInfo"] = {"type": "USER_BUILD_STEP",
                                       "detail": 'Build step failure: build step 0 "gcr.io/cloud-builders/docker" '
                                                 "failed: step exited with non-zero status: 1"}
        return document

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            def _not_found(self) -> None:
                self.reply(404, {"error": {"code": 404, "status": "NOT_FOUND", "message": f"{self.path} not found"}})

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if (match := BUILD.match(path)) and match["id"]:
                    if match["id"] not in server.builds:
                        return self._not_found()
                    return self.reply(200, server._get(match["project"], match["id"]))
                if match := TAG.match(path):
                    if match["name"] not in server.tags:
                        return self._not_found()
                    return self.reply(200, {"name": match["name"], "version": f"{match['name']}/versions/sha256:1"})
                if match := DOWNLOAD.match(path):
                    return self._download(match["bucket"], unquote(match["name"]))
                if match := OBJECT.match(path):
                    content = server.objects.get((match["bucket"], unquote(match["name"])))
                    if content is None:
                        return self._not_found()
                    return self.reply(200, {"bucket": match["bucket"], "name": unquote(match["name"]),
                                            "size": str(len(content))})
                self._not_found()

            def _download(self, bucket: str, name: str) -> None:
                content = server.objects.get((bucket, name))
                if content is None:
                    return self._not_found()
                start = int(re.match(r"bytes=(\d+)-", self.headers.get("Range", "bytes=0-"))[1])  # type: ignore[index]
                if start >= len(content):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(content)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                part = content[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(part)))
                self.send_header("Content-Range", f"bytes {start}-{len(content) - 1}/{len(content)}")
                self.end_headers()
                self.wfile.write(part)
                return None

            def do_POST(self) -> None:
                split = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if match := BUILD.match(split.path):
                    return self.reply(200, server._create(match["project"], json.loads(body)))
                if match := UPLOAD.match(split.path):
                    message = BytesParser(policy=HTTP).parsebytes(
                        f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
                    metadata, media = [part.get_payload(decode=True) for part in message.iter_parts()]
                    name = json.loads(metadata).get("name") or parse_qs(split.query)["name"][0]
                    server.objects[(match["bucket"], name)] = media
                    server.uploads += 1
                    return self.reply(200, {"bucket": match["bucket"], "name": name, "size": str(len(media))})
                self._not_found()

        return Handler
