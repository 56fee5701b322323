"""``fleetform secrets list|set`` against moto (Secrets Manager, server mode over HTTP) and a local Secret
Manager server driven by the real google-cloud-secret-manager client (REST)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from tests.conftest import copy_examples
from tests.fakes.secret_manager import SecretManagerServer

PROJECT = "acme-gpu-platform"
HOME_REGION = "us-east-1"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def clouds(moto_url, monkeypatch, tmp_path) -> Iterator[tuple[object, SecretManagerServer, Path]]:
    """Both clouds' secret stores with the containers the shared stacks create (no values), and the platform."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_url)
    requests.post(f"{moto_url}/moto-api/reset", timeout=5)  # a fresh account per test
    client = boto3.client("secretsmanager", region_name=HOME_REGION, endpoint_url=moto_url)
    for name in ("DOCKERHUB_TOKEN", "EXAMPLE_REGISTRY_TOKEN", "GH_TOKEN", "HF_TOKEN", "PIP_TOKEN"):
        client.create_secret(Name=f"acme/{name}")
    platform = copy_examples(tmp_path / "examples")
    with SecretManagerServer().running() as google:
        for name in ("GH_TOKEN", "HF_TOKEN"):
            google.add_secret(PROJECT, f"acme-{name}")
        monkeypatch.setenv("FLEETFORM_GCP_ENDPOINT_SECRETMANAGER", google.url)
        yield client, google, platform


def test_list_shows_every_secret_its_readers_and_that_none_has_a_value(run_cli, clouds):
    _, _, platform = clouds
    result = run_cli("secrets", "list", "--config", platform, "--json")
    assert result.code == 1  # secrets without values are findings
    rows = {row["name"]: row for row in result.json}
    assert sorted(rows) == ["DOCKERHUB_TOKEN", "EXAMPLE_REGISTRY_TOKEN", "GH_TOKEN", "HF_TOKEN", "PIP_TOKEN"]
    assert rows["HF_TOKEN"]["clouds"] == {"aws": "unset", "gcp": "unset"}
    assert rows["DOCKERHUB_TOKEN"] == {"name": "DOCKERHUB_TOKEN", "runtime_apps": [], "build_apps": ["captioner"],
                                       "clouds": {"aws": "unset"}}
    assert rows["GH_TOKEN"]["build_apps"] == ["transcriber"]
    text = run_cli("secrets", "list", "--config", platform)
    assert text.code == 1
    assert text.out.splitlines()[-1].startswith("5 secret(s); 5 without a value: DOCKERHUB_TOKEN")


def test_set_from_env_reaches_both_clouds_and_list_then_shows_it_set(run_cli, clouds, monkeypatch):
    aws, google, platform = clouds
    monkeypatch.setenv("MY_HF", "hf_live_Q8zR4mT1vW9xY2")
    result = run_cli("secrets", "set", "HF_TOKEN", "--config", platform, "--from-env", "MY_HF")
    assert result.code == 0, result.err
    assert "hf_live" not in result.out + result.err
    assert result.out.strip() == "HF_TOKEN: value set on aws, gcp (22 characters)"
    assert aws.get_secret_value(SecretId="acme/HF_TOKEN")["SecretString"] == "hf_live_Q8zR4mT1vW9xY2"
    assert google.values[(PROJECT, "acme-HF_TOKEN")] == ["hf_live_Q8zR4mT1vW9xY2"]
    rows = {row["name"]: row for row in run_cli("secrets", "list", "--config", platform, "--json").json}
    assert rows["HF_TOKEN"]["clouds"] == {"aws": "set", "gcp": "set"}
    assert rows["GH_TOKEN"]["clouds"] == {"aws": "unset", "gcp": "unset"}


def test_set_from_stdin_on_one_cloud_drops_one_trailing_newline(run_cli, clouds, monkeypatch):
    aws, google, platform = clouds
    monkeypatch.setattr("sys.stdin", io.StringIO("ghp_3Fj9Kd8Ls7Qw6Er5\n"))
    result = run_cli("secrets", "set", "GH_TOKEN", "--config", platform, "--cloud", "gcp", "--stdin")
    assert result.code == 0, result.err
    assert google.values[(PROJECT, "acme-GH_TOKEN")] == ["ghp_3Fj9Kd8Ls7Qw6Er5"]
    assert "AWSCURRENT" not in json.dumps(aws.describe_secret(SecretId="acme/GH_TOKEN").get("VersionIdsToStages", {}))


def test_every_secret_set_makes_list_exit_zero(run_cli, clouds, monkeypatch):
    _, _, platform = clouds
    for name in ("DOCKERHUB_TOKEN", "EXAMPLE_REGISTRY_TOKEN", "GH_TOKEN", "HF_TOKEN", "PIP_TOKEN"):
        monkeypatch.setenv(f"V_{name}", f"value-of-{name}")
        assert run_cli("secrets", "set", name, "--config", platform, "--from-env", f"V_{name}").code == 0
    result = run_cli("secrets", "list", "--config", platform)
    assert result.code == 0
    assert result.out.splitlines()[-1] == "5 secret(s); 0 without a value"


@pytest.mark.parametrize(("args", "message"), [
    (["HF_TOKNE", "--from-env", "X"], "no app or build of the platform reads a secret 'HF_TOKNE'"),
    (["HF_TOKEN"], "give exactly one of --from-env VAR and --stdin"),
    (["HF_TOKEN", "--from-env", "NOT_SET_ANYWHERE"], "environment variable NOT_SET_ANYWHERE is not set"),
    (["DOCKERHUB_TOKEN", "--cloud", "gcp", "--from-env", "HOME"], "DOCKERHUB_TOKEN is not used on gcp"),
])
def test_bad_input_is_exit_2_with_the_reason(run_cli, clouds, args, message):
    _, _, platform = clouds
    result = run_cli("secrets", "set", *args, "--config", platform)
    assert result.code == 2
    assert message in result.err


def test_a_missing_container_says_to_deploy_the_shared_stack(run_cli, clouds, monkeypatch):
    aws, _, platform = clouds
    aws.delete_secret(SecretId="acme/PIP_TOKEN", ForceDeleteWithoutRecovery=True)
    monkeypatch.setenv("V", "x")
    result = run_cli("secrets", "set", "PIP_TOKEN", "--config", platform, "--from-env", "V")
    assert result.code == 2 and "deploy the aws-shared stack first" in result.err
    rows = {row["name"]: row for row in run_cli("secrets", "list", "--config", platform, "--json").json}
    assert rows["PIP_TOKEN"]["clouds"] == {"aws": "no container"}
