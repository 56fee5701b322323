"""An app's build context: the files a build sends, the Dockerfile's path among them, build args, secrets.

A pure, deterministic function of the planned app (its resolved spec and project files) and the
platform's ``[tool.fleetform.images]`` settings, so ``fleetform build`` and the plan (whose image
tag is the context's content key) always agree, on every machine.

- *requirements apps* get a generated Dockerfile (:mod:`fleetform.images.dockerfile`) and a
  context laid out as ``Dockerfile``, ``runtime/`` (the runtime entry), ``local_modules/``,
  ``local/<n>/`` (local projects of the requirements), ``files/`` (``app_files``), ``app/`` (the
  app source at its path from the project root) and ``ca-certificates.pem`` (the platform's CAs);
- *Dockerfile apps* send their ``image.context_dir`` (default: the project root, as ``fal deploy``
  runs there) with their Dockerfile, ``build_args`` and ``image.secrets``; an inline Dockerfile, or
  one outside the context, is added as ``.fleetform/Dockerfile``;
- *image apps* build nothing (``None``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fleetform.app_server import runtime_files
from fleetform.errors import FleetformError, Problem, display_path, format_choices
from fleetform.images.app_files import collect_app_files
from fleetform.images.dockerfile import CA_BUNDLE, GeneratedImage, InstallToken, generate_dockerfile
from fleetform.images.fal_settings import PYPROJECT, without_fal_settings
from fleetform.images.runtime_files import (
    APP_DIR,
    ENV_APP_ENTRY_POINT,
    ENV_APP_FILE,
    ENV_APP_PORT,
    ENV_APP_REF,
    ENV_METRICS_PORT,
    RUNTIME_REQUIREMENTS,
)
from fleetform.spec.app import DEFAULT_METRICS_PORT
from fleetform.spec.image import secret_name
from fleetform.spec.platform import ImageSettings
from fleetform.spec.requirements import LocalRequirement
from fleetform.spec.resolve import ResolvedApp

GENERATED_DOCKERFILE = "Dockerfile"
INLINE_DOCKERFILE = ".fleetform/Dockerfile"
SKIPPED_DIRECTORIES = frozenset({".git", "__pycache__"})
"""Never sent with a Dockerfile app's context folder (version control and bytecode)."""


@dataclass(frozen=True)
class ContextFile:
    content: bytes
    executable: bool = False


@dataclass(frozen=True)
class BuildSecret:
    """A BuildKit secret: ``RUN --mount=type=secret,id=<id>`` reads the platform secret ``secret``."""

    id: str
    secret: str


@dataclass(frozen=True)
class BuildContext:
    """What one app's image build sends and runs; see the module docstring for the layout."""

    app: str
    kind: str
    """``requirements`` (generated Dockerfile) or ``dockerfile`` (the app's own)."""
    files: Mapping[str, ContextFile]
    dockerfile: str
    """The Dockerfile's path inside the context."""
    build_args: tuple[tuple[str, str], ...] = ()
    secrets: tuple[BuildSecret, ...] = ()
    base_image: str | None = None
    """The base image of a generated Dockerfile (None for the app's own Dockerfile)."""
    unkeyed: frozenset[str] = field(default_factory=frozenset)
    """Files the build reads but no layer keeps (the CA bundle): left out of the content key."""

    def write(self, folder: Path) -> None:
        """Write every file under ``folder`` (created), with its executable bit."""
        for name, file in sorted(self.files.items()):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
            target.chmod(0o755 if file.executable else 0o644)


def build_context(app: ResolvedApp, images: ImageSettings, *, accelerated: bool) -> BuildContext | None:
    """The build context of ``app``, None for an image app; bad inputs raise, naming the key."""
    spec = app.spec
    if spec.image is not None:
        return None if spec.image.image is not None else _dockerfile_context(app)
    return _requirements_context(app, images, accelerated=accelerated)


