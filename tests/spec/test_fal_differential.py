"""The differential test: the pinned fal (``.venv-fal``) and fleetform read every fixture project the same way.

fal loads each app of ``fal_projects/`` as ``fal deploy <key>`` does (``fal_loader.py``, run with fal's own
interpreter, stopping before any network call); fleetform resolves the same app statically. Every field
fal would send is compared. The only accepted differences are the rows of :data:`DIFFERENCES`: fields fal
leaves to its server (which fleetform fills from fal's documented defaults or the platform settings), the
serving dependencies fal appends (the image build adds them), and one documented SDK quirk. Where fal
refuses a project, fleetform must refuse it too, quoting fal's reason. A change of the fal pin that changes
the loader's behaviour makes this test fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fleetform.errors import FleetformError
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.pyproject import read_pyproject
from fleetform.spec.resolve import ResolvedApp, resolve_app

REPO = Path(__file__).resolve().parents[2]
FAL_PYTHON = REPO / ".venv-fal" / "bin" / "python"
PROJECTS = Path(__file__).resolve().parent / "fal_projects"
DRIVER = Path(__file__).resolve().parent / "fal_loader.py"
PLATFORM = PlatformSettings()

STUB_MODULES = {"import_raises": ("torch", "diffusers")}
"""Packages a fixture imports at module level that the developer has installed and .venv-fal has not."""

FAL_REFUSES = {
    ("refused_machine_type_keyword", "refused"): "got multiple values for keyword argument 'machine_type'",
    ("refused_num_gpus_keyword", "refused"): "got multiple values for keyword argument 'num_gpus'",
    ("refused_regions_keyword", "refused"): "got multiple values for keyword argument 'regions'",
    ("refused_requirements_keyword", "refused"): "got multiple values for keyword argument 'requirements'",
    ("refused_exposed_port_keyword", "refused"): "got multiple values for keyword argument 'exposed_port'",
    ("refused_unknown_keyword", "typo"): "Unrecognised option 'keepalive'. Did you mean 'keep_alive'?",
}
"""Fixtures fal refuses, and the part of fal's error fleetform's error must quote."""


@dataclass(frozen=True)
class Difference:
    """A field fal sends as ``fal_value`` and fleetform resolves to ``fleetform_value(app)``, and why."""

    field: str
    fal_value: Any
    fleetform_value: Callable[[ResolvedApp], Any]
    reason: str


def _gpu_default(app: ResolvedApp) -> int | None:
    return 1 if any(name.startswith("GPU") for name in app.spec.machine_type) else None


DIFFERENCES: tuple[Difference, ...] = (
    Difference("auth", None, lambda app: "private",
               "fal sends no auth mode; its server deploys private (fal docs: fal deploy uses private auth mode)"),
    Difference("num_gpus", None, _gpu_default, "fal leaves num_gpus to its server, which gives a GPU machine one GPU"),
    Difference("regions", None, lambda app: list(PLATFORM.default_regions),
               "fal sends no region (any region); fleetform places the app in the platform's default regions"),
    Difference("max_concurrency", None, lambda app: PLATFORM.defaults.max_concurrency,
               "server default on fal; fleetform fills the platform's max_concurrency"),
    Difference("request_timeout", None, lambda app: PLATFORM.defaults.request_timeout,
               "server default on fal; fleetform fills the platform's request_timeout"),
    Difference("python_version", None, lambda app: PLATFORM.defaults.python_version,
               "fal fills the deploying machine's Python at prepare_options, after the loader; fleetform uses the "
               "platform's python_version"),
    Difference("min_concurrency", None, lambda app: 0, "server default (fal docs: 0)"),
    Difference("max_multiplexing", None, lambda app: 1, "server default (fal docs: 1)"),
    Difference("concurrency_buffer", None, lambda app: 0, "server default (fal docs: 0)"),
    Difference("concurrency_buffer_perc", None, lambda app: 0, "server default (fal docs: 0)"),
    Difference("scaling_delay", None, lambda app: 0, "server default (fal docs: 0)"),
    Difference("startup_timeout", None, lambda app: 600,
               "server default (fal's SDK assumes 600 s: DEFAULT_PLATFORM_STARTUP_TIMEOUT)"),
    Difference("termination_grace_period_seconds", None, lambda app: 5, "server default (fal docs: 5 s)"),
    Difference("private_logs", None, lambda app: False, "server default; fleetform keeps logs team-visible"),
    Difference("skip_retry_conditions", None, lambda app: [], "fal sends none; no retry condition is skipped"),
    Difference("health_check.start_period_seconds", None, lambda app: 30, "server default (fal SDK docs: 30 s)"),
    Difference("health_check.timeout_seconds", None, lambda app: 5, "server default (fal SDK docs: 5 s)"),
    Difference("health_check.failure_threshold", None, lambda app: 3, "server default (fal SDK docs: 3)"),
    Difference("health_check.call_regularly", None, lambda app: True, "server default (fal SDK docs: true)"),
    Difference("app_files_context_dir", None, lambda app: _relative(app, app.spec.app_files_context_dir),
               "fal uploads app_files relative to the app file's folder; fleetform writes that folder"),
    Difference("requirements_context_dir", None, lambda app: _relative(app, app.spec.requirements_context_dir),
               "fal resolves local requirements from the app file's folder; fleetform writes that folder"),
    Difference("kind", "virtualenv", lambda app: "container",
               "a TOML image on a ref class: fal's docs say container apps can use ref, but the 1.83 SDK keeps the "
               "class's kind (virtualenv) and sends the image next to it; fleetform builds the container"),
)
"""Every accepted difference, once. fal's serving dependencies (SERVE_REQUIREMENTS) are removed from fal's
requirements before comparing: fal appends them to every served app, and fleetform's image build adds
them (the image layer owns that list)."""

_DIFFERENCE = {row.field: row for row in DIFFERENCES}


def _fixture_apps() -> list[tuple[str, str]]:
    apps = []
    for project in sorted(path for path in PROJECTS.iterdir() if (path / "pyproject.toml").is_file()):
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        apps += [(project.name, key) for key in data["tool"]["fal"]["apps"]]
    return apps


APPS = _fixture_apps()


@pytest.fixture(scope="module")
def fal_results(tmp_path_factory) -> dict[tuple[str, str], dict[str, Any]]:
    """Every fixture app as the pinned fal loads it (one driver run, one forked process per app)."""
    if not FAL_PYTHON.is_file():
        message = "the pinned fal is missing (.venv-fal): run scripts/bootstrap"
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path_factory.mktemp("fal-home")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    arguments = [f"{PROJECTS / project}::{key}::{','.join(STUB_MODULES.get(project, ()))}" for project, key in APPS]
    completed = subprocess.run([str(FAL_PYTHON), str(DRIVER), *arguments], capture_output=True, text=True, env=env,
                               timeout=600, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(results) == len(APPS), completed.stderr[-3000:]
    for result in results:
        assert "driver_error" not in result, result["driver_error"]
    return {(Path(result["project"]).name, result["key"]): result for result in results}


def _fleetform(project: str, key: str) -> ResolvedApp | FleetformError:
    pyproject = read_pyproject(PROJECTS / project)
    try:
        return resolve_app(pyproject, key, pyproject.fal["apps"][key], PLATFORM)  # type: ignore[index]
    except FleetformError as error:
        return error


def _relative(app: ResolvedApp, path: Path | None) -> str | None:
    return None if path is None else str(path)


def _requirements(raw: Any, serve: list[str]) -> list[Any]:
    """fal's requirements without its serving dependencies, index options joined as ``--flag=value``."""
    raw = list(raw or [])
    if raw and all(isinstance(layer, list) for layer in raw):
        layers = raw[:-1] if raw[-1] == serve else raw
        return [_join_options(layer) for layer in layers]
    if raw[-len(serve):] == serve:
        raw = raw[:-len(serve)]
    return [_join_options(raw)] if raw else []


