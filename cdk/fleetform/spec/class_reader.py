"""Find the ``ref`` target in an app file and read it statically, with ``ast``: user code is never imported.

A ``ref`` names a ``fal.App`` subclass or a ``@fal.function``-decorated function (``app.py::MyApp``), or,
without ``::``, the file's only app, found the way fal's ``_find_target`` finds it. This module turns the
class (its keywords, its body's assignments, its ``@fal.endpoint`` health check, and its base classes
from the same file or another module of the project) or the function's decorator options into plain
data; :mod:`fleetform.spec.fal_rules` then applies fal's rules to it. Values are read with
:mod:`fleetform.spec.static_values`; a value that is not static stays a ``NotStatic`` until fal's rules
say it is used.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from fleetform.errors import FleetformError, did_you_mean, where_python
from fleetform.spec.static_values import Evaluator, Module, NotStatic, Project, dotted

FAL_APP = "fal.App"
"""The root of every app class; its settings are fal's defaults (see :mod:`fleetform.spec.fal_rules`)."""

_FAL_MODULES = ("fal", "fal.app")
_HEALTH_CHECK_KEYWORDS = frozenset({"start_period_seconds", "timeout_seconds", "failure_threshold", "call_regularly",
                                    "method"})


@dataclass(frozen=True)
class Entry:
    """A value written in the code (or a :class:`NotStatic` one), with the file and line it was written on."""

    value: object
    file: Path | None
    line: int

    @property
    def where(self) -> str:
        return where_python(self.file, self.line) if self.file is not None else "fal's default"

    @property
    def is_default(self) -> bool:
        """True for fal's own defaults (``fal.App``'s class attributes), which no file wrote."""
        return self.file is None


@dataclass(frozen=True)
class Endpoint:
    """A method's ``@fal.endpoint``/``@fal.realtime``; ``health_check`` is the ``fal.HealthCheck(...)`` table."""

    path: object
    health_check: object  # dict | NotStatic | None
    is_websocket: bool
    entry: Entry


@dataclass
class StaticClass:
    """A class as fal sees it when Python creates it: bases, class keywords, and its own namespace."""

    name: str
    file: Path
    line: int
    bases: list[StaticClass | str]
    keywords: dict[str, Entry] = field(default_factory=dict)
    own: dict[str, Entry] = field(default_factory=dict)
    methods: dict[str, Endpoint | None] = field(default_factory=dict)
    star_keywords: Entry | None = None

    @property
    def where(self) -> str:
        return where_python(self.file, self.line)


@dataclass(frozen=True)
class StaticFunction:
    """A ``@fal.function(kind, **options)``-decorated function: the decorator's options are the app's settings."""

    name: str
    file: Path
    line: int
    kind: Entry | None
    options: dict[str, Entry]

    @property
    def where(self) -> str:
        return where_python(self.file, self.line)


Target = StaticClass | StaticFunction


def read_target(project: Project, file: Path, name: str | None, *, where: str) -> Target:
    """The class or function ``name`` of ``file`` (the file's only app when None), read statically.

    ``where`` locates the reference (the TOML ``ref`` key) for errors about the file or the name itself.
    """
    module = project.module(file, where)
    evaluator = Evaluator(project, module)
    if name is not None:
        found = evaluator.resolve_name(name)
        if found is None:
            names = sorted({*module.classes, *module.functions, *module.imports})
            raise FleetformError.single(
                "spec/ref-class-missing", where, f"{name!r} is not defined in {file.name}" + did_you_mean(name, names),
                allowed=", ".join(names) or "(nothing defined in the file)",
                fix="point ref at a fal.App class or a @fal.function (the part after ::)",
            )
        target = _read_named(*found, where=where)
        if target is None:
            raise FleetformError.single(
                "spec/ref-not-an-app", where, f"{name!r} in {file.name} is not a fal.App or a fal.function "
                "(fal: \"Function '" + name + "' is not a fal.App or a fal.function\")",
                fix="point ref at a class that subclasses fal.App, or a function decorated with @fal.function(...)",
            )
        return target
    apps = [cls for cls in (_read_named(evaluator, n, where=where) for n in _namespace(module)) if cls is not None]
    classes = [app for app in apps if isinstance(app, StaticClass)]
    candidates: list[Target] = list(classes) or [app for app in apps if isinstance(app, StaticFunction)]
    if len(candidates) != 1:
        kind = "fal.App classes" if classes or not apps else "fal.functions"
        raise FleetformError.single(
            "spec/ref-class-ambiguous", where,
            f"{file.name} defines {len(candidates)} {kind}, so the ref must name one" if candidates else
            f"{file.name} defines no fal.App or fal.function "
            "(fal: \"No fal.App or fal.function found in the module.\")",
            allowed=", ".join(sorted(app.name for app in candidates)) or None,
            fix=f'write ref = "{file.name}::Name"',
        )
    return candidates[0]


def _namespace(module: Module) -> list[str]:
    """Module-level names, as ``runpy.run_path`` leaves them (imports included)."""
    return list(dict.fromkeys([*module.imports, *module.classes, *module.functions]))


def _read_named(evaluator: Evaluator, name: str, *, where: str) -> Target | None:
    module = evaluator.module
    if name in module.classes:
        return read_class(evaluator, module.classes[name])
    if name in module.functions:
        return _read_function(evaluator, module.functions[name])
    if name in module.imports:
        found = evaluator.resolve_name(name)
        return _read_named(*found, where=where) if found is not None else None
    return None