def _dockerfile_context(app: ResolvedApp) -> BuildContext:
    image = app.spec.image
    assert image is not None
    folder = image.context_dir or app.pyproject.parent
    if not folder.is_dir():
        raise FleetformError.single("image/context-missing", f"{app.where}.image",
                                    f"the build context {display_path(folder)} is not a folder")
    files = {name: ContextFile(*content) for name, content in _folder_files(folder)}
    if image.dockerfile is not None and _inside(image.dockerfile, folder):
        dockerfile = image.dockerfile.relative_to(folder).as_posix()
    else:
        text = image.dockerfile_str if image.dockerfile_str is not None else _read_text(image.dockerfile, app)
        dockerfile = INLINE_DOCKERFILE
        files[dockerfile] = ContextFile(text.encode())
    secrets = tuple(BuildSecret(key, name) for key, reference in sorted(image.secrets.items())
                    if (name := secret_name(reference)) is not None)
    return BuildContext(app=app.spec.name, kind="dockerfile", files=dict(sorted(files.items())), dockerfile=dockerfile,
                        build_args=tuple(sorted(image.build_args.items())), secrets=secrets)


def _requirements_context(app: ResolvedApp, images: ImageSettings, *, accelerated: bool) -> BuildContext:
    spec = app.spec
    assert spec.python_version is not None
    base = images.base_for(spec.python_version, accelerated=accelerated)
    table = "gpu_base" if accelerated else "cpu_base"
    if base is None:
        known = sorted(getattr(images, table))
        raise FleetformError.single(
            "image/no-base-image", f"{app.where}.python_version",
            f"the platform names no {'GPU' if accelerated else 'CPU'} base image for Python {spec.python_version} "
            f"([tool.fleetform.images] {table})", allowed=format_choices(known) if known else "(none)",
            fix=f'add {table}."{spec.python_version}" = "<image>@sha256:..." to [tool.fleetform.images], '
                "or use a Python version listed")
    files: dict[str, ContextFile] = {}
    layers = _install_layers(app, files)
    for name, source in runtime_files().items():
        files[f"runtime/{name}"] = ContextFile(source)
    for name, content in _local_modules(app).items():
        files[f"local_modules/{name}"] = ContextFile(*content)
    if spec.app_files:
        assert spec.app_files_context_dir is not None
        for name, content in collect_app_files(spec.app_files, spec.app_files_context_dir, spec.app_files_ignore,
                                               app.where).items():
            files[f"files/{name}"] = ContextFile(*content)
    env = _entry_env(app, files)
    unkeyed: frozenset[str] = frozenset()
    if images.ca_certificates:
        files[CA_BUNDLE] = ContextFile(b"".join(_pem(path) for path in images.ca_certificates))
        unkeyed = frozenset({CA_BUNDLE})
    ports = (spec.exposed_port, spec.metrics_port or DEFAULT_METRICS_PORT)
    env += ((ENV_APP_PORT, str(ports[0])), (ENV_METRICS_PORT, str(ports[1])))
    generated = GeneratedImage(
        base=base, python_version=spec.python_version, layers=layers, env=env, ports=tuple(dict.fromkeys(ports)),
        has_ca_bundle=bool(images.ca_certificates),
        has_local_modules=any(n.startswith("local_modules/") for n in files),
        has_app_files=any(n.startswith("files/") for n in files),
        has_app_source=any(n.startswith("app/") for n in files))
    files[GENERATED_DOCKERFILE] = ContextFile(generate_dockerfile(generated).encode())
    secrets = tuple(BuildSecret(name, name) for name in spec.requirements.secret_names)
    return BuildContext(app=spec.name, kind="requirements", files=dict(sorted(files.items())),
                        dockerfile=GENERATED_DOCKERFILE, secrets=secrets, base_image=base, unkeyed=unkeyed)


def _install_layers(app: ResolvedApp, files: dict[str, ContextFile]) -> tuple[tuple[InstallToken, ...], ...]:
    """fal's layers, local projects copied to ``local/<n>``, fal's serving requirements added as fal adds them."""
    layers: list[list[InstallToken]] = []
    locals_seen = 0
    for layer in app.spec.requirements.layers:
        tokens = []
        for entry in layer:
            if isinstance(entry, LocalRequirement):
                local = f"local/{locals_seen}"
                locals_seen += 1
                for name, content in _folder_files(entry.path):
                    files[f"{local}/{name}"] = ContextFile(*content)
                tokens.append(InstallToken(entry.text, local))
            else:
                tokens += [InstallToken(text) for text in _pip_arguments(entry.text, entry.kind)]
        layers.append(tokens)
    present = {token.text for layer in layers for token in layer}
    runtime = [InstallToken(text) for text in RUNTIME_REQUIREMENTS]
    if not set(RUNTIME_REQUIREMENTS) <= present:  # fal's add_requirements: nothing when all are there
        if len(layers) <= 1:
            layers = [[*(layers[0] if layers else []), *runtime]]
        else:
            layers.append(runtime)
    return tuple(tuple(layer) for layer in layers)