_INDEX_OPTIONS = {"--extra-index-url", "--index-url", "-i", "--find-links", "-f"}


def _join_options(tokens: list[str]) -> list[str]:
    joined: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in _INDEX_OPTIONS and index + 1 < len(tokens):
            long = {"-i": "--index-url", "-f": "--find-links"}.get(token, token)
            joined.append(f"{long}={tokens[index + 1]}")
            index += 2
            continue
        joined.append(token)
        index += 1
    return joined


def _fal_image(environment: dict[str, Any]) -> dict[str, Any] | None:
    image = environment.get("image")
    if not isinstance(image, dict):
        return None
    if "dockerfile_str" not in image:
        return {key: value for key, value in image.items() if key != "use_isolate"}
    out = {"dockerfile_str": image["dockerfile_str"], "context_dir": image["docker_context_dir"]}
    for key in ("build_args", "registries", "secrets"):
        if image.get(key):
            out[key] = image[key]
    for key in ("entrypoint", "cmd"):
        if key in image:
            out[key] = image[key]
    return out


def _fleetform_image(app: ResolvedApp) -> dict[str, Any] | None:
    image = app.spec.image
    if image is None:
        return None
    if image.image is not None:
        out: dict[str, Any] = {"image": image.image}
    else:
        dockerfile = image.dockerfile
        text = image.dockerfile_str if dockerfile is None else dockerfile.read_text()
        out = {"dockerfile_str": text, "context_dir": str(image.context_dir)}
        for key in ("build_args", "secrets"):
            if getattr(image, key):
                out[key] = dict(getattr(image, key))
    if image.registries:
        out["registries"] = {host: cred.model_dump() for host, cred in image.registries.items()}
    for key in ("entrypoint", "cmd"):
        value = getattr(image, key)
        if value is not None:
            out[key] = list(value) if isinstance(value, tuple) else value
    return out


