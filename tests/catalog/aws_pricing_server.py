"""A local AWS Price List API for the refresh tests: real HTTP, the AWS JSON 1.1 protocol, GetProducts only.

moto has no Price List API, so this serves it: ``POST /`` with ``X-Amz-Target:
AWSPriceListService.GetProducts``, filtering products by ``TERM_MATCH`` on their attributes and paging
with ``NextToken``, so the real boto3 ``pricing`` client (and its paginator) runs against it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.catalog.loopback_server import JsonHandler, LoopbackServer

TARGET = "AWSPriceListService.GetProducts"


def ec2_product(
    instance_type: str, region: str, usd: float, *, os: str = "Linux", tenancy: str = "Shared", software: str = "NA"
) -> dict[str, Any]:
    """One AmazonEC2 product in the Price List's ``aws_v1`` shape, with one on-demand hourly price."""
    sku = f"{region}-{instance_type}-{os}-{tenancy}-{software}"
    return {
        "product": {
            "productFamily": "Compute Instance",
            "sku": sku,
            "attributes": {
                "servicecode": "AmazonEC2", "instanceType": instance_type, "regionCode": region,
                "operatingSystem": os, "tenancy": tenancy, "preInstalledSw": software, "capacitystatus": "Used",
            },
        },
        "serviceCode": "AmazonEC2",
        "terms": {"OnDemand": {f"{sku}.JRTCKXETXF": {
            "sku": sku, "offerTermCode": "JRTCKXETXF",
            "priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                "unit": "Hrs", "pricePerUnit": {"USD": f"{usd:.10f}"}, "description": f"${usd} per On Demand hour",
            }},
        }}},
    }  # fmt: skip


class PricingServer(LoopbackServer):
    """Serves ``products``; ``fail_with`` makes every call fail with that AWS error code."""

    def __init__(self, products: list[Mapping[str, Any]], page_size: int = 7) -> None:
        self.products = products
        self.page_size = page_size
        self.fail_with: str | None = None
        self.requests: list[dict[str, Any]] = []
        super().__init__(self._handler())

    def get_products(self, body: Mapping[str, Any]) -> dict[str, Any]:
        matching = [
            product for product in self.products
            if product["serviceCode"] == body["ServiceCode"]
            and all(_matches(product, f) for f in body.get("Filters", []))
        ]  # fmt: skip
        start = int(body.get("NextToken") or 0)
        page = matching[start : start + min(self.page_size, int(body.get("MaxResults", 100)))]
        response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in page]}
        if start + len(page) < len(matching):
            response["NextToken"] = str(start + len(page))
        return response

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            content_type = "application/x-amz-json-1.1"

            def do_POST(self) -> None:  # http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                server.requests.append(body)
                if self.headers.get("X-Amz-Target") != TARGET:
                    self.reply(400, {"__type": "UnknownOperationException", "message": "unknown operation"})
                elif server.fail_with:
                    self.reply(400, {"__type": server.fail_with, "message": f"{server.fail_with} (local test server)"})
                else:
                    self.reply(200, server.get_products(body))


        return Handler


def _matches(product: Mapping[str, Any], term: Mapping[str, str]) -> bool:
    assert term["Type"] == "TERM_MATCH", term
    return product["product"]["attributes"].get(term["Field"]) == term["Value"]
