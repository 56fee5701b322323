"""Building on AWS: the context to S3, a CodeBuild build, its CloudWatch log, and ECR replication.

The shared stack's project (``fleetform.constructs.aws.build``) holds the buildspec; each build
overrides only its environment: the image to push, the context object, the Dockerfile, and the
secrets as ``SECRETS_MANAGER`` variables, which CodeBuild resolves from Secrets Manager into the
build container (and masks in the log). The tag is checked first (``DescribeImages``): an existing
tag is an unchanged build and is skipped. After the push, the image is waited for in every other
region that runs the app (ECR replication from the home region).

Every AWS call goes through boto3 clients made here, so ``AWS_ENDPOINT_URL_<SERVICE>`` points them
elsewhere (moto, or a local server answering like CodeBuild in the failure tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

from fleetform.cloud_build.archive import context_object_key
from fleetform.cloud_build.request import BuildOutcome, BuildRequest
from fleetform.plan.build_script import build_environment, secret_names
from fleetform.plan.model import repository_stack_name
from fleetform.plan.names import build_contexts_bucket, build_project_name, secret_id

FAILED_STATES = ("FAILED", "FAULT", "TIMED_OUT", "STOPPED")


class MissingRepository(RuntimeError):
    """The platform's repository for an app is not there: the shared stack was not deployed (with the app)."""
LOG_TAIL_LINES = 30


