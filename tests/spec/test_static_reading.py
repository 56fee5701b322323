"""Reading app code without running it: what is static, what fal ignores, and errors whose fix works on fal."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

PROJECTS = Path(__file__).resolve().parent / "fal_projects"


def _validate(run_cli, tmp_path, fixture: str) -> dict:
    shutil.copytree(PROJECTS / fixture, tmp_path / fixture)
    result = run_cli("validate", "--json", cwd=tmp_path / fixture)
    assert result.code == 0, result.out + result.err
    [app] = result.json["apps"]
    return app


def test_validate_reads_a_file_whose_import_would_raise(run_cli, tmp_path):
    assert importlib.util.find_spec("torch") is None  # so importing app.py here would raise ModuleNotFoundError

    app = _validate(run_cli, tmp_path, "import_raises")

    assert app["settings"]["machine_type"] == ["GPU-A100"]
    assert app["settings"]["requirements"] == ["torch==2.4.1", "diffusers==0.30.3"]


def test_near_miss_attribute_names_are_warned_and_ignored_as_on_fal(run_cli, tmp_path):
    app = _validate(run_cli, tmp_path, "near_miss_attributes")

    assert app["settings"]["keep_alive"] == 60 and app["settings"]["min_concurrency"] == 0
    warnings = "\n".join(app["warnings"])
    assert "app.py:14: fal ignores keepalive (not a fal.App setting); did you mean 'keep_alive'?" in warnings
    assert "app.py:15: fal ignores min_concurency (not a fal.App setting); did you mean 'min_concurrency'" in warnings
    assert "app.py:16: fal ignores machine_types (not a fal.App setting); did you mean 'machine_type'?" in warnings
    assert "model_id" not in warnings


def test_private_logs_attribute_is_ignored_unless_a_parent_passed_the_keyword(run_cli, tmp_path):
    ignored = _validate(run_cli, tmp_path, "private_logs_attribute")
    honoured = _validate(run_cli, tmp_path, "private_logs_parent_keyword")

    assert ignored["settings"]["private_logs"] is False
    assert any("fal ignores private_logs as a class attribute" in warning for warning in ignored["warnings"])
    assert honoured["settings"]["private_logs"] is True and honoured["sources"]["private_logs"] == "class"


def test_from_dockerfile_is_read_from_the_project_root(run_cli, tmp_path):
    app = _validate(run_cli, tmp_path, "container_from_dockerfile_subdir")

    assert app["settings"]["image"]["dockerfile"] == "Dockerfile"
    assert app["settings"]["image"]["context_dir"] == "."


CASES = [
    pytest.param('import os\nMACHINE = os.environ["MACHINE"]\n', "machine_type = MACHINE",
                 "app.py:7", "machine_type = MACHINE uses os.environ['MACHINE'], which is not a literal value",
                 id="constant-from-environment"),
    pytest.param('MACHINE = "GPU-A100"\nMACHINE = "GPU-H100"\n', "machine_type = MACHINE",
                 "app.py:7", "machine_type = MACHINE uses MACHINE, which is bound more than once in app.py",
                 id="constant-bound-twice"),
    pytest.param('def reqs():\n    return ["torch"]\n', "requirements = reqs()",
                 "app.py:7", "requirements = reqs() is a function call", id="computed-requirements"),
    pytest.param('VERSION = 2\n', 'requirements = ["torch==" + VERSION]',
                 "app.py:6", "requirements = ['torch==' + VERSION] uses 'torch==' + VERSION, which adds values of "
                 "different types", id="bad-concat"),
]


@pytest.mark.parametrize(("module", "attribute", "where", "message"), CASES)
def test_a_value_that_is_not_static_is_an_error_whose_fix_works_on_fal(make_project, run_cli, module, attribute,
                                                                       where, message):
    make_project('[tool.fal.apps.a]\nref = "app.py::A"\n',
                 {"app.py": f"import fal\n{module}\n\nclass A(fal.App):\n    {attribute}\n"})

    result = run_cli("validate", "--json")

    assert result.code == 2
    [error] = result.json["errors"]
    assert error["code"] == "spec/class-non-literal" and error["where"] == where
    assert error["message"].startswith(message)
    assert error["fix"].startswith("write the value as a literal in the class")
    assert "pyproject.toml" not in error["fix"]


def test_an_attribute_fal_never_reads_may_be_computed(make_project, run_cli):
    make_project('[tool.fal.apps.a]\nref = "app.py::A"\n',
                 {"app.py": 'import fal, os\n\nclass A(fal.App):\n    model_id = os.environ.get("MODEL", "x")\n'})

    assert run_cli("validate").code == 0


def test_class_keywords_fal_refuses_are_all_reported_at_once(make_project, run_cli):
    make_project('[tool.fal.apps.a]\nref = "app.py::A"\n',
                 {"app.py": 'import fal\n\nclass A(fal.App, machine_type="GPU-H100", num_gpus=2):\n    pass\n'})

    result = run_cli("validate", "--json")

    assert result.code == 2
    assert [error["message"].rsplit(" ", 1)[-1] for error in result.json["errors"]] == ["'machine_type'", "'num_gpus'"]
    assert result.json["errors"][0]["fix"] == "write it as a class attribute in the class body: machine_type = ..."
