"""Read a ``fal.App`` class's settings statically, with ``ast``: user code is never imported.

fal takes settings from class attributes (``machine_type = "GPU-H100"``) and class keyword arguments
(``class MyApp(fal.App, keep_alive=300)``). Only literal values can be read without running the code; a
computed value is an error at ``file.py:line`` that says to move the value into pyproject.toml.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from fleetform.errors import FleetformError, ProblemCollector, did_you_mean, display_path, where_python

CLASS_ATTRIBUTES: dict[str, str] = {
    "requirements": "requirements",
    "local_python_modules": "local_python_modules",
    "machine_type": "machine_type",
    "num_gpus": "num_gpus",
    "regions": "regions",
    "app_name": "name",
    "app_auth": "auth",
    "app_files": "app_files",
    "app_files_ignore": "app_files_ignore",
    "app_files_context_dir": "app_files_context_dir",
    "request_timeout": "request_timeout",
    "startup_timeout": "startup_timeout",
    "min_concurrency": "min_concurrency",
    "max_concurrency": "max_concurrency",
    "concurrency_buffer": "concurrency_buffer",
    "concurrency_buffer_perc": "concurrency_buffer_perc",
    "scaling_delay": "scaling_delay",
    "max_multiplexing": "max_multiplexing",
    "image": "image",
    "skip_retry_conditions": "skip_retry_conditions",
    "termination_grace_period_seconds": "termination_grace_period_seconds",
    "python_version": "python_version",
}
"""fal.App class attribute -> spec field (``fal/app.py``, SDK 1.83.0)."""

CLASS_KEYWORDS: frozenset[str] = frozenset({
    "name", "keep_alive", "min_concurrency", "max_concurrency", "max_multiplexing", "concurrency_buffer",
    "concurrency_buffer_perc", "scaling_delay", "request_timeout", "request_start_timeout", "startup_timeout",
    "private_logs", "regions", "machine_type", "num_gpus", "secrets", "data_mounts", "metrics_port",
    "skip_retry_conditions", "retry_config", "termination_grace_period_seconds", "requirements", "python_version",
})
"""Class keyword arguments fal merges into the app's host settings (``App.__init_subclass__``)."""

IGNORED_BY_FAL: dict[str, str] = {
    "private_logs": "fal ignores private_logs as a class attribute; write class MyApp(fal.App, private_logs=True) "
    "or set it in pyproject.toml",
    "keep_alive": "fal ignores keep_alive as a class attribute; write class MyApp(fal.App, keep_alive=...) "
    "or set it in pyproject.toml",
}
"""Class attributes fal silently drops; fleetform drops them too (to behave as on fal) and warns."""

_CONTAINER_FACTORIES = {"from_dockerfile_str": "dockerfile_str", "from_dockerfile": "dockerfile"}
_CONTAINER_KEYWORDS = {"build_args", "registries", "secrets", "entrypoint", "cmd", "context_dir"}
_IGNORED_CONTAINER_KEYWORDS = {"builder", "compression", "force_compression", "dockerignore", "dockerignore_path",
                               "use_isolate"}
_HEALTH_CHECK_KEYWORDS = {"start_period_seconds", "timeout_seconds", "failure_threshold", "call_regularly", "method"}


@dataclass(frozen=True)
class ClassValue:
    """A literal read from the class, with the line it was written on."""

    value: object
    line: int


@dataclass(frozen=True)
class ClassSettings:
    """What a fal.App class declares, keyed by spec field name."""

    file: Path
    class_name: str
    line: int
    values: dict[str, ClassValue]
    warnings: tuple[str, ...] = field(default=())


def read_app_class(file: Path, class_name: str | None, *, where: str) -> ClassSettings:
    """Read the settings of ``class_name`` in ``file`` (the only fal.App in the file when None).

    ``where`` locates the reference (the TOML ``ref`` key) for errors about the file or class itself.
    """
    tree = _parse(file, where)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    if class_name is None:
        apps = [node for node in classes.values() if _looks_like_app(node, classes)]
        if len(apps) != 1:
            raise FleetformError.single(
                "spec/ref-class-ambiguous", where,
                f"{file.name} defines {len(apps)} fal.App classes, so the ref must name one",
                allowed=", ".join(sorted(node.name for node in apps)) or None,
                fix=f'write ref = "{file.name}::ClassName"',
            )
        node = apps[0]
    elif class_name not in classes:
        raise FleetformError.single(
            "spec/ref-class-missing", where, f"class {class_name!r} is not defined in {file.name}" +
            did_you_mean(class_name, classes), allowed=", ".join(sorted(classes)) or "(no classes in the file)",
            fix="point ref at an existing class (the part after ::)",
        )
    else:
        node = classes[class_name]
    problems = ProblemCollector()
    values: dict[str, ClassValue] = {}
    warnings: list[str] = []
    _read_class(file, node, classes, values, warnings, problems, seen=set())
    problems.raise_if_any()
    return ClassSettings(file=file, class_name=node.name, line=node.lineno, values=values, warnings=tuple(warnings))


