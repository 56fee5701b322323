"""Cloud builds end to end over HTTP: AWS with moto in server mode (S3, ECR, CodeBuild, STS) and a local
server answering like CodeBuild/CloudWatch Logs for failures and log streaming; GCP with the real
google-cloud-build, artifact-registry and storage clients (REST) against a local server."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from fleetform.cloud_build.archive import context_object_key, write_context_archive
from fleetform.cloud_build.cloudbuild import CloudBuildBuilder, cloud_build_literal
from fleetform.cloud_build.codebuild import CodeBuildBuilder
from fleetform.cloud_build.request import BuildRequest
from fleetform.cloud_build.submit import submit_builds
from fleetform.plan.build_script import SCRIPT
from fleetform.plan.model import RegistryLogin
from fleetform.plan.names import build_contexts_bucket, build_project_name
from tests.fakes.codebuild import CodeBuildServer
from tests.fakes.google_build import GoogleBuildServer

ACCOUNT = "123456789012"
HOME = "us-east-1"
PROJECT = "acme-gpu-platform"
BUCKET = f"acme-build-contexts-{ACCOUNT}-{HOME}"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def context(tmp_path) -> Path:
    archive = tmp_path / "context.tar.gz"
    write_context_archive({"Dockerfile": (b"FROM python:3.11\n", False), "run.sh": (b"#!/bin/sh\n", True)}, archive)
    return archive


def request(context: Path, app: str = "captioner", tag: str = "in-0123456789abcdef",
            regions: tuple[str, ...] = (HOME, "us-west-2")) -> BuildRequest:
    return BuildRequest(app=app, repository=f"acme/{app}", tag=tag, context=context, dockerfile="Dockerfile",
                        secrets=(("pip", "PIP_TOKEN"),), registries=(RegistryLogin("docker.io", "bot", "HUB"),),
                        regions=regions)


def fresh_moto_account(moto_url: str, monkeypatch, tmp_path: Path) -> None:
    """Reset moto and point every boto3 client at it, with no local AWS configuration."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    requests.post(f"{moto_url}/moto-api/reset", timeout=5)


@pytest.fixture
def aws(moto_url, monkeypatch, tmp_path) -> str:
    """A fresh moto account with the aws-shared stack's build resources."""
    fresh_moto_account(moto_url, monkeypatch, tmp_path)
    boto3.client("s3", region_name=HOME).create_bucket(Bucket=BUCKET)
    for region in (HOME, "us-west-2"):
        boto3.client("ecr", region_name=region).create_repository(repositoryName="acme/captioner")
    boto3.client("codebuild", region_name=HOME).create_project(
        # The stack's project has NO_SOURCE; moto insists on a source location, which the builds never use.
        name="acme-image-build", source={"type": "S3", "location": f"{BUCKET}/contexts/"},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole=f"arn:aws:iam::{ACCOUNT}:role/acme/acme-image-build",
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
                     "computeType": "BUILD_GENERAL1_LARGE", "privilegedMode": True})
    return moto_url


def push(region: str, tag: str, app: str = "captioner") -> None:
    boto3.client("ecr", region_name=region).put_image(
        repositoryName=f"acme/{app}", imageTag=tag,
        imageManifest='{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}')


def test_aws_builds_what_changed_waits_for_replication_and_skips_what_did_not(aws, context):
    lines: list[str] = []
    builder = CodeBuildBuilder("acme", HOME, poll_seconds=0.1, replication_timeout_seconds=120, echo=lines.append)
    pushed_at: list[float] = []

    def replicate() -> None:  # ECR replicates later; the clock is read before the replica can be seen
        pushed_at.append(time.monotonic())
        push("us-west-2", "in-0123456789abcdef")

    replicated = threading.Timer(1.0, replicate)
    replicated.start()
    (outcome,) = submit_builds({"aws": [request(context)]}, {"aws": builder}, jobs=1)
    done_at = time.monotonic()
    replicated.join()
    assert outcome.status == "built", outcome
    assert outcome.image == f"{ACCOUNT}.dkr.ecr.{HOME}.amazonaws.com/acme/captioner:in-0123456789abcdef"
    assert set(outcome.seconds) == {"upload", "build", "replication"}
    assert pushed_at and done_at > pushed_at[0], "built waited for the replica"  # not a wall-clock sum: CI is loaded
    s3 = boto3.client("s3", region_name=HOME)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [context_object_key(context)]
    assert lines[0].startswith("captioner: CodeBuild acme-image-build:")
    push(HOME, "in-0123456789abcdef")  # what the real build pushed
    (again,) = submit_builds({"aws": [request(context)]}, {"aws": builder}, jobs=1)
    assert again.status == "skipped" and again.build_id is None