def _pip_arguments(text: str, kind: str) -> list[str]:
    """pip's argv for an entry: an index option as ``--flag`` and its value, everything else as written."""
    if kind == "index-option":
        option, _, value = text.partition("=")
        return [option, value]
    return [text]


def _entry_env(app: ResolvedApp, files: dict[str, ContextFile]) -> tuple[tuple[str, str], ...]:
    """The app source under ``app/`` and the variables that tell the runtime entry what to serve."""
    spec = app.spec
    project = app.pyproject.parent
    if spec.python_entry_point is not None:
        return ((ENV_APP_ENTRY_POINT, spec.python_entry_point),)
    assert spec.ref is not None
    path, _, name = spec.ref.partition("::")
    source = (project / path).resolve()
    for file in dict.fromkeys(f for f in (source, app.target_file) if f is not None):
        relative = _project_path(file, project, app)
        files[f"app/{relative}"] = ContextFile(file.read_bytes())
    return ((ENV_APP_FILE, _project_path(source, project, app)), (ENV_APP_REF, name or app.target_name or ""))


def _project_path(file: Path, project: Path, app: ResolvedApp) -> str:
    if not _inside(file, project):
        raise FleetformError.single("image/source-outside-project", f"{app.where}.ref",
                                    f"{display_path(file)} is outside the project folder {display_path(project)}; "
                                    f"the image keeps the project's layout under {APP_DIR}",
                                    fix="move the module into the project")
    return file.resolve().relative_to(project.resolve()).as_posix()


def _local_modules(app: ResolvedApp) -> dict[str, tuple[bytes, bool]]:
    """``local_python_modules``, found as ``fal deploy`` imports them: from the app's folder, then the project."""
    spec = app.spec
    roots = [f.parent for f in (app.target_file,) if f is not None] + [app.pyproject.parent]
    found: dict[str, tuple[bytes, bool]] = {}
    problems = []
    for index, module in enumerate(spec.local_python_modules):
        relative = Path(*module.split("."))
        for root in roots:
            if (root / relative).is_dir():
                found |= {f"{relative.as_posix()}/{name}": content for name, content in _folder_files(root / relative)}
                break
            if (root / relative).with_suffix(".py").is_file():
                file = (root / relative).with_suffix(".py")
                found[relative.with_suffix(".py").as_posix()] = (file.read_bytes(), False)
                break
        else:
            problems.append(Problem("image/local-module-missing", f"{app.where}.local_python_modules[{index}]",
                                    f"module {module!r} is neither a package nor a .py file under "
                                    f"{' or '.join(display_path(r) for r in roots)}"))
    if problems:
        raise FleetformError(problems)
    return found


def _folder_files(folder: Path) -> Iterator[tuple[str, tuple[bytes, bool]]]:
    """Every file below ``folder``, sorted, without following links or entering skipped folders.

    A ``pyproject.toml`` goes without its ``[tool.fal]`` tables (:mod:`fleetform.images.fal_settings`).
    """
    for current, directories, names in os.walk(folder, followlinks=False):
        directories[:] = sorted(d for d in directories if d not in SKIPPED_DIRECTORIES)
        for name in sorted(names):
            path = Path(current) / name
            if path.is_file() and not name.endswith(".pyc"):
                content = path.read_bytes()
                if name == PYPROJECT:
                    content = without_fal_settings(content)
                yield path.relative_to(folder).as_posix(), (content, bool(path.stat().st_mode & 0o111))


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _read_text(path: Path | None, app: ResolvedApp) -> str:
    assert path is not None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FleetformError.single("image/dockerfile-unreadable", f"{app.where}.image.dockerfile",
                                    f"cannot read {display_path(path)}: {error}") from None


def _pem(path: Path) -> bytes:
    content = path.read_bytes()
    return content if content.endswith(b"\n") else content + b"\n"