def find_class(file: Path, class_name: str, *, where: str) -> int:
    """Line of ``class_name`` in ``file``; an error naming ``where`` when the file or class is missing."""
    tree = _parse(file, where)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return node.lineno
    names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    raise FleetformError.single(
        "spec/entry-point-symbol-missing", where,
        f"{class_name!r} is not defined in {file.name}" + did_you_mean(class_name, names),
        allowed=", ".join(sorted(names)) or "(no classes in the file)",
    )


def _parse(file: Path, where: str) -> ast.Module:
    if not file.is_file():
        raise FleetformError.single("spec/ref-file-missing", where, f"app file {display_path(file)} does not exist",
                                    fix="fix the path; it is relative to the folder of pyproject.toml")
    try:
        return ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    except SyntaxError as error:
        raise FleetformError.single("spec/python-syntax", where_python(file, error.lineno),
                                    f"cannot parse {file.name}: {error.msg}") from None
    except UnicodeDecodeError as error:
        raise FleetformError.single("spec/python-encoding", where, f"{file.name} is not UTF-8 text: {error}") from None


def _looks_like_app(node: ast.ClassDef, classes: dict[str, ast.ClassDef], depth: int = 0) -> bool:
    for base in node.bases:
        name = _dotted(base)
        if name is not None and (name == "App" or name.endswith(".App")):
            return True
        if name in classes and depth < 10 and _looks_like_app(classes[name], classes, depth + 1):
            return True
    return False


def _read_class(file, node, classes, values, warnings, problems, seen) -> None:
    """Base classes defined in the same file first, then keywords, then the body (fal's order of precedence)."""
    seen.add(node.name)
    for base in node.bases:
        name = _dotted(base)
        if name in classes and name not in seen:
            _read_class(file, classes[name], classes, values, warnings, problems, seen)
    for keyword in node.keywords:
        _read_keyword(file, keyword, values, problems)
    for statement in node.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            _read_assignment(file, statement, values, warnings, problems)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _read_health_check(file, statement, values, problems)


def _read_keyword(file, keyword: ast.keyword, values, problems) -> None:
    where = where_python(file, keyword.value.lineno)
    if keyword.arg is None:
        problems.add("spec/class-non-literal", where, "**kwargs in the class statement cannot be read statically",
                     fix="write each setting as a keyword or move it into pyproject.toml")
        return
    if keyword.arg == "exposed_port":
        problems.add("spec/class-exposed-port", where, "fal does not accept exposed_port as a class keyword "
                     "(TypeError: multiple values for keyword argument 'exposed_port')",
                     fix="set exposed_port in the pyproject.toml app table")
        return
    if keyword.arg not in CLASS_KEYWORDS:
        problems.add("spec/class-unknown-keyword", where,
                     f"unknown class keyword {keyword.arg!r}" + did_you_mean(keyword.arg, CLASS_KEYWORDS),
                     allowed=", ".join(sorted(CLASS_KEYWORDS)))
        return
    literal = _literal(file, keyword.value, keyword.arg, problems)
    if literal is not _NOT_LITERAL:
        values[keyword.arg] = ClassValue(literal, keyword.value.lineno)


def _read_assignment(file, statement, values, warnings, problems) -> None:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if statement.value is None:
        return
    for target in targets:
        if not isinstance(target, ast.Name):
            continue
        attribute = target.id
        where = where_python(file, statement.lineno)
        if attribute in IGNORED_BY_FAL:
            warnings.append(f"{where}: {IGNORED_BY_FAL[attribute]}")
        elif attribute == "host_kwargs":
            _read_host_kwargs(file, statement.value, values, problems)
        elif attribute == "image":
            image = _read_container_image(file, statement.value, problems)
            if image is not None:
                values["image"] = ClassValue(image, statement.lineno)
        elif attribute in CLASS_ATTRIBUTES:
            literal = _literal(file, statement.value, attribute, problems)
            if literal is not _NOT_LITERAL:
                values[CLASS_ATTRIBUTES[attribute]] = ClassValue(literal, statement.lineno)


def _read_host_kwargs(file, value: ast.expr, values, problems) -> None:
    literal = _literal(file, value, "host_kwargs", problems)
    if literal is _NOT_LITERAL:
        return
    if not isinstance(literal, dict):
        problems.add("spec/class-bad-host-kwargs", where_python(file, value.lineno), "host_kwargs must be a dict")
        return
    for key, item in literal.items():
        if key in CLASS_KEYWORDS:
            values[key] = ClassValue(item, value.lineno)


