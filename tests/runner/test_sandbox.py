"""The rendered boot scripts run for real under bash, against recording fakes of every tool."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from fleetform.runner import boot_script
from fleetform.runner.agent_config import agent_config
from fleetform.runner.contract import AWS_RUNNER_IAM_ACTIONS
from tests.runner.fake_clouds import (
    ACCOUNT,
    AR_PINNED_IMAGE,
    AWS_RULES,
    GCP_RULES,
    IMAGE_DIGEST,
    INSTANCE_ID,
    PROJECT,
    SECRET_VALUES,
)
from tests.runner.groups import PLATFORM, cpu_image_app, group, packed
from tests.runner.sandbox import Rule, Run, Sandbox, iam_actions

AGENT_SOURCE = (Path(__file__).parents[2] / "cdk/fleetform/runner/agent.py").read_text(encoding="utf-8")
ECR_IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/acme/image-gen@{IMAGE_DIGEST}"
AR_IMAGE = AR_PINNED_IMAGE


def docker_run(run: Run) -> tuple[str, ...]:
    return run.one("docker", "run").argv


def container_options(root: Path) -> list[str]:
    """The options every GPU app of the base plan gets, before the log options."""
    data = f"{root}/mnt/fleetform-data"
    return [
        "docker", "run", "--detach", "--name", "app-0", "--restart", "unless-stopped", "--stop-timeout", "30",
        "--publish", "8080:8080", "--env-file", f"{root}/etc/fleetform/app.env",
        "--env", "FAL_APP_NAME=image-gen", "--env", "PORT=8080", "--env", "FLEETFORM_APP_PORT=8080",
        "--env", "FLEETFORM_TERMINATION_GRACE_SECONDS=30", "--publish", "127.0.0.1:9090:9090",
        "--env", "FLEETFORM_METRICS_PORT=9090",
        "--gpus", '"device=0"', "--shm-size", "16g", "--volume", f"{data}:/data", "--volume", f"{data}/.cache:/data/.cache",
    ]


def assert_no_secret_in_argv(run: Run) -> None:
    for call in run.calls:
        for value in SECRET_VALUES.values():
            assert all(value not in arg for arg in call.argv), f"secret value in argv of {call.argv[:3]}"


def assert_env_file(run: Run) -> None:
    env_file = run.root / "etc/fleetform/app.env"
    assert env_file.read_text() == f"HF_TOKEN={SECRET_VALUES['HF_TOKEN']}\nOPENAI_API_KEY={SECRET_VALUES['OPENAI_API_KEY']}\n"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((run.root / "etc/fleetform").stat().st_mode) == 0o700


def assert_agent_installed(run: Run, cloud: str, plan=None) -> None:
    assert (run.root / "opt/fleetform/agent.py").read_text() == AGENT_SOURCE
    config = json.loads((run.root / "etc/fleetform/agent.json").read_text())
    assert config == agent_config(plan or group(cloud), PLATFORM)
    unit = (run.root / "etc/systemd/system/fleetform-agent.service").read_text()
    assert "ExecStart=/usr/bin/python3 /opt/fleetform/agent.py /etc/fleetform/agent.json\n" in unit
    drain = (run.root / "etc/systemd/system/fleetform-drain.service").read_text()
    assert "After=docker.service\n" in drain, "stopped before Docker at shutdown"
    assert "ExecStop=/usr/bin/python3 /opt/fleetform/agent.py /etc/fleetform/agent.json drain\n" in drain
    draining = (plan or group(cloud)).rollout.draining
    assert f"TimeoutStopSec={draining.longest_drain_seconds + 10}\n" in drain
    assert [call.argv for call in run.of("systemctl")] == [
        ("systemctl", "daemon-reload"),
        ("systemctl", "enable", "fleetform-agent.service", "fleetform-drain.service"),
        ("systemctl", "restart", "fleetform-agent.service"),
        ("systemctl", "start", "fleetform-drain.service"),
    ]


def test_aws_gpu_runner(aws_sandbox: Sandbox) -> None:
    run = aws_sandbox.run(boot_script(group("aws"), PLATFORM))
    assert run.returncode == 0, run.stderr
    ecr_login = run.one("docker", "login", "--username", "AWS")
    assert ecr_login.argv == ("docker", "login", "--username", "AWS", "--password-stdin", ECR_IMAGE.split("/")[0])
    assert ecr_login.stdin == "ecr-login-password"
    assert run.one("aws", "ecr").argv == ("aws", "ecr", "get-login-password", "--region", "us-east-1")
    assert run.one("docker", "pull").argv == ("docker", "pull", "--quiet", ECR_IMAGE)
    assert [call.argv for call in run.of("aws", "secretsmanager")] == [
        ("aws", "secretsmanager", "get-secret-value", "--region", "us-east-1", "--secret-id", f"acme/{name}",
         "--query", "SecretString", "--output", "text")
        for name in ("HF_TOKEN", "OPENAI_API_KEY")
    ]
    assert_env_file(run)
    assert_no_secret_in_argv(run)
    assert run.one("aws", "efs").argv == (
        "aws", "efs", "describe-file-systems", "--region", "us-east-1", "--creation-token", "acme-data",
        "--query", "FileSystems[0].FileSystemId", "--output", "text",
    )
    assert run.one("mount").argv == (
        "mount", "-t", "nfs4", "-o", "nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport",
        "fs-0123abcd.efs.us-east-1.amazonaws.com:/", f"{run.root}/mnt/fleetform-data",
    )
    assert docker_run(run) == (
        *container_options(run.root),
        "--log-driver", "awslogs", "--log-opt", "awslogs-region=us-east-1", "--log-opt", "awslogs-group=/acme/apps/image-gen",
        "--log-opt", f"awslogs-stream={INSTANCE_ID}/app-0", "--log-opt", "mode=non-blocking", "--log-opt", "max-buffer-size=4m",
        ECR_IMAGE,
    )
    assert (run.root / "etc/fleetform/runner-slots").read_text() == "1\n"
    assert not [call for call in run.of("curl") if "instance-type" in call.argv[-1]], "one count: nothing to look up"
    assert run.of("nvidia-smi"), "a GPU runner waits for the driver"
    assert_agent_installed(run, "aws")
    assert (run.root / "var/lib/cloud/scripts/per-boot/fleetform-runner.sh").read_text() == run.script.read_text()
    assert run.of("sleep") == [], "nothing failed, so nothing was retried"
    assert iam_actions(run.calls) == {
        "ecr:GetAuthorizationToken", "secretsmanager:GetSecretValue", "elasticfilesystem:DescribeFileSystems",
    } <= set(AWS_RUNNER_IAM_ACTIONS)


def test_gcp_gpu_runner(gcp_sandbox: Sandbox) -> None:
    run = gcp_sandbox.run(boot_script(group("gcp"), PLATFORM))
    assert run.returncode == 0, run.stderr
    assert [call.argv for call in run.of("curl")] == [
        ("curl", "-fsS", "-H", "Metadata-Flavor: Google", f"http://metadata.google.internal/computeMetadata/v1/{item}")
        for item in ("project/project-id", "instance/attributes/fleetform-image")]  # the pinned image
    assert run.one("gcloud", "auth").argv == ("gcloud", "auth", "configure-docker", "us-docker.pkg.dev", "--quiet")
    assert run.one("docker", "pull").argv == ("docker", "pull", "--quiet", AR_IMAGE)
    assert [call.argv for call in run.of("gcloud", "secrets")] == [
        ("gcloud", "secrets", "versions", "access", "latest", "--secret", f"acme-{name}", "--project", PROJECT)
        for name in ("HF_TOKEN", "OPENAI_API_KEY")
    ]
    assert_env_file(run)
    assert_no_secret_in_argv(run)
    assert run.one("mount").argv == (
        "mount", "-t", "nfs", "-o", "hard,timeo=600,retrans=3", "10.0.0.2:/data", f"{run.root}/mnt/fleetform-data",
    )
    assert docker_run(run) == (
        *container_options(run.root),
        "--log-driver", "gcplogs", "--log-opt", f"gcp-project={PROJECT}", "--log-opt", "labels=fleetform_log",
        "--label", "fleetform_log=/acme/apps/image-gen", "--log-opt", "mode=non-blocking", "--log-opt", "max-buffer-size=4m",
        AR_IMAGE,
    )
    assert_agent_installed(run, "gcp")
    assert not (run.root / "var/lib/cloud").exists(), "GCP runs the startup script on every boot by itself"


def slot_runs(run: Run) -> list[dict[str, str]]:
    """Per ``docker run``: its container name, GPUs, published ports, /dev/shm and log stream."""
    found = []
    for call in run.of("docker", "run"):
        argv = call.argv
        publish = [argv[index + 1] for index, word in enumerate(argv) if word == "--publish"]
        streams = [word for word in argv if word.startswith("awslogs-stream=")]
        found.append({"name": argv[argv.index("--name") + 1], "gpus": argv[argv.index("--gpus") + 1],
                      "ports": " ".join(publish), "shm": argv[argv.index("--shm-size") + 1],
                      "stream": streams[0].removeprefix(f"awslogs-stream={INSTANCE_ID}/")})
    return found


def test_a_packed_host_runs_one_container_per_runner_slot(aws_sandbox: Sandbox) -> None:
    """Issue 14.7: num_gpus = 2 on an 8-GPU host: four runners, each its own GPUs, ports and log stream."""
    run = aws_sandbox.run(boot_script(packed((("p4d.24xlarge", 8), ("p5.48xlarge", 8)), 2), PLATFORM))
    assert run.returncode == 0, run.stderr
    assert slot_runs(run) == [
        {"name": f"app-{k}", "gpus": f'"device={2 * k},{2 * k + 1}"', "ports": f"{8080 + k}:8080 127.0.0.1:{9090 + k}:9090",
         "shm": "144g", "stream": f"app-{k}"} for k in range(4)]
    assert [call.argv[-1] for call in run.of("docker", "rm")] == [f"app-{k}" for k in range(4)]
    assert (run.root / "etc/fleetform/runner-slots").read_text() == "4\n"
    assert "started" in run.stderr and "as 4 runner(s): containers app-0..3" in run.stderr


@pytest.mark.parametrize(("instance_type", "slots"), [("p5.4xlarge", 1), ("p4d.24xlarge", 8)])
def test_a_host_of_a_mixed_group_runs_the_runners_its_type_carries(aws_sandbox: Sandbox, instance_type: str,
                                                                    slots: int) -> None:
    """image-generator's p5.4xlarge carries one 1-GPU runner, its p4d.24xlarge fallback eight (the ASG weights)."""
    aws_sandbox.rules.insert(0, Rule("curl", ("meta-data/instance-type",), instance_type))
    run = aws_sandbox.run(boot_script(packed((("p5.4xlarge", 1), ("p4d.24xlarge", 8)), 1, 256.0), PLATFORM))
    assert run.returncode == 0, run.stderr
    assert [(slot["name"], slot["gpus"], slot["ports"].split()[0], slot["shm"]) for slot in slot_runs(run)] == [
        (f"app-{k}", f'"device={k}"', f"{8080 + k}:8080", f"{128 // slots}g") for k in range(slots)]
    assert (run.root / "etc/fleetform/runner-slots").read_text() == f"{slots}\n"


