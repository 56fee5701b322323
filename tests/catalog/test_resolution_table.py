"""Every fal machine type × GPU count (1/2/4/8) × cloud: the instance type chosen, or the error, and the warnings."""

from __future__ import annotations

import pytest

from fleetform.catalog.machines import fal_machine_type_names, parse_machine_name
from fleetform.catalog.resolve import resolve
from fleetform.errors import FleetformError

# (machine type, num_gpus, cloud, instance type or None for an error, problem codes without "catalog/")
TABLE = [
    ("XS", None, "aws", "t3.small", ()),
    ("XS", None, "gcp", "e2-small", ()),
    ("S", None, "aws", "t3.small", ()),
    ("S", None, "gcp", "e2-small", ()),
    ("M", None, "aws", "t3.medium", ()),
    ("M", None, "gcp", "e2-medium", ()),
    ("L", None, "aws", "m7i.xlarge", ()),
    ("L", None, "gcp", "n2-standard-4", ()),
    ("XL", None, "aws", "m7i.2xlarge", ()),
    ("XL", None, "gcp", "n2-standard-8", ()),
    ("GPU-RTX4090", 1, "aws", None, ("not-offered",)),
    ("GPU-RTX4090", 1, "gcp", None, ("not-offered",)),
    ("GPU-RTX4090", 2, "aws", None, ("not-offered",)),
    ("GPU-RTX4090", 2, "gcp", None, ("not-offered",)),
    ("GPU-RTX4090", 4, "aws", None, ("not-offered",)),
    ("GPU-RTX4090", 4, "gcp", None, ("not-offered",)),
    ("GPU-RTX4090", 8, "aws", None, ("not-offered",)),
    ("GPU-RTX4090", 8, "gcp", None, ("not-offered",)),
    ("GPU-RTX5090", 1, "aws", None, ("not-offered",)),
    ("GPU-RTX5090", 1, "gcp", None, ("not-offered",)),
    ("GPU-RTX5090", 2, "aws", None, ("not-offered",)),
    ("GPU-RTX5090", 2, "gcp", None, ("not-offered",)),
    ("GPU-RTX5090", 4, "aws", None, ("not-offered",)),
    ("GPU-RTX5090", 4, "gcp", None, ("not-offered",)),
    ("GPU-RTX5090", 8, "aws", None, ("not-offered",)),
    ("GPU-RTX5090", 8, "gcp", None, ("not-offered",)),
    ("GPU-A100", 1, "aws", "p4d.24xlarge", ("no-gpu-count",)),
    ("GPU-A100", 1, "gcp", "a2-highgpu-1g", ()),
    ("GPU-A100", 2, "aws", "p4d.24xlarge", ("no-gpu-count",)),
    ("GPU-A100", 2, "gcp", "a2-highgpu-2g", ()),
    ("GPU-A100", 4, "aws", "p4d.24xlarge", ("no-gpu-count",)),
    ("GPU-A100", 4, "gcp", "a2-highgpu-4g", ()),
    ("GPU-A100", 8, "aws", "p4d.24xlarge", ()),
    ("GPU-A100", 8, "gcp", "a2-highgpu-8g", ()),
    ("GPU-L40", 1, "aws", "g6e.4xlarge", ()),  # 6 CPU / 100 GiB per GPU: g6e.2xlarge has only 64 GiB
    ("GPU-L40", 1, "gcp", None, ("not-offered",)),
    ("GPU-L40", 2, "aws", "g6e.12xlarge", ("no-gpu-count",)),
    ("GPU-L40", 2, "gcp", None, ("not-offered",)),
    ("GPU-L40", 4, "aws", "g6e.24xlarge", ()),  # 400 GiB + overhead: g6e.12xlarge has 384 GiB
    ("GPU-L40", 4, "gcp", None, ("not-offered",)),
    ("GPU-L40", 8, "aws", "g6e.48xlarge", ()),
    ("GPU-L40", 8, "gcp", None, ("not-offered",)),
    ("GPU-H100", 1, "aws", "p5.4xlarge", ()),
    ("GPU-H100", 1, "gcp", "a3-highgpu-1g", ("not-on-demand",)),
    ("GPU-H100", 2, "aws", "p5.48xlarge", ("no-gpu-count",)),
    ("GPU-H100", 2, "gcp", "a3-highgpu-2g", ("not-on-demand",)),
    ("GPU-H100", 4, "aws", "p5.48xlarge", ("no-gpu-count",)),
    ("GPU-H100", 4, "gcp", "a3-highgpu-4g", ("not-on-demand",)),
    ("GPU-H100", 8, "aws", "p5.48xlarge", ()),
    ("GPU-H100", 8, "gcp", "a3-highgpu-8g", ()),
    ("GPU-H200", 1, "aws", "p5en.48xlarge", ("no-gpu-count",)),
    ("GPU-H200", 1, "gcp", "a3-ultragpu-8g", ("no-gpu-count",)),
    ("GPU-H200", 2, "aws", "p5en.48xlarge", ("no-gpu-count",)),
    ("GPU-H200", 2, "gcp", "a3-ultragpu-8g", ("no-gpu-count",)),
    ("GPU-H200", 4, "aws", "p5en.48xlarge", ("no-gpu-count",)),
    ("GPU-H200", 4, "gcp", "a3-ultragpu-8g", ("no-gpu-count",)),
    ("GPU-H200", 8, "aws", "p5en.48xlarge", ()),
    ("GPU-H200", 8, "gcp", "a3-ultragpu-8g", ()),
    ("GPU-B200", 1, "aws", "p6-b200.48xlarge", ("no-gpu-count",)),
    ("GPU-B200", 1, "gcp", "a4-highgpu-8g", ("no-gpu-count",)),
    ("GPU-B200", 2, "aws", "p6-b200.48xlarge", ("no-gpu-count",)),
    ("GPU-B200", 2, "gcp", "a4-highgpu-8g", ("no-gpu-count",)),
    ("GPU-B200", 4, "aws", "p6-b200.48xlarge", ("no-gpu-count",)),
    ("GPU-B200", 4, "gcp", "a4-highgpu-8g", ("no-gpu-count",)),
    ("GPU-B200", 8, "aws", "p6-b200.48xlarge", ()),
    ("GPU-B200", 8, "gcp", "a4-highgpu-8g", ()),
    ("GPU", 1, "aws", "p4d.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU", 1, "gcp", "a2-highgpu-1g", ("legacy-name",)),
    ("GPU", 2, "aws", "p4d.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU", 2, "gcp", "a2-highgpu-2g", ("legacy-name",)),
    ("GPU", 4, "aws", "p4d.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU", 4, "gcp", "a2-highgpu-4g", ("legacy-name",)),
    ("GPU", 8, "aws", "p4d.24xlarge", ("legacy-name",)),
    ("GPU", 8, "gcp", "a2-highgpu-8g", ("legacy-name",)),
    ("GPU-A100-40G", 1, "aws", "p4d.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-A100-40G", 1, "gcp", "a2-highgpu-1g", ("legacy-name",)),
    ("GPU-A100-40G", 2, "aws", "p4d.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-A100-40G", 2, "gcp", "a2-highgpu-2g", ("legacy-name",)),
    ("GPU-A100-40G", 4, "aws", "p4d.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-A100-40G", 4, "gcp", "a2-highgpu-4g", ("legacy-name",)),
    ("GPU-A100-40G", 8, "aws", "p4d.24xlarge", ("legacy-name",)),
    ("GPU-A100-40G", 8, "gcp", "a2-highgpu-8g", ("legacy-name",)),
    ("GPU-A100-80G", 1, "aws", "p4de.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-A100-80G", 1, "gcp", "a2-ultragpu-1g", ("legacy-name",)),
    ("GPU-A100-80G", 2, "aws", "p4de.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-A100-80G", 2, "gcp", "a2-ultragpu-2g", ("legacy-name",)),
    ("GPU-A100-80G", 4, "aws", "p4de.24xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-A100-80G", 4, "gcp", "a2-ultragpu-4g", ("legacy-name",)),
    ("GPU-A100-80G", 8, "aws", "p4de.24xlarge", ("legacy-name",)),
    ("GPU-A100-80G", 8, "gcp", "a2-ultragpu-8g", ("legacy-name",)),
    ("GPU-A6000", 1, "aws", None, ("not-offered",)),
    ("GPU-A6000", 1, "gcp", None, ("not-offered",)),
    ("GPU-A6000", 2, "aws", None, ("not-offered",)),
    ("GPU-A6000", 2, "gcp", None, ("not-offered",)),
    ("GPU-A6000", 4, "aws", None, ("not-offered",)),
    ("GPU-A6000", 4, "gcp", None, ("not-offered",)),
    ("GPU-A6000", 8, "aws", None, ("not-offered",)),
    ("GPU-A6000", 8, "gcp", None, ("not-offered",)),
    ("GPU-T4", 1, "aws", "g4dn.xlarge", ("legacy-name",)),
    ("GPU-T4", 1, "gcp", None, ("not-offered",)),
    ("GPU-T4", 2, "aws", "g4dn.12xlarge", ("legacy-name", "no-gpu-count")),
    ("GPU-T4", 2, "gcp", None, ("not-offered",)),
    ("GPU-T4", 4, "aws", "g4dn.12xlarge", ("legacy-name",)),
    ("GPU-T4", 4, "gcp", None, ("not-offered",)),
    ("GPU-T4", 8, "aws", "g4dn.metal", ("legacy-name",)),
    ("GPU-T4", 8, "gcp", None, ("not-offered",)),
]


def test_the_table_covers_every_name_count_and_cloud() -> None:
    expected = {
        (name, count, cloud)
        for name in fal_machine_type_names()
        for count in ((1, 2, 4, 8) if parse_machine_name(name).is_gpu else (None,))
        for cloud in ("aws", "gcp")
    }
    assert {(name, count, cloud) for name, count, cloud, _, _ in TABLE} == expected


@pytest.mark.parametrize(("name", "gpus", "cloud", "instance_type", "codes"), TABLE)
def test_resolution(name: str, gpus: int | None, cloud: str, instance_type: str | None, codes: tuple[str, ...]) -> None:
    if instance_type is None:
        with pytest.raises(FleetformError) as caught:
            resolve([name], gpus, cloud)
        assert tuple(p.code.removeprefix("catalog/") for p in caught.value.problems) == codes
        return
    resolution = resolve([name], gpus, cloud)
    assert resolution.instance_types == (instance_type,)
    assert tuple(p.code.removeprefix("catalog/") for p in resolution.warnings) == codes
    assert resolution.choices[0].gpus >= (gpus or 0)
