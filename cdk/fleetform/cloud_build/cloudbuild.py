"""Building on GCP: the context to Cloud Storage, a Cloud Build build, its log, and Artifact Registry tags.

The build runs as the shared stack's build service account (``fleetform.constructs.gcp.build``) with
one ``docker`` step running the shared build script, which pushes one tag per Artifact Registry
multi-region the app runs in (``us``, ``europe``): a multi-region repository serves every region of
its continent, so the image is pullable everywhere once the push ends. Secrets come through
``availableSecrets`` (Secret Manager, latest version) into the step's environment, where BuildKit
mounts them. The log goes to ``logs/`` in the context bucket, which is streamed while the build runs.

The clients are the google-cloud ones over REST (``fleetform.cloud_clients``), so
``FLEETFORM_GCP_ENDPOINT_<SERVICE>`` points them at a local server in tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from google.api_core import exceptions as google_exceptions
from google.cloud import artifactregistry_v1, storage
from google.cloud.devtools import cloudbuild_v1

from fleetform.cloud_build.archive import context_object_key
from fleetform.cloud_build.request import BuildOutcome, BuildRequest
from fleetform.cloud_clients import gcp_client_arguments
from fleetform.plan.build_script import SCRIPT, build_environment, secret_names
from fleetform.plan.names import build_contexts_bucket, build_project_name, secret_id
from fleetform.runner.contract import artifact_registry_location

BUILDER_IMAGE = "gcr.io/cloud-builders/docker"
BUILD_TIMEOUT = "7200s"
LOGS_PREFIX = "logs"
LOG_TAIL_LINES = 30
RUNNING_STATES = ("STATUS_UNKNOWN", "PENDING", "QUEUED", "WORKING")


def cloud_build_literal(text: str) -> str:
    """``text`` with ``$`` doubled: Cloud Build reads ``$NAME`` in a step's arguments as a substitution."""
    return text.replace("$", "$$")


