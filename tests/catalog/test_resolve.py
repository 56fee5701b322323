"""Resolution behaviour beyond the table: exact messages, fallback lists, cloud-native names, placement."""

from __future__ import annotations

import pytest

from fleetform.catalog.resolve import resolve
from fleetform.errors import FleetformError, Problem


def problems_of(call) -> tuple[Problem, ...]:
    with pytest.raises(FleetformError) as caught:
        call()
    return caught.value.problems


def test_rtx_card_is_rejected_with_the_closest_gpus_by_memory() -> None:
    (problem,) = problems_of(lambda: resolve(["GPU-RTX4090"], None, "aws", where="apps.x.machine_type"))
    assert problem == Problem(
        "catalog/not-offered",
        "apps.x.machine_type",
        "'GPU-RTX4090' is not offered on aws: the RTX 4090 is a consumer card no cloud rents",
        allowed="closest on aws by GPU memory: aws:g5.xlarge (A10G 22 GiB), aws:g6.xlarge (L4 22 GiB), "
        "GPU-A100 (A100 40 GiB), GPU-L40 (L40S 45 GiB)",
        fix="use one of these (a machine_type list is tried in order), or deploy this app to another cloud",
    )


def test_l40_on_gcp_says_gcp_has_none_and_names_alternatives() -> None:
    (problem,) = problems_of(lambda: resolve(["GPU-L40"], 1, "gcp"))
    assert problem.message == "'GPU-L40' is not offered on gcp: GCP has no L40S (nor L40) machine type"
    assert problem.allowed == (
        "closest on gcp by GPU memory: GPU-A100 (nvidia-tesla-a100 40 GiB), "
        "gcp:a2-ultragpu-1g (nvidia-a100-80gb 80 GiB), "
        "GPU-H100 (nvidia-h100-80gb 80 GiB), gcp:a3-megagpu-8g (nvidia-h100-mega-80gb 80 GiB)"
    )


def test_missing_gpu_count_takes_the_next_size_up_with_a_warning() -> None:
    resolution = resolve(["GPU-A100"], 2, "aws")
    assert resolution.instance_types == ("p4d.24xlarge",)
    assert resolution.choices[0].gpus == 8
    assert [w.message for w in resolution.warnings] == [
        "aws has no 2-GPU shape for 'GPU-A100'; using the 8-GPU shape, which pays for 6 GPU(s) the runner does not use"
    ]


def test_spot_only_a3_shape_is_flagged() -> None:
    (warning,) = resolve(["GPU-H100"], 1, "gcp").warnings
    assert warning == Problem(
        "catalog/not-on-demand",
        "machine_type",
        "gcp a3-highgpu-1g (for 'GPU-H100') is reportedly sold only as Spot or Flex-start, not on demand, "
        "so an on-demand pool may never get capacity",
        fix="use num_gpus = 8 (sold on demand), or deploy this app to another cloud",
    )


def test_fallback_list_keeps_its_order() -> None:
    assert resolve(["GPU-H100", "GPU-A100"], 8, "aws").instance_types == ("p5.48xlarge", "p4d.24xlarge")
    assert resolve(["GPU-A100", "GPU-H100"], 8, "gcp").instance_types == ("a2-highgpu-8g", "a3-highgpu-8g")


def test_unoffered_list_entry_is_skipped_with_a_warning() -> None:
    resolution = resolve(["GPU-L40", "GPU-A100"], 1, "gcp")
    assert resolution.instance_types == ("a2-highgpu-1g",)
    assert [(w.code, w.where) for w in resolution.warnings] == [("catalog/not-offered", "machine_type[0]")]


def test_cloud_native_entries_apply_to_their_own_cloud_only() -> None:
    assert resolve(["aws:g6e.2xlarge", "GPU-H100"], None, "aws").instance_types == ("g6e.2xlarge", "p5.4xlarge")
    assert resolve(["aws:g6e.2xlarge", "GPU-H100"], None, "gcp").instance_types == ("a3-highgpu-1g",)


def test_an_entry_resolving_to_a_type_already_listed_is_dropped() -> None:
    assert resolve(["GPU-A100", "GPU", "aws:p4d.24xlarge"], 8, "aws").instance_types == ("p4d.24xlarge",)