def test_aws_replication_that_never_comes_fails_the_build(aws, context):
    builder = CodeBuildBuilder("acme", HOME, poll_seconds=0.1, replication_timeout_seconds=0.5, echo=lambda _: None)
    (outcome,) = submit_builds({"aws": [request(context)]}, {"aws": builder}, jobs=1)
    assert (outcome.status, outcome.failed_step, outcome.ok) == ("NOT_REPLICATED", "ECR replication to us-west-2",
                                                                 False)


@pytest.mark.parametrize("final", ["FAILED", "TIMED_OUT", "STOPPED", "FAULT"])
def test_aws_failed_build_reports_the_phase_and_the_log_tail(aws, context, monkeypatch, final):
    lines: list[str] = []
    script = [("IN_PROGRESS", ["#1 [internal] load build definition"]),
              ("IN_PROGRESS", ["#5 [2/3] RUN pip install -r requirements.txt", "ERROR: no matching distribution"]),
              (final, ["[Container] Phase complete: BUILD State: FAILED"])]
    with CodeBuildServer([script]).running() as fake:
        monkeypatch.setenv("AWS_ENDPOINT_URL_CODEBUILD", fake.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", fake.url)
        builder = CodeBuildBuilder("acme", HOME, poll_seconds=0.05, echo=lines.append)
        (outcome,) = submit_builds({"aws": [request(context)]}, {"aws": builder}, jobs=1)
        (started,) = fake.builds.values()
    assert (outcome.status, outcome.ok) == (final, False)
    assert outcome.failed_step == "BUILD: Error while executing command: docker buildx build. Reason: exit status 1"
    assert outcome.log_tail == ("#1 [internal] load build definition", "#5 [2/3] RUN pip install -r requirements.txt",
                                "ERROR: no matching distribution", "[Container] Phase complete: BUILD State: FAILED")
    assert lines[1:] == [f"captioner | {line}" for line in outcome.log_tail]  # streamed while it ran
    overrides = {o["name"]: (o["value"], o["type"]) for o in started.started_with["environmentVariablesOverride"]}
    assert overrides["PIP_TOKEN"] == ("acme/PIP_TOKEN", "SECRETS_MANAGER")
    assert overrides["HUB"] == ("acme/HUB", "SECRETS_MANAGER")
    assert overrides["BUILD_SECRETS"] == ("pip=PIP_TOKEN", "PLAINTEXT")
    assert overrides["CONTEXT_URI"] == (f"s3://{BUCKET}/{context_object_key(context)}", "PLAINTEXT")
    assert overrides["CONTEXT"] == ("-", "PLAINTEXT")


@pytest.fixture
def google(monkeypatch) -> Iterator[GoogleBuildServer]:
    def serve(scripts):
        server = GoogleBuildServer(scripts)
        for service in ("CLOUDBUILD", "ARTIFACTREGISTRY", "STORAGE"):
            monkeypatch.setenv(f"FLEETFORM_GCP_ENDPOINT_{service}", server.url)
        return server
    yield serve  # type: ignore[misc]


GCP_REGIONS = ("us-east4", "europe-west4")


def test_gcp_builds_into_every_multi_region_and_then_skips(google, context):
    lines: list[str] = []
    server = google([[("QUEUED", []), ("WORKING", ["Step #0 - \"build\": #1 [internal] load .dockerignore"]),
                      ("SUCCESS", ["DONE"])]])
    with server.running():
        builder = CloudBuildBuilder("acme", PROJECT, "us-east4", poll_seconds=0.05, echo=lines.append)
        (outcome,) = submit_builds({"gcp": [request(context, regions=GCP_REGIONS)]}, {"gcp": builder}, jobs=1)
        assert outcome.status == "built", outcome
        (build,) = server.builds.values()
        (again,) = submit_builds({"gcp": [request(context, regions=GCP_REGIONS)]}, {"gcp": builder}, jobs=1)
    assert outcome.image == (f"europe-docker.pkg.dev/{PROJECT}/acme/captioner:in-0123456789abcdef "
                             f"us-docker.pkg.dev/{PROJECT}/acme/captioner:in-0123456789abcdef")
    bucket = f"{PROJECT}-acme-builds"
    assert build.spec["source"] == {"storageSource": {"bucket": bucket, "object": context_object_key(context)}}
    assert build.spec["serviceAccount"] == (f"projects/{PROJECT}/serviceAccounts/"
                                            f"acme-image-build@{PROJECT}.iam.gserviceaccount.com")
    assert build.spec["availableSecrets"] == {"secretManager": [
        {"versionName": f"projects/{PROJECT}/secrets/acme-{name}/versions/latest", "env": name}
        for name in ("HUB", "PIP_TOKEN")]}
    (step,) = build.spec["steps"]
    assert step["args"] == ["-c", cloud_build_literal(SCRIPT)] and step["secretEnv"] == ["HUB", "PIP_TOKEN"]
    assert "CONTEXT=." in step["env"] and "BUILD_SECRETS=pip=PIP_TOKEN" in step["env"]
    assert build.spec["logsBucket"] == f"gs://{bucket}/logs"
    assert lines[1:] == ['captioner | Step #0 - "build": #1 [internal] load .dockerignore', "captioner | DONE"]
    assert (again.status, server.uploads, len(server.builds)) == ("skipped", 1, 1)


@pytest.mark.parametrize("final", ["FAILURE", "TIMEOUT", "CANCELLED", "INTERNAL_ERROR"])
def test_gcp_failed_build_reports_the_step_and_the_log_tail(google, context, final):
    server = google([[("WORKING", ["Step #0: ERROR: failed to solve: process did not complete"]), (final, [])]])
    with server.running():
        builder = CloudBuildBuilder("acme", PROJECT, "us-east4", poll_seconds=0.05, echo=lambda _: None)
        (outcome,) = submit_builds({"gcp": [request(context, regions=("us-east4",))]}, {"gcp": builder}, jobs=1)
    assert (outcome.status, outcome.ok) == (final, False)
    assert outcome.failed_step == ('step build: Build step failure: build step 0 "gcr.io/cloud-builders/docker" '
                                   "failed: step exited with non-zero status: 1")
    assert outcome.log_tail == ("Step #0: ERROR: failed to solve: process did not complete",)
    assert server.tags == set()  # nothing pushed, nothing downstream changes


def test_a_cloud_error_fails_that_build_only(aws, context):
    builder = CodeBuildBuilder("acme", HOME, poll_seconds=0.1, replication_timeout_seconds=5, echo=lambda _: None)
    push("us-west-2", "in-1")
    missing_repository = request(context, app="upscaler", tag="in-2")
    outcomes = submit_builds({"aws": [missing_repository, request(context, tag="in-1")]}, {"aws": builder}, jobs=2)
    assert [outcome.status for outcome in outcomes] == ["ERROR", "built"]
    assert outcomes[0].failed_step == ("MissingRepository: ECR repository acme/upscaler does not exist in us-east-1: "
                                       "deploy the aws-shared--upscaler stack first "
                                       "(`fleetform cdktf deploy 'aws-shared*'`)")


def aws_shared_stack_for_builds(home: str, repository: str, regions: list[str]) -> None:
    """What `aws-shared` creates for builds, in moto: the context bucket, the CodeBuild project, and the
    app's ECR repository in each of ``regions``."""
    boto3.client("s3", region_name=home).create_bucket(Bucket=build_contexts_bucket("aws", "acme", ACCOUNT, home))
    for region in regions:
        boto3.client("ecr", region_name=region).create_repository(repositoryName=repository)
    boto3.client("codebuild", region_name=home).create_project(
        name=build_project_name("acme"), source={"type": "S3", "location": "unused/"},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole=f"arn:aws:iam::{ACCOUNT}:role/acme/acme-image-build",
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
                     "computeType": "BUILD_GENERAL1_LARGE", "privilegedMode": True})