class CloudBuildBuilder:
    """Builds for one platform in its GCP project (``gcp-shared``)."""

    cloud = "gcp"

    def __init__(self, platform: str, project: str, home_region: str, *, poll_seconds: float = 5.0,
                 echo: Callable[[str], None] = print) -> None:
        self._platform = platform
        self._project = project
        self._bucket = build_contexts_bucket("gcp", platform, project, home_region)
        self._poll = poll_seconds
        self._echo = echo
        self._builds = cloudbuild_v1.CloudBuildClient(**gcp_client_arguments("cloudbuild"))
        self._registry = artifactregistry_v1.ArtifactRegistryClient(**gcp_client_arguments("artifactregistry"))
        storage_arguments = gcp_client_arguments("storage")
        storage_arguments.pop("transport")
        self._storage = storage.Client(project=project, **storage_arguments)

    def images(self, request: BuildRequest) -> list[str]:
        """One reference per multi-region of the app's regions."""
        app = request.repository.split("/", 1)[1]
        return [f"{location}-docker.pkg.dev/{self._project}/{self._platform}/{app}:{request.tag}"
                for location in self._locations(request)]

    def image(self, request: BuildRequest) -> str:
        return " ".join(self.images(request))

    def _locations(self, request: BuildRequest) -> list[str]:
        return sorted({artifact_registry_location(region) for region in request.regions})

    def tag_exists(self, request: BuildRequest) -> bool:
        """True when the tag is in the repository of every multi-region the app needs."""
        app = request.repository.split("/", 1)[1]
        for location in self._locations(request):
            name = self._registry.tag_path(self._project, location, self._platform, app, request.tag)
            try:
                self._registry.get_tag(name=name)
            except google_exceptions.NotFound:
                return False
        return True

    def build(self, request: BuildRequest) -> BuildOutcome:
        seconds: dict[str, float] = {}
        started = time.monotonic()
        key = context_object_key(request.context)
        blob = self._storage.bucket(self._bucket).blob(key)
        if not blob.exists():
            blob.upload_from_filename(str(request.context), content_type="application/gzip")
        seconds["upload"] = round(time.monotonic() - started, 3)

        started = time.monotonic()
        operation = self._builds.create_build(project_id=self._project, build=self._build_spec(request, key))
        build_id = operation.metadata.build.id
        self._echo(f"{request.app}: Cloud Build {build_id}")
        build, tail = self._follow(request.app, build_id)
        seconds["build"] = round(time.monotonic() - started, 3)
        status = cloudbuild_v1.Build.Status(build.status).name
        if status != "SUCCESS":
            return BuildOutcome(request.app, self.cloud, self.image(request), status, build_id,
                                _failed_step(build), tuple(tail[-LOG_TAIL_LINES:]), seconds)
        started = time.monotonic()
        present = self.tag_exists(request)
        seconds["replication"] = round(time.monotonic() - started, 3)
        if not present:
            return BuildOutcome(request.app, self.cloud, self.image(request), "NOT_PUSHED", build_id,
                                "push to Artifact Registry", tuple(tail[-LOG_TAIL_LINES:]), seconds)
        return BuildOutcome(request.app, self.cloud, self.image(request), "built", build_id, seconds=seconds)

    def _build_spec(self, request: BuildRequest, key: str) -> dict[str, Any]:
        environment = build_environment(image=self.image(request), context=".", dockerfile=request.dockerfile,
                                        secrets=request.secrets, build_args=request.build_args,
                                        logins=request.registries)
        names = secret_names(environment)
        account = f"{build_project_name(self._platform)}@{self._project}.iam.gserviceaccount.com"
        spec: dict[str, Any] = {
            "source": {"storage_source": {"bucket": self._bucket, "object_": key}},
            "steps": [{"id": "build", "name": BUILDER_IMAGE, "entrypoint": "bash",
                       "args": ["-c", cloud_build_literal(SCRIPT)],
                       "env": [f"{name}={value}" for name, value in environment.items()], "secret_env": names}],
            "service_account": f"projects/{self._project}/serviceAccounts/{account}",
            "logs_bucket": f"gs://{self._bucket}/{LOGS_PREFIX}",
            "options": {"logging": "GCS_ONLY"},
            "timeout": BUILD_TIMEOUT,
            "tags": ["fleetform", request.app],
        }
        if names:
            spec["available_secrets"] = {"secret_manager": [
                {"version_name": f"projects/{self._project}/secrets/{secret_id('gcp', self._platform, name)}"
                                 "/versions/latest", "env": name} for name in names]}
        return spec

    def _follow(self, app: str, build_id: str) -> tuple[cloudbuild_v1.Build, list[str]]:
        """Poll the build to a terminal state, echoing new log lines; the build and every log line."""
        lines: list[str] = []
        offset = 0
        log = self._storage.bucket(self._bucket).blob(f"{LOGS_PREFIX}/log-{build_id}.txt")
        while True:
            build = self._builds.get_build(project_id=self._project, id=build_id)
            offset = self._read_log(app, log, offset, lines)
            if cloudbuild_v1.Build.Status(build.status).name not in RUNNING_STATES:
                self._read_log(app, log, offset, lines)
                return build, lines
            time.sleep(self._poll)

    def _read_log(self, app: str, log: storage.Blob, offset: int, lines: list[str]) -> int:
        try:
            chunk = log.download_as_bytes(start=offset)
        except (google_exceptions.NotFound, google_exceptions.RequestRangeNotSatisfiable):
            return offset
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a partial last line waits for the next read
        for line in complete.decode("utf-8", errors="replace").splitlines():
            lines.append(line)
            self._echo(f"{app} | {line}")
        return offset + len(complete)


def _failed_step(build: cloudbuild_v1.Build) -> str | None:
    """``build: <failure detail>`` of the step that failed, or the build's own failure detail."""
    detail = build.failure_info.detail if build.failure_info else ""
    for step in build.steps:
        if cloudbuild_v1.Build.Status(step.status).name not in ("SUCCESS", "QUEUED", "STATUS_UNKNOWN"):
            return f"step {step.id or step.name}" + (f": {detail}" if detail else "")
    return detail or build.status_detail or None