def test_a_host_of_a_type_the_group_does_not_carry_stops_the_boot(aws_sandbox: Sandbox) -> None:
    aws_sandbox.rules.insert(0, Rule("curl", ("meta-data/instance-type",), "g6.xlarge"))
    run = aws_sandbox.run(boot_script(packed((("p5.4xlarge", 1), ("p4d.24xlarge", 8)), 1, 256.0), PLATFORM))
    assert run.returncode == 1
    assert run.stderr.rstrip().splitlines()[-1] == (
        "fleetform-runner: error: instance type g6.xlarge is not one of the group's types")
    assert run.of("docker", "run") == []


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_cpu_app_with_its_own_image(cloud: str, request: pytest.FixtureRequest) -> None:
    sandbox: Sandbox = request.getfixturevalue(f"{cloud}_sandbox")
    plan = cpu_image_app(cloud)
    run = sandbox.run(boot_script(plan, PLATFORM))
    assert run.returncode == 0, run.stderr
    login = run.one("docker", "login")
    assert (login.argv, login.stdin) == (("docker", "login", "--username", "acme-bot", "--password-stdin", "ghcr.io"),
                                         SECRET_VALUES["GHCR_TOKEN"])
    assert run.of("aws", "ecr") == [] and run.of("gcloud", "auth") == [], "ghcr.io is not the cloud's registry"
    assert run.one("docker", "pull").argv == ("docker", "pull", "--quiet", "ghcr.io/acme/web-ui:1.4.2")
    argv = docker_run(run)
    assert "--gpus" not in argv and "--volume" not in argv and "127.0.0.1:9090:9090" not in argv
    assert run.of("nvidia-smi") == [] and run.of("mount") == []
    log_name = "awslogs-group=/acme/private/web-ui" if cloud == "aws" else "fleetform_log=/acme/private/web-ui"
    assert log_name in argv
    assert argv[argv.index("--entrypoint"):] == ("--entrypoint", "python", "ghcr.io/acme/web-ui:1.4.2",
                                                 "-m", "web_ui", "--port", "8000")
    assert (run.root / "etc/fleetform/app.env").read_text() == ""
    assert_agent_installed(run, cloud, plan)