def read_class(evaluator: Evaluator, node: ast.ClassDef) -> StaticClass | None:
    """The class, or None when it does not derive from ``fal.App`` (a base outside the project is an error)."""
    bases: list[StaticClass | str] = []
    is_app = False
    for base in node.bases:
        resolved = _base(evaluator, base)
        if resolved is None:
            continue
        if resolved == FAL_APP or isinstance(resolved, StaticClass):
            is_app = True
        bases.append(resolved)
    if not is_app:
        return None
    cls = StaticClass(node.name, evaluator.module.file, node.lineno, bases)
    for keyword in node.keywords:
        entry = Entry(evaluator.value(keyword.value), evaluator.module.file, keyword.value.lineno)
        if keyword.arg is None:
            cls.star_keywords = entry
        elif keyword.arg != "metaclass":
            cls.keywords[keyword.arg] = entry
    for statement in node.body:
        _read_statement(evaluator, cls, statement)
    return cls


def _base(evaluator: Evaluator, node: ast.expr) -> StaticClass | str | None:
    """``fal.App``, a project class deriving from it, or None for a base that is not an app (a mixin)."""
    name = dotted(node)
    if name == FAL_APP or (name == "App" and evaluator.module.imports.get("App", ("", ""))[0] in _FAL_MODULES):
        return FAL_APP
    if name is None or "." in name:
        return None
    found = evaluator.resolve_name(name)
    if found is None:
        return None
    owner, original = found
    node_def = owner.module.classes.get(original)
    return read_class(owner, node_def) if node_def is not None else None


def _read_statement(evaluator: Evaluator, cls: StaticClass, statement: ast.stmt) -> None:
    file = evaluator.module.file
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                cls.own[target.id] = Entry(evaluator.value(statement.value), file, statement.lineno)
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        if statement.value is not None:
            cls.own[statement.target.id] = Entry(evaluator.value(statement.value), file, statement.lineno)
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        cls.methods[statement.name] = _endpoint(evaluator, statement)


def _endpoint(evaluator: Evaluator, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Endpoint | None:
    """``@fal.endpoint("/path", health_check=fal.HealthCheck(...))`` or ``@fal.realtime("/path")``."""
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        kind = (dotted(decorator.func) or "").rsplit(".", 1)[-1]
        if kind not in ("endpoint", "realtime"):
            continue
        keywords = {keyword.arg: keyword.value for keyword in decorator.keywords if keyword.arg}
        path_node = decorator.args[0] if decorator.args else keywords.get("path")
        entry = Entry(None, evaluator.module.file, decorator.lineno)
        path = evaluator.value(path_node) if path_node is not None else None
        websocket = kind == "realtime"
        if "is_websocket" in keywords:
            websocket = evaluator.value(keywords["is_websocket"]) is True
        check_node = keywords.get("health_check")
        return Endpoint(path, _health_check(evaluator, check_node) if check_node is not None else None,
                        bool(websocket), entry)
    return None


def _health_check(evaluator: Evaluator, node: ast.expr) -> object:
    file = evaluator.module.file
    if not (isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("HealthCheck")):
        return NotStatic(file, node.lineno, ast.unparse(node)[:60], "is not a fal.HealthCheck(...) call")
    table: dict[str, object] = {}
    for keyword in node.keywords:
        if keyword.arg not in _HEALTH_CHECK_KEYWORDS:
            return NotStatic(file, keyword.value.lineno, f"HealthCheck({keyword.arg}=...)",
                             "is not a HealthCheck argument (" + ", ".join(sorted(_HEALTH_CHECK_KEYWORDS)) + ")")
        value = evaluator.value(keyword.value)
        if isinstance(value, NotStatic):
            return value
        table[keyword.arg] = value
    return table


def _read_function(evaluator: Evaluator, node: ast.FunctionDef | ast.AsyncFunctionDef) -> StaticFunction | None:
    """A module-level function decorated with ``@fal.function(...)``; None for any other function."""
    file = evaluator.module.file
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = dotted(call.func if call else decorator) or ""
        imported = evaluator.module.imports.get(name, ("", ""))
        if name != "fal.function" and not (imported[0] in _FAL_MODULES and imported[1] == "function"):
            continue
        if call is None:
            return StaticFunction(node.name, file, node.lineno, None, {})
        kind = Entry(evaluator.value(call.args[0]), file, call.args[0].lineno) if call.args else None
        options = {keyword.arg: Entry(evaluator.value(keyword.value), file, keyword.value.lineno)
                   for keyword in call.keywords if keyword.arg}
        return StaticFunction(node.name, file, node.lineno, kind, options)
    return None


def read_entry_point_class(project: Project, file: Path, class_name: str, *, where: str) -> int:
    """Line of ``class_name`` in ``file`` (a ``python_entry_point`` target); an error when it is missing."""
    module = project.module(file, where)
    if class_name in module.classes:
        return module.classes[class_name].lineno
    names = sorted(module.classes)
    raise FleetformError.single(
        "spec/entry-point-symbol-missing", where,
        f"{class_name!r} is not defined in {file.name}" + did_you_mean(class_name, names),
        allowed=", ".join(names) or "(no classes in the file)",
    )


__all__ = [
    "FAL_APP",
    "Endpoint",
    "Entry",
    "NotStatic",
    "StaticClass",
    "StaticFunction",
    "Target",
    "read_class",
    "read_entry_point_class",
    "read_target",
]
