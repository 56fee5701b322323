"""Random pyproject content never crashes the loader: it resolves or raises fleetform errors."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetform.errors import FleetformError
from fleetform.spec.app import AppSpec
from fleetform.spec.pyproject import Pyproject, load_platform_settings, read_pyproject
from fleetform.spec.resolve import load_apps

KEYS = [*sorted(AppSpec.model_fields), "no_scale", "_scheduler", "keep-alive", "bogus", "path", "image", "dockerfile",
         "registries", "username", "password", "retries", "timeout"]
SCALARS = st.one_of(
    st.integers(min_value=-10, max_value=70000), st.booleans(), st.floats(allow_nan=False, width=32),
    st.sampled_from(["GPU-H100", "S", "us-east", "private", "rolling", "/health", "app.py::A", "m:C", "torch==2",
                     "--extra-index-url", "https://u:p@h/x", "$TOKEN", ".", "Dockerfile", "", "3.11", "x:y",
                     "a\u0000b", "app.py\u0000::A"]),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=12,
)
APP_TABLES = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(apps=st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(APP_TABLES, SCALARS), max_size=3))
def test_random_app_tables_resolve_or_raise_fleetform_errors(tmp_path: Path, apps):
    (tmp_path / "app.py").write_text("import fal\n\nclass A(fal.App):\n    machine_type = 'GPU-H100'\n")
    project = Pyproject(path=tmp_path / "pyproject.toml", data={"tool": {"fal": {"apps": apps}}})
    try:
        load_apps(project)
    except FleetformError as error:
        assert all(problem.code and problem.where and problem.message for problem in error.problems)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.dictionaries(st.sampled_from(["name", "clouds", "apps", "default_regions", "regions", "networks",
                                              "state", "aws", "gcp", "defaults", "tags", "backend", "bucket",
                                              "vpc_id", "private_subnets", "us-east", "bogus"]), VALUES, max_size=6))
def test_random_platform_tables_validate_or_raise_fleetform_errors(tmp_path: Path, table):
    project = Pyproject(path=tmp_path / "pyproject.toml", data={"tool": {"fleetform": table}})
    try:
        load_platform_settings(project)
    except FleetformError as error:
        assert all(problem.code and problem.where for problem in error.problems)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_random_text_is_a_toml_error_or_a_document(tmp_path: Path, text):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.fal.apps.a]\n" + text, encoding="utf-8")
    try:
        project = read_pyproject(path)
        load_apps(project)
    except FleetformError:
        pass
