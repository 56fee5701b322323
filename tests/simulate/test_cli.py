"""``fleetform simulate``: the table, the JSON, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TRACE_APPS = REPO / "examples" / "traces"
SPIKE = TRACE_APPS / "spike_then_idle.csv"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_table(run_cli, in_repo) -> None:
    result = run_cli("simulate", "batch-zero", "--config", "examples/traces",
                     "--trace", "examples/traces/spike_then_idle.csv")
    assert result.code == 0, result.err
    assert result.out == """\
batch-zero: examples/traces/spike_then_idle.csv (7200 s, peak 24 in flight)
fal target: clamp(ceil(in_flight / 4), 0, 8)
boot: 330 s (provisioning 90 + image pull 120 + setup 120)

policy                                          runner-h  GPU-h  cost $  waiting req-s  unmet s  scale-ups  GPU-h ratio
fal on aws                                          1.60   1.60   11.00          7,920      330          1
aws policy                                          1.10   1.10    7.55         14,920      680          2        0.686
  (us-east-1 p5.4xlarge, 1 per host × 1 GPU)
fal on gcp                                          1.60   1.60    4.00          7,920      330          1
gcp policy                                          1.92   1.92    4.80         16,680      750          2        1.199
  (us-east4 a3-highgpu-1g, 1 per host × 1 GPU)

aws: 175 s of extra unmet demand per scale-up (bound: scaling_delay + boot = 330 s); scales on its own region's demand
gcp: 210 s of extra unmet demand per scale-up (bound: scaling_delay + boot = 330 s); scales on its own region's demand
"""


def test_json_has_a_gpu_hours_ratio_per_cloud_and_is_deterministic(run_cli, in_repo) -> None:
    args = ("simulate", "llm-chat", "--config", "examples/traces", "--trace", "examples/traces/steady.csv", "--json")
    first, second = run_cli(*args), run_cli(*args)
    assert first.code == 0 and first.out == second.out
    report = first.json
    assert set(report["gpu_hours_ratio"]) == {"aws", "gcp"}
    for cloud, values in report["clouds"].items():
        assert report["gpu_hours_ratio"][cloud] == values["gpu_hours_ratio"]
        assert values["gpu_hours"] == pytest.approx(values["runner_hours"] * values["gpus_per_runner"], abs=1e-3)
        if values["usd_per_runner_hour"] is None:  # GCP runs a3-highgpu-1g as Spot: the catalog has no Spot price
            assert values["cost_usd"] is None
        else:
            assert values["cost_usd"] == pytest.approx(values["runner_hours"] * values["usd_per_runner_hour"],
                                                       abs=1e-3)
        assert values["gpu_hours_ratio"] == pytest.approx(values["gpu_hours"] / values["reference_gpu_hours"], abs=1e-3)
    assert report["fal_target"] == "clamp(ceil(in_flight / 4) + 2, 1, 10)"
    assert report["trace"] == {"name": "steady", "file": "examples/traces/steady.csv", "duration_seconds": 7200.0,
                               "peak_in_flight": 13.0}


def test_one_cloud_and_a_boot_override(run_cli, in_repo) -> None:
    result = run_cli("simulate", "batch-zero", "--config", "examples/traces", "--trace", str(SPIKE), "--json",
                     "--cloud", "gcp", "--boot-seconds", "60")
    assert result.code == 0, result.err
    assert list(result.json["clouds"]) == ["gcp"]
    assert result.json["boot"] == {"seconds": 60, "provisioning_seconds": 60, "image_pull_seconds": 0,
                                   "setup_seconds": 0}


@pytest.mark.parametrize(("args", "error"), [
    (("simulate", "batch-zro", "--config", "examples/traces", "--trace", "examples/traces/steady.csv"),
     "error[simulate/unknown-app] examples/traces\n"
     "  no app named 'batch-zro'; did you mean 'batch-zero'?\n"
     "  allowed: batch-zero, image-burst, llm-chat, llm-pair\n"
     "  fix: pass the deployed name of an app of this config\n"),
    (("simulate", "captioner", "--config", "examples/platform", "--trace", "examples/traces/steady.csv",
      "--cloud", "gcp"),
     "error[simulate/not-on-cloud] examples/platform\n"
     "  app 'captioner' has no group on gcp\n"
     "  allowed: aws\n"
     "  fix: pass --cloud aws or --cloud both\n"),
])
def test_bad_input_exits_2_without_a_traceback(run_cli, in_repo, args: tuple[str, ...], error: str) -> None:
    result = run_cli(*args)
    assert (result.code, result.out, result.err) == (2, "", error)


def test_bad_trace_names_the_line(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.csv").write_text("time,in_flight\n0,3\n60;4\n", encoding="utf-8")
    result = run_cli("simulate", "llm-chat", "--config", str(TRACE_APPS), "--trace", "bad.csv")
    assert (result.code, result.out, result.err) == (2, "", (
        "error[simulate/bad-trace] bad.csv:3\n"
        "  expected 2 columns (time, in_flight), got 1: '60;4'\n"
        "  fix: write one `time,in_flight` pair per line\n"))


def test_trace_is_required(run_cli, in_repo) -> None:
    result = run_cli("simulate", "llm-chat", "--config", "examples/traces")
    assert result.code == 2 and "Missing option '--trace'" in result.err


def test_each_gcp_region_scales_on_its_own_demand(run_cli, in_repo) -> None:
    """Issue 14.2: image-generator runs in three GCP regions; its autoscaler's filter matches one region's series."""
    result = run_cli("simulate", "image-generator", "--config", "examples/platform",
                     "--trace", "examples/traces/steady.csv", "--json")
    assert result.code == 0, result.err
    assert {cloud: values["regions_summed"] for cloud, values in result.json["clouds"].items()} == {"aws": 1, "gcp": 1}
