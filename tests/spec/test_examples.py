"""The example app projects resolve to exactly what their files declare, with the source of each value."""

from __future__ import annotations

from fleetform.spec.app import AppSpec
from tests.conftest import EXAMPLES


def _apps(result) -> dict[str, dict]:
    return {app["name"]: app for app in result.json["apps"]}


def test_class_configured_example_reads_kwargs_and_attributes(run_cli):
    result = run_cli("validate", EXAMPLES / "apps" / "image-studio", "--json")

    assert result.code == 0, result.out
    generator = _apps(result)["image-generator"]
    settings, sources = generator["settings"], generator["sources"]
    assert settings["keep_alive"] == 600 and sources["keep_alive"] == "class"  # class keyword
    assert settings["max_concurrency"] == 10 and sources["max_concurrency"] == "class"
    assert settings["private_logs"] is True and sources["private_logs"] == "class"
    assert settings["machine_type"] == ["GPU-H100", "GPU-A100"] and sources["machine_type"] == "class"  # attribute
    assert settings["max_multiplexing"] == 2 and settings["startup_timeout"] == 900
    assert settings["requirements"][4] == "--extra-index-url=https://download.pytorch.org/whl/cu124"
    assert settings["health_check"] == {"path": "/healthz", "start_period_seconds": 120, "timeout_seconds": 10,
                                        "failure_threshold": 3, "call_regularly": True, "method": "POST"}
    assert settings["auth"] == "private" and sources["auth"] == "toml"
    assert settings["team"] == "imaging" and sources["team"] == "toml"
    assert settings["concurrency_buffer_perc"] == 0 and sources["concurrency_buffer_perc"] == "default"
    assert settings["python_version"] == "3.11" and sources["python_version"] == "platform"
    assert generator["class"].endswith("generator.py:13")


def test_class_container_image_keeps_registries_as_secret_references(run_cli):
    result = run_cli("validate", EXAMPLES / "apps" / "image-studio", "--json")

    image = _apps(result)["upscaler"]["settings"]["image"]
    assert image["registries"] == {"registry.example.com": {"username": "robot$imaging",
                                                            "password": "$EXAMPLE_REGISTRY_TOKEN"}}
    assert image["dockerfile_str"].strip().startswith("FROM registry.example.com/ml/cuda-base:12.4")
    assert image["build_args"] == {"CUDA_VERSION": "12.4"}


def test_toml_only_example_sets_every_field_of_the_reference(run_cli):
    result = run_cli("validate", EXAMPLES / "apps" / "speech", "--json")

    assert result.code == 0, result.out
    apps = _apps(result)
    toml_set = {name for app in apps.values() for name, source in app["sources"].items() if source == "toml"}
    # local_python_modules is class-only; request_start_timeout is not in fal's reference and not supported yet
    assert toml_set == set(AppSpec.model_fields) - {"local_python_modules", "request_start_timeout"}
    transcriber = apps["transcriber"]["settings"]
    assert transcriber["requirements"] == [
        ["torch==2.5.0", "--extra-index-url=https://download.pytorch.org/whl/cu124"],
        [".[serve]", "faster-whisper==1.1.0",
         "git+https://${GH_TOKEN}@github.com/example-org/audio-utils.git@v2.1.0"],
    ]
    assert transcriber["retry_config"] == {"server_error": {"retries": 3}, "connection_error": {"retries": 5}}
    assert transcriber["health_check"]["path"] == "/health"
    assert transcriber["num_gpus"] == 2 and transcriber["regions"] == ["us-central", "eu-north"]
    captioner = apps["captioner"]
    assert captioner["settings"]["app_scale_settings"] is True  # from the deprecated no_scale = false
    assert any("no_scale is deprecated" in warning for warning in captioner["warnings"])
    assert captioner["settings"]["image"]["dockerfile"] == "captioner/Dockerfile"
    assert captioner["settings"]["image"]["secrets"] == {"PIP_TOKEN": "$PIP_TOKEN"}
    assert captioner["settings"]["exposed_port"] == 8000


def test_platform_repo_validates_the_app_projects_it_lists(run_cli):
    result = run_cli("validate", EXAMPLES / "platform", "--json")

    assert result.code == 0, result.out
    assert sorted(app["name"] for app in result.json["apps"]) == ["captioner", "image-generator", "transcriber",
                                                                   "upscaler"]


def test_human_output_shows_each_value_with_its_source(run_cli):
    result = run_cli("validate", EXAMPLES / "apps" / "image-studio")

    assert result.code == 0
    line = next(line for line in result.out.splitlines() if line.strip().startswith("keep_alive"))
    assert line.split() == ["keep_alive", "600", "class"]
    assert "2 app(s) valid, 0 error(s)" in result.out


def test_validate_shows_instance_types_and_zones_per_cloud_and_region(run_cli):
    result = run_cli("validate", EXAMPLES / "platform", "--json")

    generator = _apps(result)["image-generator"]
    aws_us_east = generator["placement"]["aws"]["us-east"]
    assert aws_us_east["cloud_region"] == "us-east-1"
    assert aws_us_east["instance_types"] == ["p5.4xlarge", "p4d.24xlarge"]  # fallback order kept
    assert aws_us_east["zones"] == ["use1-az1", "use1-az2", "use1-az4", "use1-az6"]  # AZ IDs offering both
    assert generator["placement"]["gcp"]["us-east"]["instance_types"] == ["a3-highgpu-1g"]
    upscaler = _apps(result)["upscaler"]
    assert list(upscaler["placement"]) == ["aws"]  # no L40S on GCP: placed on AWS only, with a warning
    assert "not placed on gcp" in upscaler["placement_warnings"][0]["message"]


def test_an_app_no_cloud_can_host_is_an_error(run_cli, make_project):
    make_project('[tool.fal.apps.gamer]\npython_entry_point = "app:A"\nmachine_type = "GPU-RTX4090"\n',
                 {"app.py": "class A:\n    pass\n"})

    result = run_cli("validate", "--json")

    assert result.code == 2
    codes = [error["code"] for error in result.json["errors"]]
    assert codes[0] == "plan/unplaceable"
    assert result.json["errors"][0]["where"] == "pyproject.toml: tool.fal.apps.gamer.machine_type"
