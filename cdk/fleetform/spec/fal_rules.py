"""fal 1.83.0's rules from an app class (or ``@fal.function``) to the options ``fal deploy`` sends, applied statically.

This is fal's own logic, re-stated over the data :mod:`fleetform.spec.class_reader` reads, so that a project
means the same to fleetform as to fal (the differential test in ``tests/spec`` runs the real fal to keep
it so). The steps, with their place in fal 1.83.0:

1. ``App.__init_subclass__`` (``fal/app.py``), once per class from the root down: ``host_kwargs`` is the
   parent's plus the class keywords; then every key already in the parent's ``host_kwargs`` (so
   ``keep_alive`` always, and any key a parent passed as a keyword) is overwritten by a non-None class
   attribute of that name, and :data:`COPIED_ATTRIBUTES` are copied when set. Attributes are looked up
   through the MRO, so a base class's attribute counts, and an attribute beats a keyword.
2. ``wrap_app``: ``fal.function(kind, requirements=..., machine_type=..., num_gpus=..., regions=...,
   **host_kwargs, ..., exposed_port=8080, serve=False)``, so those names as class keywords raise
   ``TypeError: ... got multiple values for keyword argument``; ``Host.parse_options`` then splits the
   options into host, environment and gateway, refusing unknown ones.
3. ``load_function_from`` (``fal/utils.py``) merges pyproject.toml: a TOML host option wins only where the
   class value is still fal's default (:meth:`LoadedApp.toml_wins`); environment options never overwrite
   the class's (``requirements`` always exists, so TOML requirements are dropped); TOML ``app_files`` are
   a fallback; TOML ``exposed_port`` wins.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from fleetform.errors import Problem, did_you_mean
from fleetform.spec.app import DEFAULT_APP_FILES_IGNORE
from fleetform.spec.class_reader import FAL_APP, Endpoint, Entry, StaticClass, StaticFunction, Target
from fleetform.spec.routes import FUNCTION_ROUTE, DeclaredRoutes
from fleetform.spec.static_values import NotStatic, StaticImage

APP_HOST_KWARGS: dict[str, object] = {
    "_scheduler": "nomad", "_scheduler_options": {"storage_region": "us-east"}, "resolver": "uv", "keep_alive": 60,
}
"""``fal.App.host_kwargs``."""

APP_ATTRIBUTES: dict[str, object] = {
    "requirements": [], "requirements_context_dir": None, "local_python_modules": [], "machine_type": "S",
    "num_gpus": None, "regions": None, "app_name": None, "app_auth": None, "app_files": [],
    "app_files_ignore": list(DEFAULT_APP_FILES_IGNORE), "app_files_context_dir": None, "request_timeout": None,
    "request_start_timeout": None, "startup_timeout": None, "metrics_port": None, "min_concurrency": None,
    "max_concurrency": None, "concurrency_buffer": None, "concurrency_buffer_perc": None, "scaling_delay": None,
    "max_multiplexing": None, "kind": None, "image": None, "local_file_path": None, "skip_retry_conditions": None,
    "retry_config": None, "termination_grace_period_seconds": None, "secrets": None, "data_mounts": None,
}
"""``fal.App``'s class attributes and their defaults (``host_kwargs`` aside)."""

COPIED_ATTRIBUTES: tuple[str, ...] = (
    "request_timeout", "request_start_timeout", "startup_timeout", "metrics_port", "app_files", "app_files_ignore",
    "app_files_context_dir", "requirements_context_dir", "min_concurrency", "max_concurrency", "concurrency_buffer",
    "concurrency_buffer_perc", "scaling_delay", "max_multiplexing", "kind", "image", "skip_retry_conditions",
    "retry_config", "termination_grace_period_seconds", "secrets", "data_mounts",
)
"""Attributes ``App.__init_subclass__`` copies into ``host_kwargs`` by name, in its order (``app_files`` and
``app_files_ignore`` when non-empty, the others when not None)."""

_COPIED_WHEN_TRUTHY = frozenset({"app_files", "app_files_ignore"})

