"""From ``[tool.fal.apps]`` (and the classes its ``ref``s point at) to validated ``AppSpec``s.

Precedence is fal's: for a ``ref`` to a ``fal.App`` class, class values win over TOML and TOML over
defaults; ``python_entry_point`` and image-only apps take settings from TOML only. Fields fal leaves to its
server are filled from the platform settings. Every value remembers where it came from (``class``,
``toml``, ``default`` or ``platform``) and where it was written, so errors and ``fleetform validate`` can
point at it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from fleetform.catalog.machines import parse_machine_name
from fleetform.errors import (
    FleetformError,
    Problem,
    ProblemCollector,
    did_you_mean,
    display_path,
    format_choices,
    where_toml,
)
from fleetform.spec.app import DEFAULT_METRICS_PORT, AppSpec
from fleetform.spec.class_reader import StaticFunction, Target, read_entry_point_class, read_target
from fleetform.spec.control_characters import control_character_problems
from fleetform.spec.fal_rules import APP_HOST_KWARGS, FUNCTION_DEFAULTS, LoadedApp, image_table, load_target
from fleetform.spec.health_check import HealthCheckSpec
from fleetform.spec.image import ContainerImageSpec
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.problems import problems_from_validation_error, toml_type_name, unknown_key_problems
from fleetform.spec.pyproject import Pyproject
from fleetform.spec.requirements import LocalRequirement, parse_requirement_layers
from fleetform.spec.routes import DeclaredRoutes
from fleetform.spec.static_values import NotStatic, Project

Source = Literal["class", "toml", "default", "platform"]

CLASS_ONLY_FIELDS = frozenset({"local_python_modules"})
TOML_KEYS = frozenset(AppSpec.model_fields) - CLASS_ONLY_FIELDS | {"no_scale"}
UNSUPPORTED_TOML_KEYS = {
    "_scheduler": "fal's internal scheduler selection has no meaning on fleetform's instance groups",
    "_scheduler_options": "fal's internal scheduler options have no meaning on fleetform's instance groups",
}
PLATFORM_FILLED = ("max_concurrency", "request_timeout", "python_version", "regions")
UNSUPPORTED_CLASS_OPTIONS = {
    **UNSUPPORTED_TOML_KEYS, "_base_image": "fal's internal base image selection",
    "setup_function": "fal functions only", "machine_types": "write machine_type as a list instead",
}

FAL_OPTION_OF_FIELD: dict[str, tuple[str, str]] = {
    **{name: ("host", name) for name in (
        "machine_type", "num_gpus", "regions", "keep_alive", "min_concurrency", "max_concurrency", "max_multiplexing",
        "concurrency_buffer", "concurrency_buffer_perc", "scaling_delay", "request_timeout", "request_start_timeout",
        "startup_timeout", "metrics_port", "private_logs", "app_files", "app_files_ignore", "app_files_context_dir",
        "skip_retry_conditions", "retry_config", "termination_grace_period_seconds", "secrets", "data_mounts",
        "requirements_context_dir")},
    "health_check": ("host", "health_check_config"),
    "requirements": ("environment", "requirements"), "python_version": ("environment", "python_version"),
    "image": ("environment", "image"), "exposed_port": ("gateway", "exposed_port"),
}
"""Each AppSpec field fal reads from the code, as (options section, fal's option name)."""


@dataclass(frozen=True)
class ResolvedApp:
    """One app's spec plus where each value came from."""

    key: str
    spec: AppSpec
    sources: Mapping[str, Source]
    pyproject: Path
    class_location: str | None = None
    target_name: str | None = None
    """The ``fal.App`` class or ``@fal.function`` that ``ref`` names (also when ``ref`` has no ``::Name``)."""
    target_file: Path | None = None
    """The file defining it: the ref's file, or the project module the ref's file imports it from."""
    warnings: tuple[str, ...] = field(default=())
    routes: DeclaredRoutes | None = None
    """The routes the app's server answers, read from its class or function; None when they are not known
    (an image's own server, a ``python_entry_point``, or a computed endpoint path)."""

    @property
    def where(self) -> str:
        """``path/pyproject.toml: tool.fal.apps.<key>``."""
        return where_toml(self.pyproject, "tool", "fal", "apps", self.key)


def load_apps(project: Pyproject, platform: PlatformSettings | None = None) -> list[ResolvedApp]:
    """Every app in ``[tool.fal.apps]``, resolved; all problems of all apps are raised together."""
    apps, problems = resolve_apps(project, platform)
    if problems:
        raise FleetformError(problems)
    return apps


def resolve_apps(project: Pyproject,
                 platform: PlatformSettings | None = None) -> tuple[list[ResolvedApp], list[Problem]]:
    """The apps that resolve, and the problems of those that do not (so a report can show both)."""
    platform = platform or PlatformSettings()
    fal = project.fal
    apps_where = where_toml(project.path, "tool", "fal", "apps")
    if fal is None or "apps" not in fal:
        return [], [Problem("spec/no-apps", apps_where, "no [tool.fal.apps] table in this pyproject.toml",
                            fix='add one, e.g. [tool.fal.apps.my-app] with ref = "app.py::MyApp"')]
    apps = fal["apps"]
    if not isinstance(apps, dict):
        return [], [Problem("spec/wrong-type", apps_where,
                            f"tool.fal.apps must be a table, got {toml_type_name(apps)}")]
    problems: list[Problem] = []
    resolved: list[ResolvedApp] = []
    for key, table in apps.items():
        try:
            resolved.append(resolve_app(project, key, table, platform))
        except FleetformError as error:
            problems.extend(error.problems)
    return resolved, problems


def resolve_app(project: Pyproject, key: str, table: Any, platform: PlatformSettings) -> ResolvedApp:
    """Resolve one ``[tool.fal.apps.<key>]`` table."""
    app_where = where_toml(project.path, "tool", "fal", "apps", key)
    if not isinstance(table, dict):
        raise FleetformError.single("spec/wrong-type", app_where,
                                    f"app {key!r} must be a table, got {toml_type_name(table)}",
                                    fix=f'write [tool.fal.apps.{key}] with ref = "app.py::MyApp"')
    unsafe = control_character_problems(table, lambda *loc: where_toml(project.path, "tool", "fal", "apps", key, *loc))
    if unsafe:
        raise FleetformError(unsafe)
    builder = _AppBuilder(project, key, table, platform)
    return builder.build()


class _AppBuilder:
    """Collects values by precedence, then validates them all at once."""

    def __init__(self, project: Pyproject, key: str, table: dict[str, Any], platform: PlatformSettings):
        self.project, self.key, self.table, self.platform = project, key, table, platform
        self.values: dict[str, Any] = {}
        self.sources: dict[str, Source] = {}
        self.wheres: dict[str, tuple[str, bool]] = {}  # field -> (location, is_toml)
        self.warnings: list[str] = []
        self.problems = ProblemCollector()
        self.python = Project(project.folder)
        self.target: Target | None = None
        self.loaded: LoadedApp | None = None

    def toml_where(self, *loc: str | int) -> str:
        return where_toml(self.project.path, "tool", "fal", "apps", self.key, *loc)

    def where_for(self, loc: tuple[str | int, ...]) -> str:
        if not loc:
            return self.toml_where()
        where, is_toml = self.wheres.get(str(loc[0]), (self.toml_where(), False))
        return self.toml_where(*loc) if is_toml else where

    def build(self) -> ResolvedApp:
        self._check_keys()
        self.problems.raise_if_any()
        self._read_class()
        self._merge()
        self._prepare_requirements()
        self._prepare_image()
        self._prepare_paths()
        self._fill_defaults()
        self.problems.raise_if_any()
        spec = self._validate()
        self._check_machine_types(spec)
        self._check_gpus(spec)
        self._check_entry_point(spec)
        self.problems.raise_if_any()
        return ResolvedApp(
            key=self.key, spec=spec, sources=dict(sorted(self.sources.items())), pyproject=self.project.path,
            class_location=self.target.where if self.target else None,
            target_name=self.target.name if self.target else None,
            target_file=self.target.file if self.target else None,
            warnings=tuple(self.warnings),
            routes=self.loaded.routes if self.loaded else None,
        )

    # -- reading -------------------------------------------------------------------------------------------
    def _check_keys(self) -> None:
        for key in self.table:
            if key in UNSUPPORTED_TOML_KEYS:
                self.problems.add("spec/unsupported-key", self.toml_where(key),
                                  f"{key} is not supported by fleetform yet: {UNSUPPORTED_TOML_KEYS[key]}",
                                  fix=f"remove {key}")
            elif key not in TOML_KEYS:
                hint = " (keys inside an app table are not normalised: use '_')" if "-" in key else ""
                self.problems.add("spec/unknown-key", self.toml_where(key),
                                  f"unknown key {key!r}" + did_you_mean(key.replace("-", "_"), TOML_KEYS) + hint,
                                  allowed=format_choices(TOML_KEYS))
        for name, model in (("health_check", HealthCheckSpec), ("image", ContainerImageSpec)):
            if isinstance(self.table.get(name), dict):
                self._check_nested_keys(name, model)

    def _check_nested_keys(self, name: str, model: type[HealthCheckSpec] | type[ContainerImageSpec]) -> None:
        data = dict(self.table[name])
        if name == "image":
            data.pop("dockerfile_str", None)
            if "dockerfile_str" in self.table[name] or "context_dir" in self.table[name]:
                self.problems.add("spec/unknown-key", self.toml_where(name, "dockerfile_str"),
                                  "dockerfile_str and context_dir are not image keys in pyproject.toml",
                                  allowed="dockerfile, image, build_args, registries, secrets, entrypoint, cmd")
            data.pop("context_dir", None)
        for problem in unknown_key_problems(data, model, lambda loc: self.toml_where(name, *loc)):
            self.problems.problems.append(problem)

    def _read_class(self) -> None:
        ref = self.table.get("ref")
        if not isinstance(ref, str) or "python_entry_point" in self.table:
            return
        path, _, name = ref.partition("::")
        file = (self.project.folder / path).resolve()
        try:
            target = read_target(self.python, file, name or None, where=self.toml_where("ref"))
        except FleetformError as error:
            self.problems.extend(error)
            return
        self.target, self.loaded = target, load_target(target)
        for problem in self.loaded.problems:
            self.problems.problems.append(problem)
        self.warnings.extend(self.loaded.warnings)

    def _merge(self) -> None:
        """fal's ``load_function_from``: TOML fills what the code left at fal's default (see fal_rules)."""
        toml = dict(self.table)
        if "no_scale" in toml:
            self._map_no_scale(toml)
        loaded = self.loaded
        if loaded is None:
            for name, value in toml.items():
                self._set(name, value, "toml", self.toml_where(name), True)
            return
        toml_files = "app_files" in toml and not loaded.class_app_files
        for name, value in toml.items():
            if self._toml_applies(name, loaded, toml_files):
                self._set(name, value, "toml", self.toml_where(name), True)
        for name, (section, key) in FAL_OPTION_OF_FIELD.items():
            entry = getattr(loaded, section).get(key)
            if name in self.sources or entry is None or entry.value is None:
                continue
            if name in ("app_files_ignore", "app_files_context_dir") and toml_files and name in toml:
                continue
            value = image_table(entry) if name == "image" else entry.value
            self._set(name, value, "default" if entry.is_default else "class", entry.where, False)
        modules = loaded.local_python_modules
        if modules is not None and modules.value and not isinstance(modules.value, NotStatic):
            self._set("local_python_modules", modules.value, "class", modules.where, False)
        if "auth" not in self.sources and loaded.app_auth is not None and loaded.app_auth.value is not None:
            self._set("auth", loaded.app_auth.value, "class", loaded.app_auth.where, False)
        self._check_class_kind(loaded)
        if "requirements" in toml and "requirements_context_dir" not in self.sources:
            self._set("requirements_context_dir", self.project.folder, "default", self.toml_where("requirements"), True)
        if isinstance(self.target, StaticFunction):
            for name, value in FUNCTION_DEFAULTS.items():
                if self.sources.get(name) == "default":
                    self.values[name] = value

    def _toml_applies(self, name: str, loaded: LoadedApp, toml_files: bool) -> bool:
        """Whether fal uses this TOML key for a ref app; a warning says so when it does not."""
        if name in ("app_files_ignore", "app_files_context_dir") and toml_files:
            return True
        if name not in FAL_OPTION_OF_FIELD:
            return True
        section, key = FAL_OPTION_OF_FIELD[name]
        where = self.toml_where(name)
        code = "the decorator" if loaded.is_function else "the class"
        if section == "host":
            if name == "app_files" and toml_files:
                return True
            if loaded.toml_wins(key):
                return True
            self.warnings.append(f"{where}: ignored, {code} sets {name} at {loaded.host[key].where} (fal keeps the "
                                 "value from the code)")
            return False
        if section == "gateway":
            return not loaded.is_function or key not in loaded.gateway
        if key not in loaded.environment:
            return True
        if name == "requirements":
            self.warnings.append(
                f"{where}: not installed: fal 1.83 ignores TOML requirements for a ref app, so fleetform does too; "
                + ("pass them to the decorator: @fal.function(..., requirements=[...])" if loaded.is_function else
                   "write them in the class body: requirements = [...] (a module constant works too)"))
        else:
            self.warnings.append(f"{where}: ignored, {code} sets {name} at {loaded.environment[key].where}")
        return False

    def _check_class_kind(self, loaded: LoadedApp) -> None:
        kind = loaded.environment.get("kind")
        if kind is not None and kind.value == "container" and "image" not in self.values:
            self.problems.add("spec/container-without-image", kind.where,
                              "kind = \"container\" but the app has no image",
                              fix="pass image=ContainerImage.from_dockerfile_str(...), or set "
                                  "[tool.fal.apps.<app>.image]")
        for key in UNSUPPORTED_CLASS_OPTIONS:
            entry = loaded.host.get(key)
            if entry is not None and entry.value is not None and entry.value != APP_HOST_KWARGS.get(key):
                self.problems.add("spec/unsupported-key", entry.where,
                                  f"{key} is not supported by fleetform yet: {UNSUPPORTED_CLASS_OPTIONS[key]}",
                                  fix=f"remove {key}")

    def _map_no_scale(self, toml: dict[str, Any]) -> None:
        no_scale = toml.pop("no_scale")
        where = self.toml_where("no_scale")
        if not isinstance(no_scale, bool):
            self.problems.add("spec/wrong-type", where,
                              f"no_scale must be a boolean, got {toml_type_name(no_scale)} {no_scale!r}")
            return
        if "app_scale_settings" in toml and toml["app_scale_settings"] == no_scale:
            self.problems.add("spec/conflict", where,
                              f"no_scale = {str(no_scale).lower()} contradicts app_scale_settings = "
                              f"{str(toml['app_scale_settings']).lower()}", fix="remove the deprecated no_scale")
            return
        self.warnings.append(f"{where}: no_scale is deprecated; use app_scale_settings = {str(not no_scale).lower()}")
        toml.setdefault("app_scale_settings", not no_scale)
        self.wheres["app_scale_settings"] = (where, True)

    def _set(self, name: str, value: Any, source: Source, where: str, is_toml: bool) -> None:
        self.values[name] = value
        self.sources[name] = source
        self.wheres[name] = (where, is_toml)

    # -- shaping values for the model ------------------------------------------------------------------------
    def _base_dir(self, name: str) -> Path:
        """Relative paths resolve from the pyproject folder (TOML) or the app file's folder (class).

        A class image is the exception: fal opens ``ContainerImage.from_dockerfile(path)`` and takes the
        build context from the working directory of ``fal deploy``, which is the project root.
        """
        if name != "image" and self.sources.get(name) in ("class", "default") and self.target is not None:
            return self.target.file.parent
        return self.project.folder

    def _prepare_requirements(self) -> None:
        if "requirements" not in self.values:
            return
        raw = self.values["requirements"]
        if not isinstance(raw, list) or not (
                all(isinstance(e, str) for e in raw)
                or all(isinstance(e, list) and all(isinstance(s, str) for s in e) for e in raw)):
            self.problems.add("spec/wrong-type", self.where_for(("requirements",)),
                              "requirements must be a list of strings or a list of lists of strings, "
                              f"got {raw!r}"[:200])
            del self.values["requirements"]
            return
        layered = raw and isinstance(raw[0], list)
        layers = [layer for layer in (raw if layered else [raw]) if layer]  # an empty layer installs nothing
        context_dir = self._context_dir()
        requirements, errors = parse_requirement_layers(layers, context_dir)
        for layer, index, error in errors:
            loc = ("requirements", layer, index) if layered else ("requirements", index)
            self.problems.add("spec/bad-requirement", self.where_for(loc), str(error), fix=error.fix)
        for entry in requirements.entries:
            if isinstance(entry, LocalRequirement) and not _is_python_project(entry.path):
                self.problems.add("spec/local-requirement-missing", self.where_for(("requirements",)),
                                  f"local requirement {entry.text!r} points at {display_path(entry.path)}, "
                                  "which holds no pyproject.toml or setup.py",
                                  fix="fix the path or requirements_context_dir")
        self.values["requirements"] = requirements

    def _context_dir(self) -> Path:
        raw = self.values.get("requirements_context_dir")
        base = self._base_dir("requirements")
        if isinstance(raw, Path):
            return raw
        if isinstance(raw, str):
            return (self._base_dir("requirements_context_dir") / raw).resolve()
        return base

    def _prepare_image(self) -> None:
        image = self.values.get("image")
        if not isinstance(image, dict):
            return
        base = self._base_dir("image")
        image = dict(image)
        if isinstance(image.get("dockerfile"), str):
            dockerfile = (base / image["dockerfile"]).resolve()
            if not dockerfile.is_file():
                self.problems.add("spec/dockerfile-missing", self.where_for(("image", "dockerfile")),
                                  f"Dockerfile {image['dockerfile']!r} does not exist ({display_path(dockerfile)})",
                                  fix="the path is relative to the folder of pyproject.toml")
            image["dockerfile"] = dockerfile
        context = image.get("context_dir")
        image["context_dir"] = (base / context).resolve() if isinstance(context, str) else base
        for key in ("entrypoint", "cmd"):
            if isinstance(image.get(key), list):
                image[key] = tuple(image[key])
        self.values["image"] = image

    def _prepare_paths(self) -> None:
        for name in ("requirements_context_dir", "app_files_context_dir"):
            if isinstance(self.values.get(name), str):
                self.values[name] = (self._base_dir(name) / self.values[name]).resolve()
        if isinstance(self.values.get("machine_type"), str):
            self.values["machine_type"] = [self.values["machine_type"]]
        for name, value in list(self.values.items()):
            if isinstance(value, list):
                self.values[name] = tuple(value)
        files = self.values.get("app_files")
        if isinstance(files, tuple) and all(isinstance(f, str) for f in files):
            context = self.values.get("app_files_context_dir") or self._base_dir("app_files")
            if isinstance(context, Path):
                for index, name in enumerate(files):
                    if not (context / name).exists():
                        self.problems.add("spec/app-file-missing", self.where_for(("app_files", index)),
                                          f"app file {name!r} does not exist under {display_path(context)}/")

    def _fill_defaults(self) -> None:
        self.values.setdefault("name", self.key)
        self.sources.setdefault("name", "default")
        requirements = self.values.get("requirements")
        if getattr(requirements, "entries", None) and "requirements_context_dir" not in self.values:
            self.values["requirements_context_dir"] = self._context_dir()
            self.sources["requirements_context_dir"] = "default"
        if self.values.get("app_files") and "app_files_context_dir" not in self.values:
            self.values["app_files_context_dir"] = self._base_dir("app_files")
            self.sources["app_files_context_dir"] = "default"
        image_only = "image" in self.values and "ref" not in self.values and "python_entry_point" not in self.values
        if "metrics_port" not in self.values and not image_only:
            self.values["metrics_port"] = DEFAULT_METRICS_PORT
            self.sources["metrics_port"] = "default"
        machine_types = self.values.get("machine_type", ("S",))
        if "num_gpus" not in self.values and _all_strings(machine_types) and has_gpu(machine_types):
            self.values["num_gpus"] = 1
            self.sources["num_gpus"] = "default"
        health = self.values.get("health_check")
        if image_only and isinstance(health, dict) and "method" not in health:
            self.values["health_check"] = {**health, "method": "GET"}
        defaults = self.platform.defaults
        platform_values = {
            "max_concurrency": defaults.max_concurrency, "request_timeout": defaults.request_timeout,
            "python_version": defaults.python_version, "regions": self.platform.default_regions,
        }
        for name in PLATFORM_FILLED:
            if name not in self.values:
                self.values[name] = platform_values[name]
                self.sources[name] = "platform"

    def _validate(self) -> AppSpec:
        try:
            spec = AppSpec.model_validate(self.values)
        except ValidationError as error:
            self.problems.problems += problems_from_validation_error(error, self.where_for)
            self.problems.problems += self._rules_of_the_valid_fields(error)
            self.problems.raise_if_any()
            raise
        for name in AppSpec.model_fields:
            self.sources.setdefault(name, "default")
        return spec

    def _rules_of_the_valid_fields(self, error: ValidationError) -> list[Problem]:
        """Cross-field rules run only on a valid model: check them again without the fields that failed,
        so one wrong value does not hide another app rule broken elsewhere (all problems at once)."""
        failed = {str(detail["loc"][0]) for detail in error.errors() if detail["loc"]}
        rest = {name: value for name, value in self.values.items() if name not in failed}
        if not failed or len(rest) == len(self.values):
            return []
        try:
            AppSpec.model_validate(rest)
        except ValidationError as second:
            return [problem for problem in problems_from_validation_error(second, self.where_for)
                    if problem not in self.problems.problems and not _mentions(problem, failed)]
        return []

    # -- checks that need the catalog or the file system ----------------------------------------------------
    def _check_machine_types(self, spec: AppSpec) -> None:
        """Every name must be a fal machine type or a known ``aws:``/``gcp:`` instance type; no CPU/GPU mix."""
        listed = isinstance(self.table.get("machine_type"), list) and self.sources.get("machine_type") == "toml"
        kinds: set[bool] = set()
        for index, name in enumerate(spec.machine_type):
            where = self.where_for(("machine_type", index) if listed else ("machine_type",))
            try:
                parsed = parse_machine_name(name, where=where)
            except FleetformError as error:
                self.problems.extend(error)
                continue
            kinds.add(parsed.is_gpu)
            if parsed.deprecation:
                self.warnings.append(f"{where}: {parsed.deprecation}")
        if len(kinds) == 2:
            self.problems.add("spec/mixed-machine-kinds", self.where_for(("machine_type",)),
                              f"machine_type {list(spec.machine_type)} mixes CPU and GPU machine types",
                              fix="a fallback list holds machine types of one kind (all GPU or all CPU)")

    def _check_gpus(self, spec: AppSpec) -> None:
        if spec.num_gpus is not None and not has_gpu(spec.machine_type):
            self.problems.add("spec/gpus-on-cpu-machine", self.where_for(("num_gpus",)),
                              f"num_gpus = {spec.num_gpus} but machine_type {list(spec.machine_type)} has no GPU",
                              fix="remove num_gpus or choose a GPU-* machine type")

    def _check_entry_point(self, spec: AppSpec) -> None:
        """A ``python_entry_point`` outside a container must name a class the project really has."""
        if spec.python_entry_point is None or spec.image is not None:
            return
        module, _, symbol = spec.python_entry_point.partition(":")
        base = spec.requirements_context_dir or self.project.folder
        relative = Path(*module.split("."))
        candidates = [root / relative.with_suffix(".py") for root in (base, base / "src")]
        candidates += [root / relative / "__init__.py" for root in (base, base / "src")]
        file = next((candidate for candidate in candidates if candidate.is_file()), None)
        where = self.where_for(("python_entry_point",))
        if file is None:
            self.problems.add("spec/entry-point-module-missing", where,
                              f"module {module!r} not found; looked for "
                              + ", ".join(str(c.relative_to(base)) for c in candidates),
                              fix="fix python_entry_point or requirements_context_dir (the project holding the module)")
            return
        try:
            read_entry_point_class(self.python, file, symbol.split(".")[0], where=where)
        except FleetformError as error:
            self.problems.extend(error)


def has_gpu(machine_types: tuple[str, ...]) -> bool:
    """True when the first resolvable machine type has GPUs (unknown names are reported elsewhere)."""
    for name in machine_types:
        try:
            return parse_machine_name(name).is_gpu
        except FleetformError:
            continue
    return False


def _all_strings(values: Any) -> bool:
    return isinstance(values, tuple) and all(isinstance(value, str) for value in values)


def _is_python_project(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() or (path / "setup.py").is_file()


def _mentions(problem: Problem, fields: set[str]) -> bool:
    """Whether a rule's problem is about one of ``fields`` (left out of a re-check, so not to be trusted)."""
    text = f"{problem.where} {problem.message} {problem.fix or ''}"
    return any(re.search(rf"\b{re.escape(name)}\b", text) for name in fields)
