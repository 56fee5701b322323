"""Rendering rules: container commands, data mounts, registry hosts, agent duties, size and determinism."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleetform.errors import FleetformError
from fleetform.plan.names import log_name
from fleetform.runner import aws_user_data, boot_script
from fleetform.runner.agent_config import agent_config
from fleetform.runner.boot_script import AWS_USER_DATA_LIMIT_BYTES
from fleetform.runner.container_command import ContainerCommand, container_command
from fleetform.runner.contract import (
    artifact_registry_host,
    data_volume_name,
    gcp_log_filter,
    gcp_private_logs_filter,
)
from fleetform.spec.app import is_data_mount
from tests.runner.groups import BUILT_IMAGE, GET_HEALTH, PLATFORM, group, variants


@pytest.mark.parametrize(("entrypoint", "cmd", "expected"), [
    (None, None, ContainerCommand((), ())),
    (None, ("serve", "--port", "8080"), ContainerCommand((), ("serve", "--port", "8080"))),
    (None, "serve --port $PORT", ContainerCommand((), ("/bin/sh", "-c", "serve --port $PORT"))),
    (("python", "-m", "app"), None, ContainerCommand(("--entrypoint", "python"), ("-m", "app"))),
    (("python", "-m", "app"), ("--workers", "2"),
     ContainerCommand(("--entrypoint", "python"), ("-m", "app", "--workers", "2"))),
    (("tini", "--"), "python app.py",
     ContainerCommand(("--entrypoint", "tini"), ("--", "/bin/sh", "-c", "python app.py"))),
    ("exec python app.py", ("ignored",), ContainerCommand(("--entrypoint", "/bin/sh"), ("-c", "exec python app.py"))),
    ((), ("python", "app.py"), ContainerCommand(("--entrypoint", ""), ("python", "app.py"))),
])
def test_container_command_follows_dockerfile_semantics(entrypoint, cmd, expected: ContainerCommand) -> None:
    assert container_command(replace(BUILT_IMAGE, entrypoint=entrypoint, cmd=cmd)) == expected


@pytest.mark.parametrize("mount", ["/models", "/data/../etc", "/data2", "/data/", "//data", "/data/./x"])
def test_data_mounts_off_the_volume_are_refused_by_the_spec_rule_the_runner_relies_on(mount: str) -> None:
    assert not is_data_mount(mount)


@pytest.mark.parametrize("mount", ["/data", "/data/.cache", "/data/models/llama"])
def test_data_mounts_on_the_volume_are_bound_as_written(mount: str) -> None:
    assert is_data_mount(mount)
    plan = group("aws")
    assert f"{mount}" in boot_script(replace(plan, runner=replace(plan.runner, data_mounts=(mount,))), PLATFORM)


@pytest.mark.parametrize(("region", "host"), [
    ("us-central1", "us-docker.pkg.dev"),
    ("us-east4", "us-docker.pkg.dev"),
    ("europe-west4", "europe-docker.pkg.dev"),
    ("asia-northeast1", "asia-docker.pkg.dev"),
])
def test_artifact_registry_host(region: str, host: str) -> None:
    assert artifact_registry_host(region) == host


def test_a_region_outside_the_registry_multi_regions_is_rejected() -> None:
    plan = replace(group("gcp"), cloud_region="australia-southeast1")
    with pytest.raises(FleetformError) as caught:
        boot_script(plan, PLATFORM)
    assert caught.value.render() == (
        "error[runner/unsupported-region] australia-southeast1\n"
        "  no multi-region Artifact Registry location serves GCP region 'australia-southeast1'\n"
        "  allowed: regions starting with asia-, europe-, us-\n"
        "  fix: map the fal region to a GCP region in the us, europe or asia multi-regions"
    )


def test_contract_names() -> None:
    assert data_volume_name("acme") == "acme-data"
    assert len(data_volume_name("p" * 80)) == 63
    assert gcp_log_filter("acme", "image-gen", True) == (
        'log_id("gcplogs-docker-driver") AND jsonPayload.container.metadata.fleetform_log="/acme/private/image-gen"'
    )
    prefix = re.search(r'=~"(.*)"$', gcp_private_logs_filter("acme")).group(1)  # RE2 and Python agree on it
    assert re.match(prefix, log_name("acme", "image-gen", True))
    assert not re.match(prefix, log_name("acme", "image-gen", False))
    assert not re.match(prefix, log_name("acme-dev", "image-gen", True))


@pytest.mark.parametrize(("name", "duties"), [
    ("aws-gpu-requirements-everything", {"health_bridge", "in_flight", "protect", "hook"}),
    ("aws-dockerfile-no-secrets-get-health", {"in_flight", "protect", "hook"}),
    ("aws-cpu-image-private-registry", {"hook"}),
    ("gcp-gpu-requirements-everything", {"health_bridge", "in_flight"}),
    ("gcp-no-metrics-cache-mount-only", {"health_bridge"}),
    ("gcp-cpu-image-private-registry", set()),
    ("aws-packed-mixed-hosts", {"health_bridge", "targets", "in_flight", "protect", "hook"}),
])
def test_agent_duties_follow_the_plan(name: str, duties: set[str]) -> None:
    """Every runner drains at shutdown; AWS runners also in the termination hook and, with the in-flight metric,
    protect themselves from scale-in while busy; hosts of several runners register their slots as targets."""
    config = agent_config(variants()[name], PLATFORM)
    assert {duty for duty in ("health_bridge", "targets", "in_flight", "protect") if config[duty]} | (
        {"hook"} if config["drain"]["hook"] else set()) == duties
    assert config["drain"]["request_wait_seconds"] == variants()[name].rollout.draining.request_wait_seconds


def test_health_bridge_calls_the_declared_endpoint() -> None:
    plan = group("aws")
    plan = replace(plan, health=replace(plan.health, path="/ready", timeout_seconds=7),
                   runner=replace(plan.runner, port=9000))
    assert agent_config(plan, PLATFORM)["health_bridge"] == {
        "app_port": 9000, "app_path": "/ready", "listen_port": 8079, "method": "POST",
        "path": "/fleetform/health", "timeout_seconds": 7,
    }
    assert agent_config(replace(plan, health=GET_HEALTH), PLATFORM)["health_bridge"] is None


USER_DATA_HEADROOM_BYTES = 2048
"""Room the busiest test runner leaves under EC2's limit for an app with more secrets, registries and mounts
(each a few dozen compressed bytes). The runner slots (issue 14.7) took the guard from 3/4 of the limit to this."""


def test_aws_user_data_is_the_compressed_script_within_the_limit() -> None:
    for name, plan in variants().items():
        if plan.cloud == "aws":
            packed = base64.b64decode(aws_user_data(plan, PLATFORM))
            assert gzip.decompress(packed).decode() == boot_script(plan, PLATFORM), name
            assert len(packed) < AWS_USER_DATA_LIMIT_BYTES - USER_DATA_HEADROOM_BYTES, (
                f"{name}: {len(packed)} bytes leaves little room")


def test_aws_user_data_over_the_limit_is_an_error() -> None:
    plan = group("aws")
    secrets = tuple(f"S_{hashlib.sha256(str(n).encode()).hexdigest().upper()}" for n in range(400))
    with pytest.raises(FleetformError) as caught:
        aws_user_data(replace(plan, runner=replace(plan.runner, secrets=secrets)), PLATFORM)
    problem = caught.value.problems[0]
    assert problem.code == "runner/user-data-too-large"
    assert problem.message.startswith("the boot script of app 'image-gen' is ")
    assert problem.message.endswith(" bytes compressed, over EC2's user data limit")


RENDER_ALL = """
import hashlib
import re
from fleetform.runner import aws_user_data, boot_script
from tests.runner.groups import PLATFORM, variants
digest = hashlib.sha256()
for name, plan in sorted(variants().items()):
    digest.update(boot_script(plan, PLATFORM).encode())
    if plan.cloud == "aws":
        digest.update(aws_user_data(plan, PLATFORM).encode())