WRAP_APP_ARGUMENTS: tuple[str, ...] = ("requirements", "local_python_modules", "machine_type", "num_gpus", "regions")
"""Class attributes ``wrap_app`` passes to ``fal.function`` itself, next to ``**host_kwargs``."""

_CALL_KEYWORDS = frozenset({*WRAP_APP_ARGUMENTS, "metadata", "exposed_port", "serve", "host", "force_env_build"})
"""Every keyword ``wrap_app`` (and ``load_function_from``) passes by name: none may also be in ``host_kwargs``."""

HOST_KEYS = frozenset({
    "machine_type", "machine_types", "regions", "num_gpus", "keep_alive", "max_concurrency", "min_concurrency",
    "concurrency_buffer", "concurrency_buffer_perc", "scaling_delay", "max_multiplexing", "setup_function",
    "metadata", "request_timeout", "request_start_timeout", "startup_timeout", "metrics_port", "private_logs",
    "_base_image", "_scheduler", "_scheduler_options", "app_files", "app_files_ignore", "app_files_context_dir",
    "health_check_config", "skip_retry_conditions", "retry_config", "termination_grace_period_seconds", "secrets",
    "data_mounts", "requirements_context_dir",
})
"""``FalServerlessHost._SUPPORTED_KEYS``."""

GATEWAY_KEYS = frozenset({"serve", "exposed_port"})
ENVIRONMENT_KEYS: dict[str, frozenset[str]] = {
    "virtualenv": frozenset({"kind", "python_version", "requirements", "resolver", "compile_bytecode", "force"}),
    "container": frozenset({"kind", "image", "python_version", "requirements", "resolver", "force"}),
}
_CONDA_KEYS = frozenset({"python_version", "env_dict", "env_yml_str", "packages", "pip", "channels"})
_ALL_KEYS = HOST_KEYS | GATEWAY_KEYS | ENVIRONMENT_KEYS["virtualenv"] | ENVIRONMENT_KEYS["container"] | _CONDA_KEYS

FUNCTION_DEFAULTS: dict[str, object] = {"machine_type": "XS", "keep_alive": 10}
"""What ``FalServerlessHost.register`` sends for a ``@fal.function`` that does not set them (``fal/sdk.py``)."""

_ATTRIBUTE_ADVICE = {
    "python_version": "fal ignores python_version as a class attribute; pass it as a class keyword "
                      "(class MyApp(fal.App, python_version=\"3.11\")) or set it in pyproject.toml",
    "private_logs": "fal ignores private_logs as a class attribute (no parent class passed it as a keyword); "
                    "write class MyApp(fal.App, private_logs=True) or set it in pyproject.toml",
}

_MISSING = object()
Owner = StaticClass | str


@dataclass
class LoadedApp:
    """The options fal's loader derives from the code, before pyproject.toml is merged in.

    ``host``, ``environment`` and ``gateway`` hold fal's option names; each value is an :class:`Entry`
    (where it was written, or ``is_default`` for fal's own defaults).
    """

    host: dict[str, Entry] = field(default_factory=dict)
    environment: dict[str, Entry] = field(default_factory=dict)
    gateway: dict[str, Entry] = field(default_factory=dict)
    app_auth: Entry | None = None
    local_python_modules: Entry | None = None
    class_app_files: bool = False
    is_function: bool = False
    routes: DeclaredRoutes | None = None
    """The server's routes; None when a path is computed and cannot be read statically."""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _default_keys: frozenset[str] = frozenset()

    def toml_wins(self, key: str) -> bool:
        """fal's ``_merge_host_config``: a TOML host option is used where the code left fal's default."""
        return key not in self.host or key in self._default_keys


