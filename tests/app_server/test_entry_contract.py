"""The shipped package itself: what it may import, what it refuses, and the files the image build copies."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from fleetform.app_server import PACKAGE, runtime_files
from tests.app_server.serving import PROJECT, entry_command, require_fal, server_environment

SHIPPED = Path(__file__).resolve().parents[2] / "cdk" / "fleetform" / "app_server" / PACKAGE
FAL_DISTRIBUTION = {"fal"}
"""Beyond the standard library the entry imports fal only (fal brings uvicorn, fastapi, starlette_exporter)."""


def imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def test_runtime_files_are_the_shipped_package() -> None:
    files = runtime_files()
    assert list(files) == sorted(files)
    assert {"__init__.py", "__main__.py", "serve.py", "settings.py", "supervisor.py"} <= set(files)
    assert files == {path.name: path.read_bytes() for path in sorted(SHIPPED.glob("*.py"))}


def test_the_shipped_package_imports_only_the_standard_library_and_fal() -> None:
    imported = set().union(*(imported_modules(content.decode()) for content in runtime_files().values()))
    foreign = imported - set(sys.stdlib_module_names) - FAL_DISTRIBUTION - {"__future__"}
    assert not foreign, f"the entry runs on the image's Python: {sorted(foreign)} are not there"
    assert "fleetform" not in imported


def test_the_shipped_package_parses_as_python_3_8() -> None:
    for name, content in runtime_files().items():
        ast.parse(content, filename=name, feature_version=(3, 8))


def _entry(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(entry_command(), cwd=PROJECT, env=server_environment(tmp_path, **variables),
                          capture_output=True, text=True, timeout=120, check=False)


def test_bad_settings_are_all_named_with_what_is_allowed(tmp_path: Path) -> None:
    require_fal()
    done = _entry(tmp_path, FLEETFORM_APP_FILE="studio.py", FLEETFORM_APP_ENTRY_POINT="studio",
                  FLEETFORM_APP_PORT="http", FLEETFORM_METRICS_PORT="70000", FLEETFORM_TERMINATION_GRACE_SECONDS="-1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "fleetform-app-server: error: FLEETFORM_APP_ENTRY_POINT and FLEETFORM_APP_FILE/FLEETFORM_APP_REF are both set: "
        "set one way to name the app",
        "fleetform-app-server: error: FLEETFORM_APP_ENTRY_POINT='studio' is not '<module>:<symbol>' "
        "(fal's python_entry_point)",
        "fleetform-app-server: error: FLEETFORM_APP_PORT='http' is not a port: allowed an integer 1..65535",
        "fleetform-app-server: error: FLEETFORM_METRICS_PORT='70000' is not a port: allowed an integer 1..65535",
        "fleetform-app-server: error: FLEETFORM_TERMINATION_GRACE_SECONDS='-1' is not a number of seconds: "
        "allowed an integer 0..86400",
    ]


@pytest.mark.parametrize(("variables", "message"), [
    ({}, "error: no app to serve: set FLEETFORM_APP_FILE (and FLEETFORM_APP_REF) or FLEETFORM_APP_ENTRY_POINT"),
    ({"FLEETFORM_APP_FILE": "missing.py"}, "error: missing.py: no such file in "),
    ({"FLEETFORM_APP_FILE": "studio.py", "FLEETFORM_APP_REF": "Studoi"},
     "error: cannot load studio.py::Studoi: Function 'Studoi' not found in module"),
])
def test_an_app_that_cannot_be_found_stops_the_container_with_status_2(tmp_path: Path, variables: dict[str, str],
                                                                       message: str) -> None:
    require_fal()
    done = _entry(tmp_path, **variables)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"fleetform-app-server: {message}" in done.stderr
