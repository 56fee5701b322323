"""A local Compute Engine REST API for the refresh tests: the three read endpoints the refresh uses.

``GET /compute/v1/projects/{project}/zones``, ``.../aggregated/machineTypes`` (honouring a
``name eq "<regex>"`` filter) and ``.../aggregated/acceleratorTypes``, in Compute's JSON with
``pageToken`` paging, reached by the real google-cloud-compute clients over REST.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.catalog.loopback_server import JsonHandler, LoopbackServer

BASE = "https://www.googleapis.com/compute/v1"
_FILTER = re.compile(r'^name eq "(?P<regex>.*)"$')


@dataclass
class ComputeData:
    """What the server knows: zone → region, and per zone its machine types and accelerator types (JSON)."""

    project: str
    zones: dict[str, str] = field(default_factory=dict)
    machine_types: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    accelerator_types: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class ComputeServer(LoopbackServer):
    """Serves ``data``; ``fail_status`` makes every call fail with that HTTP status."""

    def __init__(self, data: ComputeData, zones_per_page: int = 3) -> None:
        self.data = data
        self.zones_per_page = zones_per_page
        self.fail_status: int | None = None
        self.paths: list[str] = []
        super().__init__(self._handler())

    def respond(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, dict[str, Any]]:
        prefix = f"/compute/v1/projects/{self.data.project}/"
        if not path.startswith(prefix):
            return 404, _error(404, f"The resource '{path}' was not found")
        resource = path.removeprefix(prefix)
        token = int(query.get("pageToken", ["0"])[0] or 0)
        if resource == "zones":
            return 200, self._zones(token)
        if resource == "aggregated/machineTypes":
            return 200, self._aggregated("machineTypes", self.data.machine_types, token, query.get("filter", [""])[0])
        if resource == "aggregated/acceleratorTypes":
            return 200, self._aggregated("acceleratorTypes", self.data.accelerator_types, token, "")
        return 404, _error(404, f"The resource '{path}' was not found")

    def _zones(self, token: int) -> dict[str, Any]:
        names = sorted(self.data.zones)
        items = [
            {"kind": "compute#zone", "name": zone, "status": "UP",
             "region": f"{BASE}/projects/{self.data.project}/regions/{self.data.zones[zone]}"}
            for zone in names
        ]  # fmt: skip
        return _page({"kind": "compute#zoneList"}, "items", items, token, self.zones_per_page)

    def _aggregated(self, key: str, per_zone: Mapping[str, list[dict[str, Any]]], token: int,
                    filter_: str) -> dict[str, Any]:
        match = _FILTER.match(filter_) if filter_ else None
        if filter_ and match is None:
            raise ValueError(f"unsupported filter {filter_!r}")
        zones = sorted(per_zone)[token : token + self.zones_per_page]
        items = {
            f"zones/{zone}": {key: [item for item in per_zone[zone]
                                    if match is None or re.fullmatch(match["regex"], item["name"])]}
            for zone in zones
        }
        document: dict[str, Any] = {"kind": f"compute#{key[:-1]}AggregatedList", "items": items}
        if token + self.zones_per_page < len(per_zone):
            document["nextPageToken"] = str(token + self.zones_per_page)
        return document

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:  # http.server's naming
                url = urlparse(self.path)
                server.paths.append(url.path)
                if server.fail_status:
                    status = server.fail_status
                    document = _error(status, "Required 'compute.machineTypes.list' permission")
                else:
                    status, document = server.respond(url.path, parse_qs(url.query))
                self.reply(status, document)

        return Handler


def _page(head: dict[str, Any], key: str, items: list[Any], token: int, size: int) -> dict[str, Any]:
    document = {**head, key: items[token : token + size]}
    if token + size < len(items):
        document["nextPageToken"] = str(token + size)
    return document


def _error(status: int, message: str) -> dict[str, Any]:
    reason = "notFound" if status == 404 else "forbidden"
    return {"error": {"code": status, "message": message, "errors": [{"message": message, "reason": reason}]}}
