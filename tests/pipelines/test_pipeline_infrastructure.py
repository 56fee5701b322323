"""The build pipelines in the shared stacks (CodeBuild, Cloud Build), synthesized from the example platform,
and the one build script both run, executed by real bash against a recording ``docker``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from fleetform.plan.build_script import SCRIPT, build_environment, secret_names
from fleetform.plan.model import RegistryLogin
from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES
from tests.constructs.aws.synthesized import Stack, read_stacks


@pytest.fixture(scope="module")
def stacks(tmp_path_factory) -> dict[str, Stack]:
    out = tmp_path_factory.mktemp("build") / "cdktf.out"
    synth_platform(EXAMPLES / "platform", out)
    return read_stacks(out)


def _statements(stack: Stack) -> dict[str, dict]:
    document = stack.data("aws_iam_policy_document", "shared/Build/Identity/PolicyDocument")
    return {statement["sid"]: statement for statement in document["statement"]}


def test_codebuild_project_runs_privileged_buildkit_builds_and_logs_to_cloudwatch(stacks):
    shared = stacks["aws-shared"]
    project = shared.resource("aws_codebuild_project", "shared/Build/Project")
    assert project["name"] == "acme-image-build"
    environment = project["environment"]
    assert environment["privileged_mode"] is True and environment["type"] == "LINUX_CONTAINER"
    assert project["artifacts"] == {"type": "NO_ARTIFACTS"}
    source = project["source"]
    assert source["type"] == "NO_SOURCE"
    spec = json.loads(source["buildspec"].replace("$${", "${").replace("%%{", "%{"))
    assert spec["phases"]["build"]["commands"] == [SCRIPT]
    assert "docker login --username AWS --password-stdin" in spec["phases"]["pre_build"]["commands"][0]
    logs = shared.resource("aws_cloudwatch_log_group", "shared/Build/Logs")
    assert logs == {"name": "/acme/builds", "retention_in_days": 30}
    assert project["logs_config"]["cloudwatch_logs"]["group_name"] == shared.ref(
        "aws_cloudwatch_log_group", "shared/Build/Logs", "name")


def test_context_bucket_is_private_encrypted_tls_only_and_expires_contexts(stacks):
    shared = stacks["aws-shared"]
    bucket = shared.resource("aws_s3_bucket", "shared/Build/Contexts/Bucket")
    assert bucket["bucket"].startswith("acme-build-contexts-$") and bucket["bucket"].endswith("-us-east-1")
    block = shared.resource("aws_s3_bucket_public_access_block", "shared/Build/Contexts/PublicAccessBlock")
    assert all(block[key] for key in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                      "restrict_public_buckets"))
    encryption = shared.resource("aws_s3_bucket_server_side_encryption_configuration",
                                 "shared/Build/Contexts/Encryption")
    assert encryption["rule"][0]["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms"}
    (rule,) = shared.resource("aws_s3_bucket_lifecycle_configuration", "shared/Build/Contexts/Lifecycle")["rule"]
    assert rule["expiration"] == [{"days": 7}] and rule["status"] == "Enabled"
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 1}]
    (deny,) = shared.data("aws_iam_policy_document", "shared/Build/Contexts/TlsOnly")["statement"]
    assert deny["effect"] == "Deny" and deny["condition"][0]["variable"] == "aws:SecureTransport"


def test_build_role_pushes_only_the_platforms_repositories_and_reads_only_build_secrets(stacks):
    shared = stacks["aws-shared"]
    statements = _statements(shared)
    assert sorted(statements) == ["LogInToEcr", "PushPlatformImages", "ReadBuildContexts", "ReadBuildSecrets",
                                  "WriteBuildLogs"]
    repositories = statements["PushPlatformImages"]["resources"]
    # The platform's prefix, not each app: the repositories are the apps' own stacks (aws-shared--<app>),
    # and the role must not change when one comes or goes.
    assert [arn.rsplit(":", 1)[1] for arn in repositories] == ["repository/acme/*"]
    assert all(":ecr:us-east-1:" in arn for arn in repositories)
    assert "ecr:PutImage" in statements["PushPlatformImages"]["actions"]
    secrets = statements["ReadBuildSecrets"]["resources"]
    assert [arn.split(":secret:", 1)[1] for arn in secrets] == [
        "acme/DOCKERHUB_TOKEN-??????", "acme/EXAMPLE_REGISTRY_TOKEN-??????", "acme/GH_TOKEN-??????",
        "acme/PIP_TOKEN-??????"]  # HF_TOKEN is a runtime secret: builds never read it
    assert statements["ReadBuildContexts"]["resources"][0].endswith("/contexts/*")
    trust = shared.data("aws_iam_policy_document", "shared/Build/Identity/TrustPolicy")["statement"][0]
    assert trust["principals"] == [{"type": "Service", "identifiers": ["codebuild.amazonaws.com"]}]


def test_cloud_build_account_is_granted_per_resource(stacks):
    shared = stacks["gcp-shared"]
    account = shared.resource("google_service_account", "shared/Build/ServiceAccount")
    assert account["account_id"] == "acme-image-build"
    member = shared.ref("google_service_account", "shared/Build/ServiceAccount", "member")
    pushes = shared.resources("google_artifact_registry_repository_iam_member")
    assert {path: (grant["location"], grant["role"], grant["member"]) for path, grant in pushes.items()} == {
        "shared/Build/PushImages-europe": ("europe", "roles/artifactregistry.writer", member),
        "shared/Build/PushImages-us": ("us", "roles/artifactregistry.writer", member)}
    assert pushes["shared/Build/PushImages-us"]["repository"] == shared.ref(
        "google_artifact_registry_repository", "shared/Registry/us", "repository_id")
    secrets = {path: grant for path, grant in shared.resources("google_secret_manager_secret_iam_member").items()}
    assert list(secrets) == ["shared/Build/Secret-GH_TOKEN"]
    assert secrets["shared/Build/Secret-GH_TOKEN"]["secret_id"] == shared.ref(
        "google_secret_manager_secret", "shared/Secrets/GH_TOKEN", "secret_id")
    bucket = shared.resource("google_storage_bucket", "shared/Build/Contexts")
    assert bucket["uniform_bucket_level_access"] is True and bucket["public_access_prevention"] == "enforced"
    assert [rule["condition"] for rule in bucket["lifecycle_rule"]] == [{"age": 7}, {"age": 1}]
    grants = shared.resources("google_storage_bucket_iam_member")
    assert {path: (grant["role"], grant["member"]) for path, grant in grants.items() if "/Build/" in path} == {
        "shared/Build/ReadContexts": ("roles/storage.objectViewer", member),
        "shared/Build/WriteLogs": ("roles/storage.objectCreator", member)}
    assert not [path for path in shared.resources("google_project_iam_member") if "/Build/" in path]


def _recording_docker(folder: Path) -> Path:
    """A ``docker`` that records its arguments, stdin and the secret variables BuildKit would read."""
    script = folder / "docker"
    script.write_text('#!/bin/bash\n{ printf "%s\\n" "$*"; printf "stdin=%s\\n" "$(cat)";'
                      ' printf "secret=%s\\n" "${PIP_TOKEN:-unset}"; } >> "$DOCKER_LOG"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize("context", ["-", "."])
def test_build_script_logs_in_with_password_stdin_and_mounts_secrets(tmp_path, context):
    _recording_docker(tmp_path)
    (tmp_path / "context.tar.gz").write_text("TARBALL")
    environment = build_environment(image="123.dkr.ecr.us-east-1.amazonaws.com/acme/app:in-1", context=context,
                                    dockerfile="fleetform/Dockerfile",
                                    secrets=[("gh", "GH_TOKEN"), ("pip", "PIP_TOKEN")],
                                    build_args=[("VARIANT", "cuda 12")],
                                    logins=[RegistryLogin("docker.io", "bot", "HUB")])
    assert secret_names(environment) == ["GH_TOKEN", "HUB", "PIP_TOKEN"]
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "DOCKER_LOG": str(tmp_path / "log"), **environment,
           "PIP_TOKEN": "pip-secret", "GH_TOKEN": "gh-secret", "HUB": "hub-secret"}
    result = subprocess.run(["bash", "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    login, _, _, build, stdin, _ = (tmp_path / "log").read_text().splitlines()
    assert login == "login docker.io --username bot --password-stdin"
    assert build == ("buildx build --progress=plain --file fleetform/Dockerfile --push --tag "
                     "123.dkr.ecr.us-east-1.amazonaws.com/acme/app:in-1 --secret id=gh,env=GH_TOKEN "
                     f"--secret id=pip,env=PIP_TOKEN --build-arg VARIANT=cuda 12 {context}")
    assert stdin == ("stdin=TARBALL" if context == "-" else "stdin=")
    # Values reach docker only through stdin (the login) and the environment, never its arguments.
    assert "secret" not in build.replace("--secret", "") and "hub-secret" not in build


def test_build_script_fails_when_the_build_fails(tmp_path):
    (tmp_path / "docker").write_text("#!/bin/sh\ncat >/dev/null\nexit 1\n")
    (tmp_path / "docker").chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}",
           **build_environment(image="r/a:t", context=".", dockerfile="Dockerfile", secrets=[], build_args=[],
                               logins=[])}
    assert subprocess.run(["bash", "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True).returncode == 1