def _read_container_image(file, value: ast.expr, problems) -> dict | None:
    """``ContainerImage.from_dockerfile_str("...", registries=...)`` and friends, as an image table."""
    where = where_python(file, value.lineno)
    if not isinstance(value, ast.Call):
        problems.add("spec/class-non-literal", where, "image must be a ContainerImage.from_dockerfile_str(...) or "
                     "ContainerImage.from_dockerfile(...) call with literal arguments",
                     fix="or set [tool.fal.apps.<app>.image] in pyproject.toml")
        return None
    factory = _dotted(value.func) or ""
    method = factory.rsplit(".", 1)[-1]
    table: dict[str, object] = {}
    if method in _CONTAINER_FACTORIES and value.args:
        source = _literal(file, value.args[0], "image", problems)
        if source is _NOT_LITERAL:
            return None
        table[_CONTAINER_FACTORIES[method]] = source
    elif method != "ContainerImage":
        problems.add("spec/class-non-literal", where, f"cannot read image = {factory or 'a call'}(...) statically",
                     allowed="ContainerImage.from_dockerfile_str(...), ContainerImage.from_dockerfile(...)")
        return None
    for keyword in value.keywords:
        if keyword.arg in _IGNORED_CONTAINER_KEYWORDS:
            continue
        name = keyword.arg
        if name not in _CONTAINER_KEYWORDS | set(_CONTAINER_FACTORIES.values()):
            problems.add("spec/class-unknown-keyword", where_python(file, keyword.value.lineno),
                         f"unknown ContainerImage argument {name!r}",
                         allowed=", ".join(sorted(_CONTAINER_KEYWORDS | set(_CONTAINER_FACTORIES.values()))))
            continue
        literal = _literal(file, keyword.value, f"image.{name}", problems)
        if literal is not _NOT_LITERAL:
            table[name] = literal
    return table


def _read_health_check(file, function: ast.FunctionDef | ast.AsyncFunctionDef, values, problems) -> None:
    """``@fal.endpoint("/health", health_check=fal.HealthCheck(...))`` on a method."""
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and (_dotted(decorator.func) or "").split(".")[-1] == "endpoint"):
            continue
        check = next((kw.value for kw in decorator.keywords if kw.arg == "health_check"), None)
        if check is None:
            continue
        where = where_python(file, decorator.lineno)
        if "health_check" in values:
            problems.add("spec/health-check-twice", where, "an app can only have one health check endpoint",
                         fix=f"the first one is at line {values['health_check'].line}")
            continue
        path_node = decorator.args[0] if decorator.args else next(
            (kw.value for kw in decorator.keywords if kw.arg == "path"), None)
        if path_node is None:
            problems.add("spec/health-check-no-path", where, "the health check endpoint has no path",
                         fix='write @fal.endpoint("/health", health_check=fal.HealthCheck(...))')
            continue
        path = _literal(file, path_node, "endpoint path", problems)
        if not (isinstance(check, ast.Call) and (_dotted(check.func) or "").endswith("HealthCheck")):
            problems.add("spec/class-non-literal", where, "health_check must be a fal.HealthCheck(...) call")
            continue
        table: dict[str, object] = {"path": path}
        for keyword in check.keywords:
            if keyword.arg not in _HEALTH_CHECK_KEYWORDS:
                problems.add("spec/class-unknown-keyword", where_python(file, keyword.value.lineno),
                             f"unknown HealthCheck argument {keyword.arg!r}",
                             allowed=", ".join(sorted(_HEALTH_CHECK_KEYWORDS)))
                continue
            literal = _literal(file, keyword.value, f"HealthCheck.{keyword.arg}", problems)
            if literal is not _NOT_LITERAL:
                table[keyword.arg] = literal
        if path is not _NOT_LITERAL:
            values["health_check"] = ClassValue(table, decorator.lineno)


_NOT_LITERAL = object()


def _literal(file, node: ast.expr, what: str, problems: ProblemCollector) -> object:
    """The node's literal value (tuples become lists, like TOML arrays), or an error and ``_NOT_LITERAL``."""
    try:
        return _lists(ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        problems.add(
            "spec/class-non-literal", where_python(file, node.lineno),
            f"{what} = {_excerpt(node)} is not a literal value, so fleetform cannot read it without running your code",
            fix=f"move the value into pyproject.toml under [tool.fal.apps.<app>] ({what}) and remove it from the class",
        )
        return _NOT_LITERAL


def _lists(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [_lists(item) for item in value]
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    return value


def _excerpt(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        parent = _dotted(node.value)
        return f"{parent}.{node.attr}" if parent else None
    return None