@pytest.mark.parametrize(("cloud", "reference", "login"), [
    ("aws", "123456789012.dkr.ecr.us-west-2.amazonaws.com/models/sdxl:v3", ("aws", "ecr", "get-login-password", "--region", "us-west-2")),
    ("gcp", "europe-docker.pkg.dev/acme-models/models/sdxl:v3", ("gcloud", "auth", "configure-docker", "europe-docker.pkg.dev", "--quiet")),
    ("gcp", "gcr.io/acme-models/sdxl:v3", ("gcloud", "auth", "configure-docker", "gcr.io", "--quiet")),
])
def test_an_image_in_the_clouds_registry_logs_in_with_the_runners_identity(
    cloud: str, reference: str, login: tuple[str, ...], request: pytest.FixtureRequest
) -> None:
    sandbox: Sandbox = request.getfixturevalue(f"{cloud}_sandbox")
    plan = group(cloud)
    plan = replace(plan, image=replace(plan.image, source="image", reference=reference, tag=""))
    run = sandbox.run(boot_script(plan, PLATFORM))
    assert run.returncode == 0, run.stderr
    assert run.one(*login[:2]).argv == login
    assert run.one("docker", "pull").argv == ("docker", "pull", "--quiet", reference)


def test_gcp_boot_is_idempotent(gcp_sandbox: Sandbox) -> None:
    script = boot_script(group("gcp"), PLATFORM)
    first = gcp_sandbox.run(script)
    second = gcp_sandbox.run(script)
    assert (first.returncode, second.returncode) == (0, 0), second.stderr
    assert [call.argv for call in second.calls] == [call.argv for call in first.calls]
    assert second.one("docker", "rm").argv == ("docker", "rm", "--force", "app-0"), (
        "the earlier boot's container goes first")
    assert_env_file(second)
    assert sorted(p.name for p in (second.root / "etc/fleetform").iterdir()) == ["agent.json", "app.env",
                                                                                 "runner-slots"]


