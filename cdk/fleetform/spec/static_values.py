"""Values a Python file fixes without running: literals, module constants, f-strings and ``+`` of those.

fleetform never imports an app team's code, so it reads settings with ``ast``. What counts as a value it
can read: a literal (``"GPU-H100"``, ``["torch==2.4.0"]``, ``{"timeout": {"retries": 2}}``), a
module-level name bound exactly once to such a value (also when imported from another module of the same
project: ``from settings import MACHINE``), an f-string or ``+`` built only from those, and the
``ContainerImage.from_dockerfile_str(...)`` / ``from_dockerfile(...)`` calls fal's custom-container docs
use. Anything else is :class:`NotStatic`, reported at ``file.py:line`` only where fal would use the value.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fleetform.errors import FleetformError, display_path, where_python

CONTAINER_FACTORIES = {"from_dockerfile_str": "dockerfile_str", "from_dockerfile": "dockerfile"}
"""``ContainerImage`` constructors fleetform reads, and the image key their first argument becomes."""

CONTAINER_KEYWORDS = frozenset({"build_args", "registries", "secrets", "entrypoint", "cmd", "context_dir"})
IGNORED_CONTAINER_KEYWORDS = frozenset({"builder", "compression", "force_compression", "dockerignore",
                                        "dockerignore_path", "use_isolate"})
"""``ContainerImage`` arguments that change how fal uploads or builds, not what the image contains."""


@dataclass(frozen=True)
class NotStatic:
    """An expression fleetform cannot evaluate without running the code; reported only where fal reads it."""

    file: Path
    line: int
    text: str
    reason: str = "is not a literal value"

    @property
    def where(self) -> str:
        return where_python(self.file, self.line)


@dataclass(frozen=True)
class StaticImage:
    """A ``ContainerImage`` built from a Dockerfile, as an image table (``dockerfile_str`` or ``dockerfile``)."""

    table: dict[str, object]
    file: Path
    line: int


class _NotStaticError(Exception):
    def __init__(self, node: ast.AST, reason: str = "is not a literal value"):
        super().__init__(reason)
        self.node, self.reason = node, reason


@dataclass
class Module:
    """One parsed Python file of the project: its classes, functions, imports and once-bound names."""

    file: Path
    tree: ast.Module
    assignments: dict[str, ast.expr] = field(default_factory=dict)
    rebound: set[str] = field(default_factory=set)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name -> (module, name)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)

    @classmethod
    def parse(cls, file: Path, where: str) -> Module:
        if not file.is_file():
            raise FleetformError.single("spec/ref-file-missing", where, f"app file {display_path(file)} does not exist",
                                        fix="fix the path; it is relative to the folder of pyproject.toml")
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except SyntaxError as error:
            raise FleetformError.single("spec/python-syntax", where_python(file, error.lineno),
                                        f"cannot parse {file.name}: {error.msg}") from None
        except UnicodeDecodeError as error:
            raise FleetformError.single("spec/python-encoding", where,
                                        f"{file.name} is not UTF-8 text: {error}") from None
        module = cls(file=file, tree=tree)
        for statement in tree.body:
            module._index(statement)
        return module

    def _index(self, statement: ast.stmt) -> None:
        bound: list[str] = []
        if isinstance(statement, ast.Assign):
            names = [target.id for target in statement.targets if isinstance(target, ast.Name)]
            if len(names) == len(statement.targets):
                for name in names:
                    self._bind(name, statement.value)
                return
            bound = [node.id for target in statement.targets for node in ast.walk(target) if isinstance(node, ast.Name)]
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.value is not None:
                self._bind(statement.target.id, statement.value)
            return
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            for alias in statement.names:
                self._bind_import(alias.asname or alias.name, (statement.module, alias.name))
            return
        elif isinstance(statement, ast.ClassDef):
            self.classes[statement.name] = statement
            bound = [statement.name]
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[statement.name] = statement
            bound = [statement.name]
        elif isinstance(statement, (ast.AugAssign, ast.For, ast.With, ast.Import)):
            bound = [node.id for node in ast.walk(statement) if isinstance(node, ast.Name)
                     and isinstance(node.ctx, ast.Store)]
            if isinstance(statement, ast.Import):
                bound = [(alias.asname or alias.name).split(".")[0] for alias in statement.names]
        self.rebound.update(name for name in bound if name in self.assignments or name in self.imports)

    def _bind(self, name: str, value: ast.expr) -> None:
        if name in self.assignments or name in self.imports:
            self.rebound.add(name)
        self.assignments[name] = value

    def _bind_import(self, name: str, origin: tuple[str, str]) -> None:
        if name in self.assignments or name in self.imports:
            self.rebound.add(name)
        self.imports[name] = origin


class Project:
    """The app project's Python modules, parsed on demand; imports resolve from the project root.

    ``fal deploy`` runs in the project root and puts it on ``sys.path``, so ``from common import Base``
    in an app file finds ``<root>/common.py`` (or ``<root>/common/__init__.py``). The app file's own folder
    is searched next, as a locally installed package makes those imports work on the developer's machine.
    """

    def __init__(self, root: Path):
        self.root = root
        self._modules: dict[Path, Module] = {}

    def module(self, file: Path, where: str) -> Module:
        file = file.resolve()
        if file not in self._modules:
            self._modules[file] = Module.parse(file, where)
        return self._modules[file]

    def find_module(self, name: str, near: Path) -> Module | None:
        relative = Path(*name.split("."))
        for base in dict.fromkeys((self.root, near.parent)):
            for candidate in (base / relative.with_suffix(".py"), base / relative / "__init__.py"):
                if candidate.is_file():
                    return self.module(candidate, where_python(near, None))
        return None


class Evaluator:
    """Evaluates expressions of one module statically; names follow module constants and project imports."""

    def __init__(self, project: Project, module: Module):
        self.project, self.module = project, module
        self._active: set[tuple[Path, str]] = set()

    def value(self, node: ast.expr) -> object:
        """The value of ``node``, or a :class:`NotStatic` saying where and why it cannot be read."""
        try:
            return self._eval(node)
        except _NotStaticError as error:
            failing = error.node if isinstance(error.node, ast.expr) else node
            text = ast.unparse(node)
            named = failing is not node or isinstance(node, ast.Name)
            reason = f"uses {ast.unparse(failing)}, which {error.reason}" if named else error.reason
            return NotStatic(self.module.file, node.lineno, text if len(text) <= 60 else text[:57] + "...", reason)

    def resolve_name(self, name: str) -> tuple[Evaluator, str] | None:
        """Where a module-level name really lives: this module, or a project module it is imported from."""
        if name in self.module.imports:
            module_name, original = self.module.imports[name]
            target = self.project.find_module(module_name, self.module.file)
            if target is None:
                return None
            return Evaluator(self.project, target).resolve_name(original)
        if name in self.module.assignments or name in self.module.classes or name in self.module.functions:
            return self, name
        return None

    def _eval(self, node: ast.expr) -> object:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self._eval(item) for item in node.elts]
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise _NotStaticError(node, "unpacks a dict (**)")
            pairs = zip(node.keys, node.values, strict=True)
            return {self._eval(key): self._eval(item) for key, item in pairs}  # type: ignore[arg-type]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand = self._eval(node.operand)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._eval(node.left), self._eval(node.right)
            if type(left) is type(right) and isinstance(left, (str, list, int)):
                return left + right  # type: ignore[operator]
            raise _NotStaticError(node, "adds values of different types")
        if isinstance(node, ast.JoinedStr):
            return "".join(self._format(part) for part in node.values)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise _NotStaticError(node)

    def _format(self, part: ast.expr) -> str:
        if isinstance(part, ast.Constant):
            return str(part.value)
        assert isinstance(part, ast.FormattedValue)
        value = self._eval(part.value)
        if isinstance(value, (StaticImage, list, dict)):
            raise _NotStaticError(part.value, "is not a string or number")
        conversions: dict[int, Callable[[Any], Any]] = {115: str, 114: repr, 97: ascii}
        text = conversions.get(part.conversion, lambda v: v)(value)
        spec = self._eval(part.format_spec) if part.format_spec is not None else ""
        return format(text, str(spec))

    def _name(self, node: ast.Name) -> object:
        found = self.resolve_name(node.id)
        if found is None:
            raise _NotStaticError(node, "is not a module constant of this project")
        evaluator, name = found
        module = evaluator.module
        if name in module.rebound:
            raise _NotStaticError(node, f"is bound more than once in {module.file.name}")
        if name not in module.assignments:
            raise _NotStaticError(node, "is a class or function, not a value")
        key = (module.file, name)
        if key in self._active:
            raise _NotStaticError(node, "refers to itself")
        self._active.add(key)
        try:
            return evaluator._eval(module.assignments[name])
        finally:
            self._active.discard(key)

    def _call(self, node: ast.Call) -> StaticImage:
        callee = dotted(node.func) or ""
        method = callee.rsplit(".", 1)[-1]
        owner = callee.rsplit(".", 2)[-2] if "." in callee else ""
        if not (owner == "ContainerImage" and method in CONTAINER_FACTORIES):
            raise _NotStaticError(node, "is a function call")
        if len(node.args) != 1:
            raise _NotStaticError(node, f"passes {len(node.args)} positional arguments (one is expected)")
        source = self._eval(node.args[0])
        if not isinstance(source, str):
            raise _NotStaticError(node.args[0], "is not a string")
        table: dict[str, object] = {CONTAINER_FACTORIES[method]: source}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise _NotStaticError(node, "unpacks keyword arguments (**)")
            if keyword.arg in IGNORED_CONTAINER_KEYWORDS:
                continue
            if keyword.arg not in CONTAINER_KEYWORDS:
                raise _NotStaticError(node, f"passes {keyword.arg!r}, which is not a ContainerImage argument "
                                      f"({', '.join(sorted(CONTAINER_KEYWORDS | IGNORED_CONTAINER_KEYWORDS))})")
            table[keyword.arg] = self._eval(keyword.value)
        return StaticImage(table, self.module.file, node.lineno)


def dotted(node: ast.expr) -> str | None:
    """``fal.App`` for ``fal.App``; None for anything that is not a dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        parent = dotted(node.value)
        return f"{parent}.{node.attr}" if parent else None
    return None