@pytest.mark.parametrize(
    ("machine_types", "gpus", "cloud", "code", "message"),
    [
        (["GPU-H100"], 0, "aws", "catalog/bad-gpu-count", "num_gpus=0: a fal runner has 1 to 8 GPUs"),
        (["GPU-H100"], 16, "aws", "catalog/bad-gpu-count", "num_gpus=16: a fal runner has 1 to 8 GPUs"),
        (["M"], 2, "aws", "catalog/gpus-on-cpu-machine", "num_gpus=2 with CPU machine type 'M'"),
        (["aws:g6e.xlarge"], 4, "aws", "catalog/gpu-count-mismatch",
         "num_gpus=4, but g6e.xlarge (1×L40S 45 GiB, 4 vCPU, 32 GiB) has 1 GPU(s)"),
        (["aws:p5.4xlarge"], None, "gcp", "catalog/not-offered", "no entry of ['aws:p5.4xlarge'] runs on gcp"),
        (["GPU-RTX4090", "GPU-L40"], None, "gcp", "catalog/not-offered",
         "'GPU-RTX4090' is not offered on gcp: the RTX 4090 is a consumer card no cloud rents"),
    ],
)  # fmt: skip
def test_bad_requests(machine_types: list[str], gpus: int | None, cloud: str, code: str, message: str) -> None:
    problems = problems_of(lambda: resolve(machine_types, gpus, cloud))
    assert (problems[0].code, problems[0].message) == (code, message)


def test_every_unoffered_entry_is_reported_when_none_is_offered() -> None:
    problems = problems_of(lambda: resolve(["GPU-RTX4090", "GPU-L40"], None, "gcp"))
    assert [p.where for p in problems] == ["machine_type[0]", "machine_type[1]"]


def test_zones_per_default_region() -> None:
    placements = resolve(["GPU-H100"], 1, "aws").placements
    assert list(placements) == ["us-west-2", "us-east-2", "us-east-1", "eu-north-1", "eu-west-2"]
    assert placements["us-east-1"].zones == ("use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6")
    assert all(placement.problem is None for placement in placements.values())


def test_b200_is_not_offered_in_london() -> None:
    placements = resolve(["GPU-B200"], 8, "aws").placements
    assert [region for region, placement in placements.items() if placement.problem] == ["eu-west-2"]


def test_a_region_without_the_type_names_the_regions_that_have_it() -> None:
    resolution = resolve(["GPU-H100"], 1, "aws", "eu-west-1")
    with pytest.raises(FleetformError) as caught:
        resolution.placement("eu-west-1")
    (problem,) = caught.value.problems
    assert (problem.code, problem.message, problem.allowed) == (
        "catalog/no-zone",
        "no zone of aws region eu-west-1 offers 'p5.4xlarge'",
        "regions that do: eu-north-1, eu-west-2, us-east-1, us-east-2, us-west-2",
    )


def test_a_fallback_type_adds_the_zones_that_offer_it() -> None:
    """Mixed-instances ASGs and flexible MIGs launch, per zone, a type the zone offers: zones are a union."""
    resolution = resolve(["GPU-H200", "GPU-H100"], 1, "gcp", ["us-east4", "europe-west4"])
    east, europe = resolution.placement("us-east4"), resolution.placement("europe-west4")
    assert east.instance_types == europe.instance_types == ("a3-ultragpu-8g", "a3-highgpu-1g")
    assert east.zones == ("us-east4-a", "us-east4-b", "us-east4-c")
    assert europe.zones == ("europe-west4-a", "europe-west4-b", "europe-west4-c")
    assert (east.warnings, europe.warnings) == ((), ())


def test_unknown_cloud_region_is_an_error_with_a_suggestion() -> None:
    (problem,) = problems_of(lambda: resolve(["GPU-H100"], 1, "aws", "us-east-7"))
    assert (problem.code, problem.message) == (
        "catalog/unknown-cloud-region",
        "the catalog has no zone data for aws region 'us-east-7'; "
        "did you mean 'us-east-2' or 'us-east-1' or 'us-west-2'?",
    )
