"""Fixtures for the catalog tests: a copy of the data to refresh, moto in server mode, local API servers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from fleetform.catalog.data_file import DATA_DIR
from fleetform.catalog.instance_types import instance_types
from fleetform.catalog.prices import region_prices
from fleetform.catalog.regions import region_offerings
from tests.catalog.aws_pricing_server import PricingServer, ec2_product
from tests.catalog.gcp_compute_server import ComputeData, ComputeServer

GCP_PROJECT = "fleetform-test"

GPU_DESCRIPTIONS = {
    "nvidia-l4": "NVIDIA L4",
    "nvidia-tesla-a100": "NVIDIA A100 40GB",
    "nvidia-a100-80gb": "NVIDIA A100 80GB",
    "nvidia-h100-80gb": "NVIDIA H100 80GB",
    "nvidia-h100-mega-80gb": "NVIDIA H100 80GB MEGA",
    "nvidia-h200-141gb": "NVIDIA H200 141GB",
    "nvidia-b200": "NVIDIA B200",
}
OTHER_GCP_MACHINE_TYPES = [  # families the catalog does not keep: the refresh must drop them
    {"name": "c3-standard-4", "guestCpus": 4, "memoryMb": 16384},
    {"name": "n1-standard-8", "guestCpus": 8, "memoryMb": 30720},
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A private copy of the packaged catalog data, for a refresh to rewrite."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    yield copy
    for cached in (instance_types, region_offerings, region_prices):
        cached.cache_clear()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto in server mode on 127.0.0.1 and a free port; yields its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def packaged_aws_products() -> list[dict]:
    """Price List products for every packaged AWS price, plus decoys the refresh's filters must skip."""
    products = [
        ec2_product(name, region, price.value)
        for region, prices in region_prices("aws").items()
        for name, price in prices.items()
    ]
    decoys = [
        ec2_product("p5.4xlarge", "us-east-1", 99.0, os="Windows"),
        ec2_product("p5.4xlarge", "us-east-1", 98.0, tenancy="Dedicated"),
        ec2_product("c7i.large", "us-east-1", 0.0893),
    ]
    return products + decoys


@pytest.fixture
def pricing_server() -> Iterator[PricingServer]:
    with PricingServer(packaged_aws_products()).running() as server:
        yield server


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, moto_server: str, pricing_server: PricingServer, tmp_path: Path) -> None:
    """boto3 pointed at moto (EC2) and the local Price List server, with throwaway credentials."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", pricing_server.url)


def packaged_gcp_compute() -> ComputeData:
    """Compute API data that describes exactly the packaged GCP catalog (plus families it does not keep)."""
    data = ComputeData(project=GCP_PROJECT)
    shapes = instance_types("gcp")
    for region, offerings in region_offerings("gcp").items():
        for zone in offerings.zones:
            data.zones[zone.id] = region
            data.machine_types[zone.id] = [
                _machine_type_json(shapes[name], zone.id)
                for name, zones in offerings.offerings.items() if zone.id in zones
            ] + [{**other, "zone": zone.id} for other in OTHER_GCP_MACHINE_TYPES]
            gpus = sorted({shapes[name].gpu for name, zones in offerings.offerings.items()
                           if zone.id in zones and shapes[name].gpu})
            data.accelerator_types[zone.id] = [
                {"name": gpu, "description": GPU_DESCRIPTIONS[gpu], "maximumCardsPerInstance": 8, "zone": zone.id}
                for gpu in gpus
            ]
    return data


def _machine_type_json(shape, zone: str) -> dict:
    document = {"name": shape.name, "guestCpus": shape.vcpus, "memoryMb": shape.memory_mib, "zone": zone}
    if shape.gpu:
        document["accelerators"] = [{"guestAcceleratorType": shape.gpu, "guestAcceleratorCount": shape.gpu_count}]
    return document


@pytest.fixture
def compute_server() -> Iterator[ComputeServer]:
    with ComputeServer(packaged_gcp_compute()).running() as server:
        yield server
