"""``fleetform catalog show / resolve / refresh`` end to end, in-process, asserting exit codes and output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.conftest import GCP_PROJECT
from tests.catalog.gcp_compute_server import ComputeServer


def test_resolve_h100_8_names_p5_48xlarge_and_a3_highgpu_8g(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-H100", "--gpus", "8", "--json")
    assert result.code == 0
    clouds = result.json["clouds"]
    assert [t["name"] for t in clouds["aws"]["instance_types"]] == ["p5.48xlarge"]
    assert [t["name"] for t in clouds["gcp"]["instance_types"]] == ["a3-highgpu-8g"]
    assert clouds["aws"]["instance_types"][0]["gpus"] == 8
    us_east = clouds["aws"]["regions"]["us-east"]
    assert (us_east["cloud_region"], us_east["hourly_usd"]) == ("us-east-1", {"p5.48xlarge": 55.04})
    assert us_east["zones"] == ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]
    assert list(clouds["gcp"]["regions"]) == ["us-west", "us-central", "us-east", "eu-north", "eu-west"]


def test_resolve_h100_1_names_p5_4xlarge_on_aws(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-H100", "--gpus", "1", "--cloud", "aws", "--json")
    assert result.code == 0
    assert [t["name"] for t in result.json["clouds"]["aws"]["instance_types"]] == ["p5.4xlarge"]
    assert list(result.json["clouds"]) == ["aws"]


def test_resolve_a100_1_names_an_a2_type_on_gcp(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-A100", "--gpus", "1", "--cloud", "gcp", "--json")
    (instance_type,) = result.json["clouds"]["gcp"]["instance_types"]
    assert instance_type["name"].startswith("a2-")
    assert instance_type["name"] == "a2-highgpu-1g"


def test_resolve_fallback_list_by_repetition_or_commas(run_cli) -> None:
    repeated = run_cli("catalog", "resolve", "GPU-H100", "GPU-A100", "--gpus", "8", "--json")
    commas = run_cli("catalog", "resolve", "GPU-H100,GPU-A100", "--gpus", "8", "--json")
    assert repeated.out == commas.out
    assert [t["name"] for t in repeated.json["clouds"]["aws"]["instance_types"]] == ["p5.48xlarge", "p4d.24xlarge"]


def test_resolve_text_output(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-H100", "--gpus", "1", "--region", "us-east")
    assert result.code == 0
    assert result.out == (
        "GPU-H100 × 1 GPU(s)\n"
        "aws: p5.4xlarge (1×H100 80 GiB, 16 vCPU, 256 GiB)\n"
        "  us-east (us-east-1): zones use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6; p5.4xlarge $6.880/h\n"
        "gcp: a3-highgpu-1g (1×nvidia-h100-80gb 80 GiB, 26 vCPU, 234 GiB)\n"
        "  warning[catalog/not-on-demand] MACHINE\n"
        "    gcp a3-highgpu-1g (for 'GPU-H100') is reportedly sold only as Spot or Flex-start, not on demand, "
        "so an on-demand pool may never get capacity\n"
        "    fix: use num_gpus = 8 (sold on demand), or deploy this app to another cloud\n"
        "  us-east (us-east4): zones us-east4-a, us-east4-b, us-east4-c; a3-highgpu-1g $10.979/h\n"
    )


def test_unknown_machine_type_exits_2_with_a_suggestion(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-H10")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[:2] == [
        "error[catalog/unknown-machine] MACHINE",
        "  unknown machine type 'GPU-H10'; did you mean 'GPU-H100' or 'GPU-H200' or 'GPU-A100'?",
    ]


def test_region_typo_exits_2_with_a_suggestion(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-H100", "--region", "us-eats")
    assert result.code == 2
    assert result.err == (
        "error[catalog/unknown-region] --region\n"
        "  unknown fal region 'us-eats'; did you mean 'us-east' or 'us-west'?\n"
        "  allowed: us-west, us-central, us-east, eu-north, eu-west\n"
    )


def test_show_machine_typo_exits_2_with_a_suggestion(run_cli) -> None:
    result = run_cli("catalog", "show", "--machine", "GPU-L4")
    assert result.code == 2
    assert "did you mean 'GPU-L40'" in result.err.splitlines()[1]


def test_machine_no_cloud_offers_exits_2_and_names_alternatives(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-RTX4090", "--json")
    assert result.code == 2
    (error,) = result.json["clouds"]["aws"]["errors"]
    assert error["allowed"].startswith("closest on aws by GPU memory: aws:g5.xlarge (A10G 22 GiB)")
    assert result.err == "error: no cloud can run GPU-RTX4090 in us-west, us-central, us-east, eu-north, eu-west\n"


def test_one_cloud_without_an_offering_still_exits_0(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-L40", "--json")
    assert result.code == 0
    assert result.json["clouds"]["gcp"]["errors"][0]["code"] == "catalog/not-offered"
    assert [t["name"] for t in result.json["clouds"]["aws"]["instance_types"]] == ["g6e.4xlarge"]


def test_region_that_cannot_host_it_exits_2(run_cli) -> None:
    result = run_cli("catalog", "resolve", "GPU-B200", "--gpus", "8", "--cloud", "aws", "--region", "eu-west")
    assert result.code == 2
    assert "eu-west (eu-west-2): unavailable: no zone of aws region eu-west-2 offers 'p6-b200.48xlarge'" in result.out


def test_show_lists_every_machine_type_with_each_gpu_count(run_cli) -> None:
    result = run_cli("catalog", "show", "--json")
    assert result.code == 0
    rows = {row["name"]: row for row in result.json["machine_types"]}
    assert list(rows)[:12] == ["XS", "S", "M", "L", "XL", "GPU-RTX4090", "GPU-RTX5090", "GPU-A100", "GPU-L40",
                               "GPU-H100", "GPU-H200", "GPU-B200"]  # fmt: skip
    h100 = rows["GPU-H100"]["clouds"]
    assert {count: entry["instance_types"][0]["name"] for count, entry in h100["aws"].items()} == {
        "1": "p5.4xlarge", "2": "p5.48xlarge", "4": "p5.48xlarge", "8": "p5.48xlarge",
    }  # fmt: skip
    assert list(rows["XS"]["clouds"]["gcp"]) == ["0"]
    assert rows["XS"]["clouds"]["gcp"]["0"]["regions"] == {}  # zones and prices only with --region


def test_show_with_a_region_prints_zones_and_prices(run_cli) -> None:
    result = run_cli("catalog", "show", "--machine", "XS", "--region", "us-east", "--cloud", "aws")
    assert result.code == 0
    assert result.out == (
        "XS: 0.5 CPU, 0.5 GiB RAM\n"
        "  aws: t3.small (2 vCPU, 2 GiB)\n"
        "    us-east (us-east-1): zones use1-az1, use1-az2, use1-az4, use1-az5, use1-az6; t3.small $0.021/h\n"
    )


def test_refresh_prints_the_changes(run_cli, data_dir: Path, compute_server: ComputeServer) -> None:
    compute_server.data.machine_types["europe-west4-a"] = [
        m for m in compute_server.data.machine_types["europe-west4-a"] if m["name"] != "g2-standard-4"
    ]
    result = run_cli(
        "catalog", "refresh", "--cloud", "gcp", "--region", "europe-west4", "--data-dir", data_dir,
        "--project", GCP_PROJECT, "--api-endpoint", compute_server.url,
    )  # fmt: skip
    assert result.code == 0
    assert result.out == (
        "gcp: 0 added, 0 removed, 1 changed (gcp/offerings.json rewritten)\n"
        "  ~ gcp/offerings.json: regions europe-west4 instance_types g2-standard-4: "
        '["europe-west4-a","europe-west4-b","europe-west4-c"] -> ["europe-west4-b","europe-west4-c"]\n'
    )


def test_refresh_failure_exits_2_without_a_traceback(run_cli, data_dir: Path, compute_server: ComputeServer) -> None:
    compute_server.fail_status = 500
    result = run_cli(
        "catalog", "refresh", "--cloud", "gcp", "--data-dir", data_dir,
        "--project", GCP_PROJECT, "--api-endpoint", compute_server.url,
    )  # fmt: skip
    assert result.code == 2
    assert result.err.startswith("error[catalog/refresh-failed] fleetform catalog refresh --cloud gcp\n")
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "args", [["catalog", "resolve"], ["catalog", "refresh"], ["catalog", "resolve", "XS", "--gpus", "x"]]
)
def test_usage_errors_exit_2(run_cli, args: list[str]) -> None:
    assert run_cli(*args).code == 2