def test_a_mounted_volume_is_not_mounted_again(gcp_sandbox: Sandbox) -> None:
    gcp_sandbox.rules = [rule for rule in gcp_sandbox.rules if rule.command != "mountpoint"]
    run = gcp_sandbox.run(boot_script(group("gcp"), PLATFORM))
    assert run.returncode == 0, run.stderr
    assert run.of("mount") == [] and run.of("gcloud", "filestore") == []
    assert "--volume" in docker_run(run)


def test_efs_utils_mounts_over_tls_when_installed(tmp_path: Path) -> None:
    run = Sandbox(tmp_path, list(AWS_RULES), missing=("apt-get", "dnf")).run(boot_script(group("aws"), PLATFORM))
    assert run.returncode == 0, run.stderr
    assert run.one("mount").argv == ("mount", "-t", "efs", "-o", "tls", "fs-0123abcd:/", f"{run.root}/mnt/fleetform-data")


def test_the_nfs_client_is_installed_when_missing(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path, list(GCP_RULES), missing=("mount.nfs4", "mount.efs", "dnf"))
    run = sandbox.run(boot_script(group("gcp"), PLATFORM))
    assert run.returncode == 0, run.stderr
    assert run.one("apt-get").argv == ("apt-get", "install", "-y", "-q", "nfs-common")


def test_secret_values_stay_out_of_a_traced_run(aws_sandbox: Sandbox) -> None:
    run = aws_sandbox.run(boot_script(cpu_image_app("aws"), PLATFORM) , bash_options=("-x",))
    plan = group("aws")
    traced = aws_sandbox.run(boot_script(plan, PLATFORM), bash_options=("-x",))
    assert (run.returncode, traced.returncode) == (0, 0), traced.stderr
    assert "+ docker run" in traced.stderr, "the run was traced"
    for value in SECRET_VALUES.values():
        assert value not in run.stderr and value not in traced.stderr