def test_fleetform_build_cloud_aws_builds_the_plans_contexts_and_skips_them_once_pushed(moto_url, monkeypatch,
                                                                                        tmp_path, run_cli):
    """``fleetform build --cloud aws`` end to end: the plan's context, repository, tag and regions reach CodeBuild."""
    from fleetform.plan.platform import plan_workspace_outcome
    from fleetform.spec.workspace import open_workspace
    from tests.images.test_contexts import write_project

    fresh_moto_account(moto_url, monkeypatch, tmp_path)
    root = write_project(tmp_path / "platform")
    plan = plan_workspace_outcome(open_workspace(root)).plan
    assert plan is not None
    home = plan.shared_for("aws").home_region
    (group, *_) = plan.groups("demo")
    image = group.image
    regions = sorted({g.cloud_region for g in plan.groups("demo")})
    aws_shared_stack_for_builds(home, image.repository, regions)

    def pushed(region: str) -> None:
        boto3.client("ecr", region_name=region).put_image(
            repositoryName=image.repository, imageTag=image.tag,
            imageManifest='{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}')

    dry = run_cli("build", "--config", root, "--cloud", "aws", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    (row,) = json.loads(dry.out)["images"]
    assert (row["app"], row["key"], row["build_needed"]) == ("demo", image.tag, True)
    for region in regions:
        if region != home:
            pushed(region)  # ECR's replication, already done
    built = run_cli("build", "--config", root, "--cloud", "aws", "--json")
    assert built.code == 0, built.err
    (outcome,) = json.loads(built.out)["builds"]
    assert outcome["status"] == "built", outcome
    assert outcome["image"] == f"{ACCOUNT}.dkr.ecr.{home}.amazonaws.com/{image.repository}:{image.tag}"
    bucket = build_contexts_bucket("aws", "acme", ACCOUNT, home)
    (archive,) = boto3.client("s3", region_name=home).list_objects_v2(Bucket=bucket)["Contents"]
    with tarfile.open(fileobj=io.BytesIO(boto3.client("s3", region_name=home).get_object(
            Bucket=bucket, Key=archive["Key"])["Body"].read())) as tar:
        names = set(tar.getnames())
    assert {"Dockerfile", "files/assets/weights.txt", "app/app.py"} <= names and "files/assets/skip.tmp" not in names
    pushed(home)  # what the real build pushed
    again = run_cli("build", "--config", root, "--cloud", "aws")
    assert again.code == 0, again.err
    assert "up to date (tag exists)" in again.out and "0 built, 1 skipped" in again.out


def test_fleetform_build_cloud_both_builds_on_each_cloud_then_skips_both(moto_url, monkeypatch, tmp_path, run_cli,
                                                                          google):
    """``fleetform build --cloud both``: one build per cloud (CodeBuild over moto, Cloud Build over the local
    server), each from the plan's context; once both tags exist a rerun starts nothing."""
    from fleetform.plan.platform import plan_workspace_outcome
    from fleetform.spec.workspace import open_workspace
    from tests.images.test_contexts import write_project

    fresh_moto_account(moto_url, monkeypatch, tmp_path)
    root = write_project(tmp_path / "platform", toml_extra='regions = ["us-east"]',
                         platform_extra=f'[tool.fleetform.gcp]\nproject = "{PROJECT}"')
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('clouds = ["aws"]', 'clouds = ["aws", "gcp"]'))
    plan = plan_workspace_outcome(open_workspace(root)).plan
    assert plan is not None
    groups = {group.cloud: group for group in plan.groups("demo")}
    assert groups.keys() == {"aws", "gcp"}
    home = plan.shared_for("aws").home_region
    aws_image = groups["aws"].image
    aws_shared_stack_for_builds(home, aws_image.repository, [home])
    server = google([[("QUEUED", []), ("WORKING", ["Step #0: building"]), ("SUCCESS", ["DONE"])]])
    with server.running():
        built = run_cli("build", "--config", root, "--cloud", "both", "--json")
        assert built.code == 0, built.err
        outcomes = {outcome["cloud"]: outcome for outcome in json.loads(built.out)["builds"]}
        assert {cloud: outcome["status"] for cloud, outcome in outcomes.items()} == {"aws": "built", "gcp": "built"}
        (gcp_build,) = server.builds.values()
        assert f":{groups['gcp'].image.tag}" in next(
            e for e in gcp_build.spec["steps"][0]["env"] if e.startswith("IMAGE="))
        assert server.uploads == 1
        boto3.client("ecr", region_name=home).put_image(  # what the real CodeBuild build pushed
            repositoryName=aws_image.repository, imageTag=aws_image.tag,
            imageManifest='{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}')
        again = run_cli("build", "--config", root, "--cloud", "both")
    assert again.code == 0, again.err
    assert "0 built, 2 skipped" in again.out, again.out
    assert (len(server.builds), server.uploads) == (1, 1)
