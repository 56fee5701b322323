"""Load one app of a fal project exactly as ``fal deploy <key>`` does, and print what fal would send, as JSON.

Run with the pinned fal's own interpreter (``.venv-fal/bin/python``)::

    .venv-fal/bin/python tests/spec/fal_loader.py PROJECT_DIR::APP_KEY[::STUB_MODULE,...] ...

It calls fal's own code: ``fal.api.deploy._resolve_deployment_reference`` (which reads pyproject.toml with
``fal.cli._utils.get_app_data_from_toml``) and ``fal.utils.load_function_from`` (which runs the app file and
wraps the class), then stops before ``host.prepare_options``: that step uploads local requirements and
everything after it talks to fal's servers. The fields printed are the ones ``FalServerlessHost.register``
reads from the options. Each project is loaded from its own folder, as ``fal deploy`` is run in the
project root. ``STUB_MODULE`` names are provided as empty modules, standing in for packages an
app team has installed locally (``torch``) that the pinned fal's virtualenv does not hold.

This file is not part of fleetform and is never imported by the test suite: it runs in another virtualenv.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import sys
import traceback
import types
from pathlib import Path
from typing import Any


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Empty modules for the given top-level names (and anything below them)."""

    def __init__(self, names: set[str]):
        self.names = names

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in self.names:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name: type(name, (), {})  # any attribute is a placeholder class
        return module

    def exec_module(self, module):
        return None


def _plain(value: Any) -> Any:
    """JSON values; dataclasses (HealthCheck configs) as dicts, paths as strings."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def load(key: str) -> dict[str, Any]:
    from fal.api.api import (
        FAL_SERVERLESS_DEFAULT_MACHINE_TYPE,
        SERVE_REQUIREMENTS,
        FalServerlessHost,
        _image_uses_isolate,
    )
    from fal.api.deploy import _resolve_deployment_reference
    from fal.file_sync import FileSyncOptions
    from fal.sdk import FAL_SERVERLESS_DEFAULT_KEEP_ALIVE, Credentials
    from fal.utils import load_function_from

    (file_path, func_name), app_data = _resolve_deployment_reference(key)
    host = FalServerlessHost(url="localhost:1", local_file_path=str(file_path or ""), credentials=Credentials())
    loaded = load_function_from(
        host, file_path, func_name, options=app_data.options, app_name=app_data.name, app_auth=app_data.auth,
        python_entry_point=app_data.python_entry_point,
    )
    options = loaded.function.options
    files = FileSyncOptions.from_options(options)
    environment = dict(options.environment)
    return {
        "app_name": loaded.app_name,
        "auth": loaded.app_auth,
        "team": app_data.team,
        "deployment_strategy": app_data.deployment_strategy or "rolling",
        "scale": app_data.reset_scale,
        "entrypoint": loaded.function.run_entrypoint,
        "class_name": loaded.class_name,
        "app_file": file_path,
        "host": _plain(options.host),
        "environment": _plain(environment),
        "gateway": _plain(options.gateway),
        "machine_types": _plain(options.host.get("machine_type", FAL_SERVERLESS_DEFAULT_MACHINE_TYPE)),
        "keep_alive": options.host.get("keep_alive", FAL_SERVERLESS_DEFAULT_KEEP_ALIVE),
        "exposed_port": options.get_exposed_port(),
        "metrics_port": options.get_metrics_port(),
        "uses_isolate": _image_uses_isolate(options),
        "serve_requirements": list(SERVE_REQUIREMENTS),
        "files": {"list": list(files.files_list), "ignore": [p.pattern for p in files.files_ignore],
                  "context_dir": files.files_context_dir},
    }


def _load_in_child(project: Path, key: str, stubs: set[str]) -> dict[str, Any]:
    """Load in a forked child that imports fal afresh from the project root, as ``fal deploy`` runs there.

    fal binds the working directory at import time (``ContainerImage.context_dir`` defaults to
    ``Path.cwd()``), and loading a project changes ``sys.path`` and class state, so every project gets
    its own process; the parent has already imported fal's third-party dependencies, which is what
    makes a fork cheap.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            os.chdir(project)
            if stubs:
                sys.meta_path.insert(0, _StubFinder(stubs))
            try:
                result = {"ok": True, "loaded": load(key)}
            except BaseException as error:  # fal's refusal is the result here, whatever its type
                result = {"ok": False, "error_type": type(error).__name__, "error": str(error),
                          "traceback": traceback.format_exc(limit=-3)}
            data = json.dumps(result, sort_keys=True, default=repr).encode()
        except BaseException as error:  # a broken driver must not look like a fal refusal
            data = json.dumps({"driver_error": traceback.format_exc(), "error": str(error)}).encode()
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def _import_fal_dependencies() -> None:
    """Import fal once (for its third-party dependencies), then forget fal's own modules."""
    import fal  # noqa: F401

    for name in [name for name in sys.modules if name == "fal" or name.startswith("fal.")]:
        del sys.modules[name]


def main(argv: list[str]) -> int:
    """Each argument is ``PROJECT_DIR::APP_KEY[::STUB,STUB]``; one JSON line per argument, in order."""
    _import_fal_dependencies()
    for argument in argv:
        project, key, *rest = argument.split("::")
        stubs = set(rest[0].split(",")) if rest and rest[0] else set()
        result = _load_in_child(Path(project).resolve(), key, stubs)
        result["project"], result["key"] = project, key
        sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
