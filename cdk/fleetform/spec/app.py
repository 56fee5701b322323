"""``AppSpec``: one fal app with every field of fal's pyproject reference, fal's defaults and rules.

An ``AppSpec`` is what an app team declared, after fal's precedence (class values over TOML) and
defaults, before any cloud decision. Field names are fal's TOML keys. Cross-field rules (fal's mutual
exclusions, fleetform's ranges) live in :func:`app_rule_violations`, so that the loaders can report
every broken rule at once, each at its own key.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from fleetform.spec.health_check import HealthCheckSpec
from fleetform.spec.image import ContainerImageSpec
from fleetform.spec.requirements import Requirements
from fleetform.vocabulary import AuthMode, DeploymentStrategy, FalRegion, RetryCondition

DEFAULT_APP_FILES_IGNORE: tuple[str, ...] = (r"\.pyc$", r"__pycache__/", r"\.git/", r"\.DS_Store$")
"""fal's default ``app_files_ignore`` (``fal/app.py``)."""

DEFAULT_EXPOSED_PORT = 8080
DEFAULT_METRICS_PORT = 9090
DEFAULT_STARTUP_TIMEOUT_SECONDS = 600
DATA_VOLUME_PATH = "/data"
"""Where the region's shared volume is mounted: fal's ``/data``."""
MAX_TERMINATION_GRACE_SECONDS = 30
"""fal's documented maximum; kept so an app behaves the same on fal and on fleetform."""