class _ClassRules:
    """Runs ``App.__init_subclass__`` over a class and its project bases, then ``wrap_app``."""

    def __init__(self, target: StaticClass):
        self.target = target
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.computed: dict[int, dict[str, Any]] = {}
        self._reported: set[tuple[str, str]] = set()

    # -- Python's view of the class --------------------------------------------------------------------------
    def mro(self, cls: Owner) -> list[Owner]:
        """C3 linearization, as Python computes ``__mro__`` (``fal.App`` stands for its own chain)."""
        if cls == FAL_APP or isinstance(cls, str):
            return [cls]
        sequences = [self.mro(base) for base in cls.bases] + [list(cls.bases)]
        result: list[Owner] = [cls]
        while any(sequences):
            sequences = [seq for seq in sequences if seq]
            for seq in sequences:
                head = seq[0]
                if not any(head in other[1:] for other in sequences):
                    break
            else:
                self._problem("spec/class-mro", cls.where, f"Python cannot order the bases of {cls.name} (MRO)")
                return result
            result.append(head)
            sequences = [other[1:] if other[0] is head else other for other in sequences]
        return result

    def lookup(self, cls: StaticClass, name: str) -> Any:
        """``getattr(cls, name)`` while ``cls`` is being created: an Entry, a computed value, or _MISSING."""
        for owner in self.mro(cls):
            if owner == FAL_APP:
                if name == "host_kwargs":
                    return {key: Entry(value, None, 0) for key, value in APP_HOST_KWARGS.items()}
                if name == "_explicit_host_kwargs":
                    return set()
                return Entry(APP_ATTRIBUTES[name], None, 0) if name in APP_ATTRIBUTES else _MISSING
            if isinstance(owner, str):
                continue
            if name in owner.own:
                return owner.own[name]
            if owner is not cls and name in self.computed.get(id(owner), {}):
                return self.computed[id(owner)][name]
            if name in owner.methods:
                return Entry("<method>", owner.file, owner.line)
        return _MISSING

    def value(self, entry: Any, purpose: str) -> Any:
        """The plain value of an Entry; a NotStatic value is reported (once) and read as None."""
        if entry is _MISSING:
            return None
        if isinstance(entry, Entry):
            if isinstance(entry.value, NotStatic):
                self._not_static(entry.value, purpose)
                return None
            return entry.value
        return entry

    def _not_static(self, value: NotStatic, purpose: str) -> None:
        self._problem("spec/class-non-literal", value.where,
                      f"{purpose} = {value.text} {value.reason}, so fleetform cannot read it without running your code",
                      fix=f"write the value as a literal in the class ({purpose} = ...), or as a module-level constant "
                          "bound once (NAME = ...) that the class uses; both work on fal too")

    def _problem(self, code: str, where: str, message: str, *, allowed: str | None = None, fix: str | None = None):
        if (where, message) not in self._reported:
            self._reported.add((where, message))
            self.problems.append(Problem(code, where, message, allowed, fix))

    # -- App.__init_subclass__ -----------------------------------------------------------------------------
    def create(self, cls: StaticClass) -> None:
        for owner in reversed(self.mro(cls)[1:]):
            if isinstance(owner, StaticClass) and id(owner) not in self.computed:
                self.create(owner)
        if id(cls) in self.computed:
            return
        if cls.star_keywords is not None:
            self._problem("spec/class-non-literal", cls.star_keywords.where,
                          "**kwargs in the class statement cannot be read without running your code",
                          fix="write each setting as a class keyword or a class attribute")
        keywords = {name: entry for name, entry in cls.keywords.items() if name != "name"}
        parent_settings = self._host_kwargs_of(self.lookup(cls, "host_kwargs"))
        parent_explicit = self.lookup(cls, "_explicit_host_kwargs")
        own_names = set(cls.own) | set(cls.methods)
        explicit = set(parent_explicit) | set(keywords) | {key for key in parent_settings if key in own_names}
        host = {**parent_settings, **keywords}
        for key in parent_settings:
            entry = self.lookup(cls, key)
            if self.value(entry, key) is not None:
                host[key] = entry
        for key in COPIED_ATTRIBUTES:
            entry = self.lookup(cls, key)
            current = self.value(entry, key)
            if (bool(current) if key in _COPIED_WHEN_TRUTHY else current is not None):
                host[key] = entry
                if key == "image":
                    host["kind"] = Entry("container", entry.file, entry.line)
        app_files = self.value(self.lookup(cls, "app_files"), "app_files")
        if self.value(self.lookup(cls, "app_files_context_dir"), "app_files_context_dir") is not None and not app_files:
            self._problem("spec/context-without-files", cls.where,
                          "app_files_context_dir is only supported when app_files is provided (fal: ValueError)",
                          fix="add app_files or remove app_files_context_dir")
        if self.value(self.lookup(cls, "image"), "image") is not None and app_files:
            self._problem("spec/app-files-with-image", cls.where,
                          "app_files is not supported for container apps (fal: ValueError)",
                          fix="COPY the files in the Dockerfile instead")
        host["health_check_config"] = self._health_check(cls)
        self.computed[id(cls)] = {"host_kwargs": host, "_explicit_host_kwargs": explicit}

    def _host_kwargs_of(self, entry: Any) -> dict[str, Entry]:
        if isinstance(entry, dict):
            return dict(entry)
        value = self.value(entry, "host_kwargs")
        if not isinstance(value, dict):
            if value is not None:
                self._problem("spec/class-bad-host-kwargs", entry.where, "host_kwargs must be a dict")
            return {}
        return {str(key): Entry(item, entry.file, entry.line) for key, item in value.items()}

    def _methods(self, cls: StaticClass) -> dict[str, Endpoint | None]:
        """Every method of ``cls`` through the MRO, as ``inspect.getmembers`` sees them (a subclass's wins)."""
        methods: dict[str, Endpoint | None] = {}
        for owner in reversed(self.mro(cls)):
            if isinstance(owner, StaticClass):
                methods.update(owner.methods)
        return methods

    def _routes(self, cls: StaticClass) -> DeclaredRoutes | None:
        """``App.collect_routes`` plus the built-in ``GET /health``; None when a path is not static."""
        endpoints = [endpoint for endpoint in self._methods(cls).values() if endpoint is not None]
        if any(not isinstance(endpoint.path, str) for endpoint in endpoints):
            return None
        return DeclaredRoutes(
            endpoints=tuple(sorted({str(e.path) for e in endpoints if not e.is_websocket})),
            websockets=tuple(sorted({str(e.path) for e in endpoints if e.is_websocket})),
            builtin_health=True, where=cls.where)

    def _health_check(self, cls: StaticClass) -> Entry:
        """``App.get_health_check_config``: the one endpoint with ``health_check=``, found through the MRO."""
        methods = self._methods(cls)
        checks = [endpoint for endpoint in methods.values()
                  if endpoint is not None and endpoint.health_check is not None]
        if not checks:
            return Entry(None, None, 0)
        for extra in checks[1:]:
            self._problem("spec/health-check-twice", extra.entry.where, "an app can only have one health check "
                          "endpoint (fal: \"Multiple health check endpoints found.\")",
                          fix=f"the other one is at {checks[0].entry.where}")
        endpoint = checks[0]
        if endpoint.is_websocket:
            self._problem("spec/health-check-websocket", endpoint.entry.where,
                          "health check endpoints cannot be websocket endpoints (fal: ValueError)")
        if isinstance(endpoint.health_check, NotStatic):
            self._not_static(endpoint.health_check, "health_check")
            return Entry(None, None, 0)
        path = endpoint.path
        if isinstance(path, NotStatic):
            self._not_static(path, "endpoint path")
            return Entry(None, None, 0)
        table = {"path": path, **dict(endpoint.health_check)}  # type: ignore[call-overload]
        table["method"] = table.get("method") or "POST"
        return Entry(table, endpoint.entry.file, endpoint.entry.line)

    # -- wrap_app and fal.function -------------------------------------------------------------------------
    def wrap(self) -> LoadedApp:
        cls = self.target
        self.create(cls)
        host_kwargs = dict(self.computed[id(cls)]["host_kwargs"])
        kind_entry = host_kwargs.pop("kind", Entry("virtualenv", None, 0))
        config: dict[str, Entry] = {name: self._attribute(cls, name) for name in WRAP_APP_ARGUMENTS}
        local_python_modules = config.pop("local_python_modules")
        for key, entry in host_kwargs.items():
            if key in _CALL_KEYWORDS:
                fix = ("set exposed_port in the pyproject.toml app table" if key == "exposed_port" else
                       f"write it as a class attribute in the class body: {key} = ..." if key in WRAP_APP_ARGUMENTS
                       else f"remove {key}")
                self._problem("spec/class-exposed-port" if key == "exposed_port" else "spec/class-keyword-refused",
                              entry.where,
                              f"fal refuses {key} as a class keyword: wrap_app passes {key} itself, so fal raises "
                              f"TypeError: function() got multiple values for keyword argument '{key}'", fix=fix)
                continue
            config[key] = entry
        loaded = LoadedApp(is_function=False)
        self._function(self.value(kind_entry, "kind"), kind_entry, config, loaded, serve=False)
        loaded.gateway["exposed_port"] = Entry(8080, None, 0)
        loaded.app_auth = self._attribute(cls, "app_auth")
        loaded.local_python_modules = local_python_modules
        loaded.class_app_files = bool(self.value(self._attribute(cls, "app_files"), "app_files"))
        loaded.routes = self._routes(cls)
        loaded._default_keys = frozenset(key for key in loaded.host if self._is_default(cls, key, loaded))
        self._attribute_warnings(cls)
        loaded.problems, loaded.warnings = self.problems, self.warnings
        return loaded

    def _attribute(self, cls: StaticClass, name: str) -> Entry:
        entry = self.lookup(cls, name)
        return entry if isinstance(entry, Entry) else Entry(None, None, 0)

    def _function(self, kind: Any, kind_entry: Entry, config: dict[str, Entry], loaded: LoadedApp, *,
                  serve: bool) -> None:
        """``fal.function(kind, **config)`` and ``Host.parse_options``: where each option lands, or why fal
        refuses it."""
        requirements = self.value(config.get("requirements"), "requirements") if "requirements" in config else None
        if requirements is not None and not _is_requirement_list(requirements):
            self._problem("spec/wrong-type", config["requirements"].where,
                          "requirements must be a list of strings or a list of lists of strings (fal: ValueError)")
        if "image" in config and self.value(config["image"], "image"):
            kind, kind_entry = "container", config["image"]
        if kind == "container" and "app_files" in config and self.value(config["app_files"], "app_files"):
            self._problem("spec/app-files-with-image", config["app_files"].where,
                          "app_files is not supported for container apps (fal: ValueError)",
                          fix="COPY the files in the Dockerfile instead")
        if kind not in ENVIRONMENT_KEYS:
            supported = "virtualenv, container" + ("" if kind == "conda" else ", conda")
            self._problem("spec/unsupported-kind" if kind == "conda" else "spec/not-allowed", kind_entry.where,
                          f"environment kind {kind!r} is not supported" +
                          (" by fleetform yet" if kind == "conda" else
                           f" (fal: \"Unrecognised environment kind {kind!r}\")"),
                          allowed=supported)
            return
        loaded.environment["kind"] = Entry(kind, kind_entry.file, kind_entry.line)
        environment_keys = ENVIRONMENT_KEYS[kind]
        for key, entry in config.items():
            if isinstance(entry.value, NotStatic):
                self._not_static(entry.value, key)
                continue
            if key in HOST_KEYS:
                loaded.host[key] = entry
            elif key in GATEWAY_KEYS:
                loaded.gateway[key] = entry
            elif key in environment_keys:
                loaded.environment[key] = entry
            elif key in _ALL_KEYS:
                self._problem("spec/class-unknown-keyword", entry.where,
                              f"fal refuses option {key!r} for environment kind {kind!r} (fal: \"Unsupported option\")",
                              allowed=", ".join(sorted(environment_keys)))
            else:
                close = difflib.get_close_matches(key, sorted(_ALL_KEYS), n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                self._problem("spec/class-unknown-keyword", entry.where,
                              f"unknown option {key!r}" + did_you_mean(key, sorted(_ALL_KEYS)) +
                              f" (fal refuses it: \"Unrecognised option {key!r}.{hint}\")",
                              allowed="fal's host options: " + ", ".join(sorted(k for k in HOST_KEYS if k[0] != "_")))
        if serve or not loaded.is_function:
            loaded.environment.setdefault("requirements", Entry([], None, 0))

    def _is_default(self, cls: StaticClass, key: str, loaded: LoadedApp) -> bool:
        """``fal.utils._is_app_default_host_option``."""
        computed = self.computed[id(cls)]
        if key in computed["_explicit_host_kwargs"] or key in cls.own or key in cls.methods:
            return False
        host_kwargs = computed["host_kwargs"]
        if key in host_kwargs:
            current = self.value(host_kwargs[key], key)
            if current is None:
                return True
            return key in APP_HOST_KWARGS and current == APP_HOST_KWARGS[key]
        if key in APP_ATTRIBUTES:
            return self.value(self.lookup(cls, key), key) == APP_ATTRIBUTES[key]
        return False

    def _attribute_warnings(self, cls: StaticClass) -> None:
        """Class attributes fal never reads: the ones with a fal meaning elsewhere, and near misses."""
        read = set(APP_ATTRIBUTES) | set(self.computed[id(cls)]["host_kwargs"]) | {"host_kwargs"}
        settings = sorted((set(APP_ATTRIBUTES) | {"keep_alive"}) - {"local_file_path", "kind"})
        for owner in self.mro(cls):
            if not isinstance(owner, StaticClass):
                continue
            parent_keys = set(self._host_kwargs_of(self.lookup(owner, "host_kwargs")))
            for name, entry in owner.own.items():
                if name in read or name in parent_keys or name.startswith("_"):
                    continue
                if name in _ATTRIBUTE_ADVICE:
                    self.warnings.append(f"{entry.where}: {_ATTRIBUTE_ADVICE[name]}")
                elif difflib.get_close_matches(name, settings, n=1, cutoff=0.8):
                    self.warnings.append(f"{entry.where}: fal ignores {name} (not a fal.App setting)"
                                         + did_you_mean(name, settings))


def load_class(target: StaticClass) -> LoadedApp:
    """What ``wrap_app`` makes of the class: fal's options, with where each was written."""
    return _ClassRules(target).wrap()


def load_function(target: StaticFunction) -> LoadedApp:
    """What ``@fal.function(kind, **options)`` makes of its options (no class rules apply)."""
    rules = _ClassRules.__new__(_ClassRules)
    rules.problems, rules.warnings, rules.computed, rules._reported = [], [], {}, set()
    loaded = LoadedApp(is_function=True,
                       routes=DeclaredRoutes((FUNCTION_ROUTE,), (), builtin_health=False, where=target.where))
    kind_entry = target.kind or Entry("virtualenv", None, 0)
    kind = rules.value(kind_entry, "kind")
    config = dict(target.options)
    if "force_env_build" in config:
        config["force"] = config.pop("force_env_build")
    loaded.local_python_modules = config.pop("local_python_modules", None)
    serve = rules.value(config.get("serve"), "serve") is True
    rules._function(kind, kind_entry, config, loaded, serve=serve)
    if not serve:
        rules._problem("spec/function-not-served", target.where,
                       f"@fal.function {target.name} does not set serve=True; fleetform runs apps that serve HTTP "
                       "and does not support plain fal functions yet", fix="add serve=True to the decorator")
    loaded._default_keys = frozenset(key for key in FUNCTION_DEFAULTS if key not in loaded.host)
    for key, value in FUNCTION_DEFAULTS.items():
        loaded.host.setdefault(key, Entry(value, None, 0))
    loaded.problems, loaded.warnings = rules.problems, rules.warnings
    return loaded


def load_target(target: Target) -> LoadedApp:
    return load_class(target) if isinstance(target, StaticClass) else load_function(target)


def image_table(entry: Entry) -> dict[str, object] | None:
    """An image option as fleetform's image table (``dockerfile`` paths stay relative to the project root)."""
    value = entry.value
    if isinstance(value, StaticImage):
        return dict(value.table)
    return value if isinstance(value, dict) else None


def _is_requirement_list(value: Any) -> bool:
    return isinstance(value, list) and (all(isinstance(item, str) for item in value) or all(
        isinstance(item, list) and all(isinstance(entry, str) for entry in item) for item in value))
