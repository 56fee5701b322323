"""Reading AWS: instance types, their offerings by AZ ID, and on-demand prices, through boto3.

EC2 (per region): ``DescribeAvailabilityZones`` (AZ ID → the AZ name this account sees),
``DescribeInstanceTypeOfferings`` with ``LocationType=availability-zone-id``, ``DescribeInstanceTypes``
for the offered types of the kept families. Prices: the Price List API's ``GetProducts`` (served from
us-east-1), on-demand Linux, shared tenancy, no pre-installed software.

Endpoints and credentials come from boto3's usual chain (``AWS_PROFILE``, ``AWS_ENDPOINT_URL_EC2``,
``AWS_ENDPOINT_URL_PRICING``, ...); any failure becomes a ``catalog/refresh-failed`` error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.exceptions

from fleetform.catalog.instance_types import InstanceType
from fleetform.catalog.refresh.snapshot import CloudSnapshot, RegionSnapshot
from fleetform.errors import FleetformError, did_you_mean

KEPT_FAMILIES = (
    "g4dn.", "g5.", "g6.", "g6e.", "p4d.", "p4de.", "p5.", "p5e.", "p5en.", "p6-b200.", "p6-b300.", "t3.", "m7i.",
)  # fmt: skip
"""Instance-type name prefixes the catalog keeps: the GPU families plus the CPU families fal's CPU types use."""

PRICING_REGION = "us-east-1"
DESCRIBE_BATCH = 100
"""DescribeInstanceTypes takes at most 100 names per call."""

SOURCE = (
    "AWS EC2 API: DescribeAvailabilityZones, DescribeInstanceTypeOfferings (LocationType availability-zone-id), "
    "DescribeInstanceTypes; AZ names are the refreshing account's, a hint only"
)
PRICE_SOURCE = "AWS Price List API GetProducts (AmazonEC2, on-demand, Linux, shared tenancy, no pre-installed software)"
PRICE_FILTERS = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
WHERE = "fleetform catalog refresh --cloud aws"


def read_aws(regions: Sequence[str], session: boto3.Session | None = None) -> CloudSnapshot:
    """Everything the catalog keeps about ``regions``, read from the AWS APIs."""
    session = session or boto3.Session()
    with _aws_errors():
        _check_regions(session, regions)
        pricing = session.client("pricing", region_name=PRICING_REGION)
        shapes: dict[str, InstanceType] = {}
        snapshots: dict[str, RegionSnapshot] = {}
        for region in regions:
            ec2 = session.client("ec2", region_name=region)
            zones = _zones(ec2)
            offerings = _offerings(ec2, zones)
            shapes.update(_describe(ec2, sorted(offerings)))
            snapshots[region] = RegionSnapshot(zones, offerings, _prices(pricing, region))
    return CloudSnapshot("aws", dict(sorted(shapes.items())), snapshots, SOURCE, PRICE_SOURCE)


def _check_regions(session: boto3.Session, regions: Sequence[str]) -> None:
    response = session.client("ec2", region_name=PRICING_REGION).describe_regions(AllRegions=True)
    known = sorted(region["RegionName"] for region in response["Regions"])
    for region in regions:
        if region not in known:
            raise FleetformError.single(
                "catalog/unknown-cloud-region", WHERE, f"AWS has no region {region!r}{did_you_mean(region, known)}"
            )


def _zones(ec2: Any) -> dict[str, str]:
    response = ec2.describe_availability_zones(Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}])
    return {zone["ZoneId"]: zone["ZoneName"] for zone in response["AvailabilityZones"]}


def _offerings(ec2: Any, zones: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    pages = ec2.get_paginator("describe_instance_type_offerings").paginate(LocationType="availability-zone-id")
    for page in pages:
        for offering in page["InstanceTypeOfferings"]:
            name, zone = offering["InstanceType"], offering["Location"]
            if name.startswith(KEPT_FAMILIES) and zone in zones:
                found.setdefault(name, set()).add(zone)
    return {name: tuple(sorted(found[name])) for name in sorted(found)}


def _describe(ec2: Any, names: Sequence[str]) -> dict[str, InstanceType]:
    shapes: dict[str, InstanceType] = {}
    paginator = ec2.get_paginator("describe_instance_types")
    for start in range(0, len(names), DESCRIBE_BATCH):
        for page in paginator.paginate(InstanceTypes=list(names[start : start + DESCRIBE_BATCH])):
            for entry in page["InstanceTypes"]:
                shapes[entry["InstanceType"]] = _instance_type(entry)
    return shapes


def _instance_type(entry: Mapping[str, Any]) -> InstanceType:
    gpus = entry.get("GpuInfo", {}).get("Gpus", [])
    return InstanceType(
        cloud="aws",
        name=entry["InstanceType"],
        vcpus=entry["VCpuInfo"]["DefaultVCpus"],
        memory_mib=entry["MemoryInfo"]["SizeInMiB"],
        gpu=gpus[0]["Name"] if gpus else None,
        gpu_count=sum(gpu["Count"] for gpu in gpus),
        gpu_memory_mib=gpus[0]["MemoryInfo"]["SizeInMiB"] if gpus else 0,
        on_demand="on-demand" in entry.get("SupportedUsageClasses", []),
    )


def _prices(pricing: Any, region: str) -> dict[str, float]:
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}] + [
        {"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in PRICE_FILTERS.items()
    ]
    prices: dict[str, float] = {}
    pages = pricing.get_paginator("get_products").paginate(ServiceCode="AmazonEC2", Filters=filters,
                                                           FormatVersion="aws_v1")
    for page in pages:
        for text in page["PriceList"]:
            item = json.loads(text)
            name = item["product"]["attributes"].get("instanceType", "")
            price = _hourly_usd(item)
            if name.startswith(KEPT_FAMILIES) and price is not None:
                prices[name] = min(price, prices.get(name, price))
    return dict(sorted(prices.items()))


def _hourly_usd(item: Mapping[str, Any]) -> float | None:
    """The positive hourly USD price among a product's on-demand terms, if any."""
    for term in item.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term["priceDimensions"].values():
            usd = float(dimension["pricePerUnit"].get("USD", 0))
            if dimension.get("unit") == "Hrs" and usd > 0:
                return usd
    return None


@contextmanager
def _aws_errors() -> Iterator[None]:
    """Turn boto3's failures into one clear ``catalog/refresh-failed`` error."""
    try:
        yield
    except botocore.exceptions.NoCredentialsError as error:
        raise _failed(
            f"no AWS credentials: {error}",
            "configure them (AWS_PROFILE, aws configure, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
        ) from error
    except botocore.exceptions.ClientError as error:
        details = error.response.get("Error", {})
        raise _failed(f"AWS {error.operation_name} failed: {details.get('Code')}: {details.get('Message')}") from error
    except botocore.exceptions.BotoCoreError as error:
        raise _failed(f"AWS call failed: {error}") from error


def _failed(message: str, fix: str | None = None) -> FleetformError:
    return FleetformError.single("catalog/refresh-failed", WHERE, message + "; the catalog data was not changed",
                                 fix=fix)