class CodeBuildBuilder:
    """Builds for one platform in its AWS home region (``aws-shared``)."""

    cloud = "aws"

    def __init__(self, platform: str, home_region: str, *, poll_seconds: float = 5.0,
                 replication_timeout_seconds: float = 900.0, echo: Callable[[str], None] = print) -> None:
        self._platform = platform
        self._region = home_region
        self._poll = poll_seconds
        self._replication_timeout = replication_timeout_seconds
        self._echo = echo
        self._account = boto3.client("sts", region_name=home_region).get_caller_identity()["Account"]
        self._s3 = boto3.client("s3", region_name=home_region)
        self._codebuild = boto3.client("codebuild", region_name=home_region)
        self._logs = boto3.client("logs", region_name=home_region)
        self._ecr: dict[str, Any] = {}
        self._ecr_lock = threading.Lock()

    def registry_host(self, region: str) -> str:
        return f"{self._account}.dkr.ecr.{region}.amazonaws.com"

    def image(self, request: BuildRequest) -> str:
        return f"{self.registry_host(self._region)}/{request.repository}:{request.tag}"

    def tag_exists(self, request: BuildRequest, region: str | None = None) -> bool:
        """True when the tag is in ``region``'s repository (default: home); a missing home repository is an error."""
        ecr = self._ecr_client(region or self._region)
        try:
            found = ecr.describe_images(repositoryName=request.repository, imageIds=[{"imageTag": request.tag}])
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "RepositoryNotFoundException" and region is None:
                raise MissingRepository(f"ECR repository {request.repository} does not exist in {self._region}: "
                                        f"deploy the {repository_stack_name('aws', request.repository)} stack first "
                                        "(`fleetform cdktf deploy 'aws-shared*'`)") from None
            if code in ("ImageNotFoundException", "RepositoryNotFoundException"):
                return False
            raise
        return bool(found.get("imageDetails"))

    def _ecr_client(self, region: str) -> Any:
        """One ECR client per region, made once (builds poll replicas from several threads)."""
        with self._ecr_lock:
            if region not in self._ecr:
                self._ecr[region] = boto3.client("ecr", region_name=region)
            return self._ecr[region]

    def build(self, request: BuildRequest) -> BuildOutcome:
        seconds: dict[str, float] = {}
        started = time.monotonic()
        bucket = build_contexts_bucket("aws", self._platform, self._account, self._region)
        key = context_object_key(request.context)
        if not _object_exists(self._s3, bucket, key):
            self._s3.upload_file(str(request.context), bucket, key)
        seconds["upload"] = round(time.monotonic() - started, 3)

        started = time.monotonic()
        environment = build_environment(image=self.image(request), context="-", dockerfile=request.dockerfile,
                                        secrets=request.secrets, build_args=request.build_args,
                                        logins=request.registries)
        overrides = [{"name": name, "value": value, "type": "PLAINTEXT"} for name, value in environment.items()]
        overrides.append({"name": "CONTEXT_URI", "value": f"s3://{bucket}/{key}", "type": "PLAINTEXT"})
        overrides += [{"name": name, "value": secret_id("aws", self._platform, name), "type": "SECRETS_MANAGER"}
                      for name in secret_names(environment)]
        build = self._codebuild.start_build(projectName=build_project_name(self._platform),
                                            environmentVariablesOverride=overrides)["build"]
        build_id = build["id"]
        self._echo(f"{request.app}: CodeBuild {build_id}")
        build, tail = self._follow(request.app, build_id)
        seconds["build"] = round(time.monotonic() - started, 3)
        status = build.get("buildStatus", "FAILED")
        if status != "SUCCEEDED":
            return BuildOutcome(request.app, self.cloud, self.image(request), status, build_id,
                                _failed_phase(build), tuple(tail[-LOG_TAIL_LINES:]), seconds)

        started = time.monotonic()
        missing = self._wait_for_replicas(request)
        seconds["replication"] = round(time.monotonic() - started, 3)
        if missing:
            return BuildOutcome(request.app, self.cloud, self.image(request), "NOT_REPLICATED", build_id,
                                f"ECR replication to {', '.join(missing)}", tuple(tail[-LOG_TAIL_LINES:]), seconds)
        return BuildOutcome(request.app, self.cloud, self.image(request), "built", build_id, seconds=seconds)

    def _follow(self, app: str, build_id: str) -> tuple[dict[str, Any], list[str]]:
        """Poll the build to a terminal state, echoing its log lines as they arrive; the build and its log."""
        lines: list[str] = []
        token: str | None = None
        while True:
            build = self._codebuild.batch_get_builds(ids=[build_id])["builds"][0]
            token = self._read_log(app, build.get("logs", {}), token, lines)
            if build.get("buildStatus") != "IN_PROGRESS":
                self._read_log(app, build.get("logs", {}), token, lines)
                return build, lines
            time.sleep(self._poll)

    def _read_log(self, app: str, logs: dict[str, Any], token: str | None, lines: list[str]) -> str | None:
        group, stream = logs.get("groupName"), logs.get("streamName")
        if not group or not stream:
            return token
        while True:
            arguments: dict[str, Any] = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
            if token:
                arguments["nextToken"] = token
            try:
                page = self._logs.get_log_events(**arguments)
            except ClientError as error:
                if error.response["Error"]["Code"] == "ResourceNotFoundException":  # the stream starts later
                    return token
                raise
            for event in page.get("events", []):
                line = event["message"].rstrip("\n")
                lines.append(line)
                self._echo(f"{app} | {line}")
            if page.get("nextForwardToken") in (None, token):
                return token
            token = page["nextForwardToken"]

    def _wait_for_replicas(self, request: BuildRequest) -> list[str]:
        """The regions where the image has not appeared within the timeout (ECR replicates asynchronously)."""
        waiting = [region for region in request.regions if region != self._region]
        deadline = time.monotonic() + self._replication_timeout
        while waiting:
            waiting = [region for region in waiting if not self.tag_exists(request, region)]
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(self._poll)
        return waiting


def _object_exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def _failed_phase(build: dict[str, Any]) -> str | None:
    """``BUILD: <context message>`` of the first phase that did not succeed."""
    for phase in build.get("phases", []):
        if phase.get("phaseStatus") in FAILED_STATES:
            messages = [context.get("message", "") for context in phase.get("contexts", []) if context.get("message")]
            return phase["phaseType"] + (f": {messages[0]}" if messages else "")
    return None