_HOST_FIELDS = ("keep_alive", "min_concurrency", "max_concurrency", "max_multiplexing", "concurrency_buffer",
                "concurrency_buffer_perc", "scaling_delay", "request_timeout", "request_start_timeout",
                "startup_timeout", "termination_grace_period_seconds", "private_logs", "secrets", "data_mounts",
                "skip_retry_conditions", "retry_config", "num_gpus", "regions")
_HEALTH_FIELDS = ("path", "start_period_seconds", "timeout_seconds", "failure_threshold", "call_regularly", "method")


def fal_view(result: dict[str, Any]) -> dict[str, Any]:
    """Every field fal would send, by fleetform's field names."""
    loaded = result["loaded"]
    host, environment = loaded["host"], loaded["environment"]
    machine_types = loaded["machine_types"]
    view: dict[str, Any] = {
        "name": loaded["app_name"], "auth": loaded["auth"], "team": loaded["team"],
        "deployment_strategy": loaded["deployment_strategy"], "app_scale_settings": loaded["scale"],
        "python_entry_point": (loaded["entrypoint"] or "").removesuffix(".run_local") or None,
        "kind": environment.get("kind"),
        "requirements": _requirements(environment.get("requirements"), loaded["serve_requirements"]),
        "python_version": environment.get("python_version"),
        "image": _fal_image(environment),
        "machine_type": machine_types if isinstance(machine_types, list) else [machine_types],
        "exposed_port": loaded["exposed_port"], "metrics_port": loaded["metrics_port"],
        "app_files": host.get("app_files") or [], "app_files_ignore": host.get("app_files_ignore"),
        "app_files_context_dir": host.get("app_files_context_dir"),
        "requirements_context_dir": _absolute(host.get("requirements_context_dir"), loaded["app_file"]),
    }
    view["keep_alive"] = loaded["keep_alive"]
    for name in _HOST_FIELDS[1:]:
        view[name] = host.get(name)
    health = host.get("health_check_config")
    for name in _HEALTH_FIELDS:
        view[f"health_check.{name}"] = health.get(name) if health else None
    if not view["app_files"]:
        view["app_files_ignore"] = view["app_files_context_dir"] = None
    return view


def _absolute(path: str | None, app_file: str | None) -> str | None:
    """A class's relative requirements_context_dir, as fal resolves it: from the app file's folder."""
    if path is None or Path(path).is_absolute() or not app_file:
        return path
    return str((Path(app_file).parent / path).resolve())