_APP_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PYTHON_VERSION = re.compile(r"^3\.\d{1,2}$")
_ENTRY_POINT = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class RetryPolicy(BaseModel):
    """One ``retry_config`` entry: how many times the platform retries a request on that condition."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    retries: StrictInt = Field(ge=0, le=10, description="fal retries at most 10 times.")


class AppSpec(BaseModel):
    """Every field of a fal app (``[tool.fal.apps.<key>]`` and ``fal.App`` class attributes).

    ``None`` means "not set and no fal default": the platform settings fill it (``max_concurrency``,
    ``request_timeout``, ``regions``, ``python_version``) or the field has no effect.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    # identity and deployment
    name: StrictStr = Field(description="Deployed app name; defaults to the [tool.fal.apps] key.")
    ref: StrictStr | None = Field(None, description="`path.py::Class` of a fal.App, relative to the pyproject.")
    python_entry_point: StrictStr | None = Field(None, description="`module:Class`; settings come from TOML only.")
    auth: AuthMode = Field(
        "private", description="private: owner only; public: anyone; shared: any authenticated caller.")
    team: StrictStr | None = Field(None, description="Owning team; tagged on every resource of the app.")
    deployment_strategy: DeploymentStrategy = Field("rolling", description="How a new revision replaces runners.")
    app_scale_settings: StrictBool = Field(
        False, description="true: apply these scale settings on deploy; false: keep runtime-tuned ones."
    )
    # environment
    requirements: Requirements = Field(default_factory=Requirements, description="Pip requirements, in layers.")
    requirements_context_dir: Path | None = Field(None, description="Base for local-path requirements.")
    python_version: StrictStr | None = Field(None, description='Runtime Python, e.g. "3.12".')
    local_python_modules: tuple[StrictStr, ...] = Field((), description="Class only: modules shipped with the app.")
    image: ContainerImageSpec | None = Field(None, description="Custom container image.")
    # machine and placement
    machine_type: tuple[StrictStr, ...] = Field(("S",), min_length=1, description="Machine type or fallback list.")
    num_gpus: StrictInt | None = Field(None, ge=1, le=8, description="GPUs per runner (GPU machine types only).")
    regions: tuple[FalRegion, ...] | None = Field(None, min_length=1, description="Allowed fal regions.")
    # scaling and timeouts
    min_concurrency: StrictInt = Field(0, ge=0, description="Runners always alive.")
    max_concurrency: StrictInt | None = Field(None, ge=1, description="Upper limit of runners.")
    max_multiplexing: StrictInt = Field(1, ge=1, description="Concurrent requests per runner.")
    concurrency_buffer: StrictInt = Field(0, ge=0, description="Extra warm runners above demand.")
    concurrency_buffer_perc: StrictInt = Field(0, ge=0, le=100, description="Buffer as a percentage of demand.")
    scaling_delay: StrictInt = Field(0, ge=0, description="Seconds a request waits before a scale-up.")
    keep_alive: StrictInt = Field(60, ge=0, description="Seconds an idle runner stays alive.")
    request_timeout: StrictInt | None = Field(None, ge=1, description="Maximum seconds for one request.")
    request_start_timeout: StrictInt | None = Field(
        None, ge=0, description="Maximum seconds a request waits for a runner (0 clears)."
    )
    startup_timeout: StrictInt = Field(
        DEFAULT_STARTUP_TIMEOUT_SECONDS, ge=1, description="Maximum seconds for runner start-up and setup()."
    )
    termination_grace_period_seconds: StrictInt = Field(
        5, ge=0, le=MAX_TERMINATION_GRACE_SECONDS, description="SIGTERM-to-SIGKILL window."
    )
    # runtime and misc
    private_logs: StrictBool = Field(False, description="Restrict app logs to the owning team.")
    app_files: tuple[StrictStr, ...] = Field((), description="Local files/folders shipped under /app.")
    app_files_ignore: tuple[StrictStr, ...] = Field(DEFAULT_APP_FILES_IGNORE, description="Regexes to exclude.")
    app_files_context_dir: Path | None = Field(None, description="Base for app_files.")
    exposed_port: StrictInt = Field(DEFAULT_EXPOSED_PORT, ge=1, le=65535, description="Port the gateway forwards to.")
    metrics_port: StrictInt | None = Field(None, ge=1, le=65535, description="Prometheus port of the runner.")
    skip_retry_conditions: tuple[RetryCondition, ...] = Field((), description="Retries to disable.")
    retry_config: dict[RetryCondition, RetryPolicy] | None = Field(None, description="Retries per condition.")
    secrets: tuple[StrictStr, ...] | None = Field(None, description="Secrets exposed as environment variables.")
    data_mounts: tuple[StrictStr, ...] | None = Field(None, description="Paths of the shared /data volume.")
    health_check: HealthCheckSpec | None = Field(None, description="Health probe settings.")

    @model_validator(mode="after")
    def _rules(self) -> AppSpec:
        violations = app_rule_violations(self)
        if violations:
            raise PydanticCustomError(
                "app_rules", "{summary}",
                {"summary": "; ".join(v.message for v in violations), "violations": violations},
            )
        return self

    @property
    def is_container(self) -> bool:
        return self.image is not None

    @property
    def is_image_only(self) -> bool:
        """A container app without ``ref`` or ``python_entry_point``: the image's own server takes traffic."""
        return self.image is not None and self.ref is None and self.python_entry_point is None


@dataclass(frozen=True)
class RuleViolation:
    """A broken cross-field rule, reported at ``field``."""

    field: str
    code: str
    message: str
    allowed: str | None = None
    fix: str | None = None


def is_data_mount(path: str) -> bool:
    """Whether ``path`` names the shared volume or a folder on it, written in normal form (no ``..``)."""
    normal = posixpath.normpath(path) == path and not path.startswith("//")
    return normal and (path == DATA_VOLUME_PATH or path.startswith(DATA_VOLUME_PATH + "/"))