print(digest.hexdigest())
"""


def test_rendering_is_deterministic_across_processes() -> None:
    digests = {
        subprocess.run([sys.executable, "-c", RENDER_ALL], env={"PYTHONHASHSEED": seed, "PYTHONPATH": "."},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


VALUES_END = "\n# --- Shared steps"


@settings(max_examples=40, deadline=None)
@given(cmd=st.lists(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))), max_size=4),
       secret=st.from_regex(r"[A-Z_][A-Z0-9_]{0,20}", fullmatch=True))
def test_any_value_reaches_bash_verbatim(cmd: list[str], secret: str) -> None:
    """Whatever an app declares, the values block gives bash exactly those words."""
    plan = group("aws")
    plan = replace(plan, image=replace(plan.image, cmd=tuple(cmd)), runner=replace(plan.runner, secrets=(secret,)))
    values = boot_script(plan, PLATFORM).split(VALUES_END)[0]
    printed = subprocess.run(
        ["bash", "-c", values + '\nprintf "%s\\0" "${CONTAINER_ARGS[@]}" "${APP_SECRET_IDS[@]}"'],
        capture_output=True, check=True,
    ).stdout
    assert printed.decode("utf-8", "surrogateescape").split("\0")[:-1] == [*cmd, f"acme/{secret}"]