def fleetform_view(app: ResolvedApp) -> dict[str, Any]:
    spec = app.spec
    view: dict[str, Any] = {
        "name": spec.name, "auth": spec.auth, "team": spec.team, "deployment_strategy": spec.deployment_strategy,
        "app_scale_settings": spec.app_scale_settings, "python_entry_point": spec.python_entry_point,
        "kind": "container" if spec.image is not None else "virtualenv",
        "requirements": [list(layer) for layer in spec.requirements.to_pip_args() if layer],
        "python_version": spec.python_version, "image": _fleetform_image(app),
        "machine_type": list(spec.machine_type), "exposed_port": spec.exposed_port, "metrics_port": spec.metrics_port,
        "app_files": list(spec.app_files),
        "app_files_ignore": list(spec.app_files_ignore) if spec.app_files else None,
        "app_files_context_dir": _relative(app, spec.app_files_context_dir) if spec.app_files else None,
        "requirements_context_dir": _relative(app, spec.requirements_context_dir),
    }
    for name in _HOST_FIELDS:
        value = getattr(spec, name)
        view[name] = list(value) if isinstance(value, tuple) else value
    if spec.retry_config is not None:
        view["retry_config"] = {key: policy.model_dump() for key, policy in spec.retry_config.items()}
    health = spec.health_check
    for name in _HEALTH_FIELDS:
        view[f"health_check.{name}"] = getattr(health, name) if health else None
    return view


def compare(fal: dict[str, Any], ours: dict[str, Any], app: ResolvedApp) -> tuple[list[str], list[str]]:
    """(mismatches, documented differences used) between fal's and fleetform's view of one app."""
    mismatches, documented = [], []
    for name, fal_value in fal.items():
        our_value = ours[name]
        if fal_value == our_value:
            continue
        row = _DIFFERENCE.get(name)
        if row is not None and fal_value == row.fal_value and our_value == row.fleetform_value(app):
            documented.append(name)
            continue
        mismatches.append(f"{name}: fal {fal_value!r} != fleetform {our_value!r}")
    return mismatches, documented


@pytest.mark.slow
@pytest.mark.parametrize(("project", "key"), APPS, ids=[f"{project}::{key}" for project, key in APPS])
def test_fleetform_reads_the_project_as_fal_does(fal_results, project, key):
    result, ours = fal_results[(project, key)], _fleetform(project, key)

    if not result["ok"]:
        assert isinstance(ours, FleetformError), f"fal refuses ({result['error']}) but fleetform accepts"
        quoted = FAL_REFUSES[(project, key)]
        assert quoted in result["error"], result["error"]
        assert any(quoted in problem.message for problem in ours.problems), ours.render()
        return
    assert (project, key) not in FAL_REFUSES, "fal accepts this fixture now: the pin changed the loader"
    assert not isinstance(ours, FleetformError), f"fal loads it, fleetform refuses:\n{ours.render()}"
    mismatches, _ = compare(fal_view(result), fleetform_view(ours), ours)
    assert not mismatches, "\n".join(mismatches)


def test_onboarding_number(fal_results, record_property):
    """How many fixture apps fal and fleetform read identically (apart from DIFFERENCES), out of all."""
    identical = 0
    for project, key in APPS:
        result, ours = fal_results[(project, key)], _fleetform(project, key)
        if not result["ok"]:
            identical += isinstance(ours, FleetformError)
        elif not isinstance(ours, FleetformError):
            identical += not compare(fal_view(result), fleetform_view(ours), ours)[0]
    record_property("onboarding", f"{identical}/{len(APPS)}")
    print(f"\nonboarding: {identical}/{len(APPS)} fixture apps read as fal reads them")
    assert len(APPS) >= 30 and identical == len(APPS)


def test_every_difference_row_is_needed(fal_results):
    """The table lists only differences some fixture shows, so it cannot hide a new one silently."""
    used: set[str] = set()
    for project, key in APPS:
        result, ours = fal_results[(project, key)], _fleetform(project, key)
        if result["ok"] and not isinstance(ours, FleetformError):
            used.update(compare(fal_view(result), fleetform_view(ours), ours)[1])
    assert used == set(_DIFFERENCE)