def app_rule_violations(spec: AppSpec) -> list[RuleViolation]:
    """Every cross-field rule fal documents or fleetform needs, in field order."""
    found: list[RuleViolation] = []

    def broken(field: str, code: str, message: str, allowed: str | None = None, fix: str | None = None) -> None:
        found.append(RuleViolation(field, code, message, allowed, fix))

    if not _APP_NAME.match(spec.name):
        broken("name", "spec/bad-app-name", f"app name {spec.name!r} is not a valid name",
               "lowercase letters, digits and '-', 1-63 characters, starting and ending with a letter or digit",
               "set name = \"...\" in the app table")
    if spec.ref is not None and spec.python_entry_point is not None:
        broken("python_entry_point", "spec/ref-and-entry-point", "ref and python_entry_point are mutually exclusive",
               fix="keep one of them")
    if spec.ref is None and spec.python_entry_point is None and spec.image is None:
        broken("ref", "spec/no-entry", "the app has no ref, python_entry_point or image",
               fix='add ref = "path/to/app.py::MyApp", python_entry_point = "module:MyApp" or an [image] table')
    if spec.python_entry_point is not None and not _ENTRY_POINT.match(spec.python_entry_point):
        broken("python_entry_point", "spec/bad-entry-point",
               f"python_entry_point {spec.python_entry_point!r} is not in '<module>:<symbol>' format",
               fix='write it like "my_package.server:MyApp"')
    if spec.python_version is not None and not _PYTHON_VERSION.match(spec.python_version):
        broken("python_version", "spec/bad-python-version", f"python_version {spec.python_version!r} is not a version",
               "a 3.x minor version such as \"3.11\" or \"3.12\"")
    if spec.max_concurrency is not None and spec.min_concurrency > spec.max_concurrency:
        broken("min_concurrency", "spec/min-above-max",
               f"min_concurrency ({spec.min_concurrency}) must be <= max_concurrency ({spec.max_concurrency})",
               fix="lower min_concurrency or raise max_concurrency")
    if spec.max_concurrency is not None and spec.concurrency_buffer > spec.max_concurrency:
        broken("concurrency_buffer", "spec/buffer-above-max",
               f"concurrency_buffer ({spec.concurrency_buffer}) is above max_concurrency ({spec.max_concurrency}); "
               "the buffer could never be met", fix="lower concurrency_buffer or raise max_concurrency")
    if spec.metrics_port is not None and spec.metrics_port == spec.exposed_port:
        broken("exposed_port", "spec/port-clash", f"metrics_port and exposed_port are both {spec.exposed_port}",
               fix="use different ports (fal uses 8080 and 9090)")
    if spec.app_files_context_dir is not None and not spec.app_files:
        broken("app_files_context_dir", "spec/context-without-files",
               "app_files_context_dir is only supported when app_files is provided", fix="add app_files or remove it")
    if spec.app_files and spec.image is not None:
        broken("app_files", "spec/app-files-with-image", "app_files is not supported for container apps",
               fix="COPY the files in the Dockerfile instead")
    for index, pattern in enumerate(spec.app_files_ignore):
        try:
            re.compile(pattern)
        except re.error as error:
            broken(f"app_files_ignore[{index}]", "spec/bad-regex", f"{pattern!r} is not a valid regex: {error}")
    for index, name in enumerate(spec.secrets or ()):
        if not _ENV_NAME.match(name):
            broken(f"secrets[{index}]", "spec/bad-secret-name",
                   f"secret name {name!r} cannot be an environment variable name",
                   "letters, digits and '_', not starting with a digit")
    for index, mount in enumerate(spec.data_mounts or ()):
        if not is_data_mount(mount):
            broken(f"data_mounts[{index}]", "spec/bad-data-mount",
                   f"data mount {mount!r} is not a normalized path on the shared /data volume",
                   "/data or a normalized path below it, such as /data/.cache (no '..', '.', '//' or trailing '/')")
    _check_duplicates(spec, broken)
    return found


def _check_duplicates(spec: AppSpec, broken) -> None:
    for field in ("machine_type", "regions", "secrets", "skip_retry_conditions", "data_mounts"):
        values = getattr(spec, field) or ()
        seen: set[str] = set()
        for index, value in enumerate(values):
            if value in seen:
                broken(f"{field}[{index}]", "spec/duplicate", f"{value!r} is listed twice in {field}",
                       fix="remove the duplicate")
            seen.add(value)