@pytest.mark.parametrize(("cloud", "rule", "message"), [
    ("aws", Rule("aws", ("get-secret-value", "acme/HF_TOKEN"), "line one\nline two\n"),
     "fleetform-runner: error: secret acme/HF_TOKEN spans several lines; a docker env file holds one line per variable"),
    ("aws", Rule("aws", ("get-secret-value", "acme/OPENAI_API_KEY"), exit=254),
     "fleetform-runner: error: cannot read secret acme/OPENAI_API_KEY"),
    ("aws", Rule("aws", ("efs",), "None\n"), "fleetform-runner: error: no EFS file system with creation token acme-data in us-east-1"),
    ("gcp", Rule("gcloud", ("filestore",), "projects/p/locations/europe-west4-a/instances/acme-data\t10.9.9.9\n"),
     "fleetform-runner: error: no Filestore instance acme-data in us-central1"),
    ("gcp", Rule("docker", ("pull",), exit=1), f"fleetform-runner: error: cannot pull {AR_IMAGE}"),
])
def test_failures_stop_the_boot_with_a_clear_message(
    cloud: str, rule: Rule, message: str, request: pytest.FixtureRequest
) -> None:
    sandbox: Sandbox = request.getfixturevalue(f"{cloud}_sandbox")
    sandbox.rules.insert(0, rule)
    run = sandbox.run(boot_script(group(cloud), PLATFORM))
    assert run.returncode == 1
    assert run.stderr.rstrip().splitlines()[-1] == message
    assert run.of("docker", "run") == [], "no app container after a failed boot"
    assert "line one" not in run.stderr


def test_retries_wait_between_attempts(aws_sandbox: Sandbox) -> None:
    aws_sandbox.rules.insert(0, Rule("aws", ("get-secret-value", "acme/OPENAI_API_KEY"), exit=254))
    run = aws_sandbox.run(boot_script(group("aws"), PLATFORM))
    assert len(run.of("aws", "secretsmanager", "get-secret-value", "--region", "us-east-1",
                      "--secret-id", "acme/OPENAI_API_KEY")) == 5
    assert [call.argv for call in run.of("sleep")] == [("sleep", "5")] * 4


HOSTILE = ("sh", "-c", "echo \"$HOME\" 'it''s' `id` $(id) ${PATH} * ; exit 0", "", "--flag=a b")


@pytest.mark.parametrize(("entrypoint", "cmd", "tail"), [
    (HOSTILE, None, ("--entrypoint", "sh", "IMAGE", *HOSTILE[1:])),
    (None, HOSTILE[2], ("IMAGE", "/bin/sh", "-c", HOSTILE[2])),
    ("exec serve --name 'x y'", None, ("--entrypoint", "/bin/sh", "IMAGE", "-c", "exec serve --name 'x y'")),
    ((), ("python", "app.py"), ("--entrypoint", "", "IMAGE", "python", "app.py")),
])
def test_container_command_reaches_docker_verbatim(aws_sandbox: Sandbox, entrypoint, cmd,
                                                   tail: tuple[str, ...]) -> None:
    plan = group("aws")
    plan = replace(plan, image=replace(plan.image, entrypoint=entrypoint, cmd=cmd))
    run = aws_sandbox.run(boot_script(plan, PLATFORM))
    assert run.returncode == 0, run.stderr
    argv = docker_run(run)
    expected = tuple(ECR_IMAGE if word == "IMAGE" else word for word in tail)
    assert argv[-len(expected):] == expected
    assert ("--entrypoint" in argv) == (entrypoint is not None)


def test_docker_is_installed_on_an_image_without_it(tmp_path: Path) -> None:
    """Amazon Linux 2023 (CPU groups) has no Docker: the boot installs the distribution's package first."""
    run = Sandbox(tmp_path, list(AWS_RULES), missing=("docker",)).run(boot_script(cpu_image_app("aws"), PLATFORM))
    assert run.one("dnf").argv == ("dnf", "install", "-y", "-q", "docker")
    assert run.one("systemctl", "enable").argv == ("systemctl", "enable", "--now", "docker")
    assert run.returncode != 0 and "docker is not running" in run.stderr, "the fake package installs no docker"
