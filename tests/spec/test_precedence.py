"""fal's precedence: class values over TOML over defaults for ref apps; TOML only for entry points."""

from __future__ import annotations

APP = '''
import fal

class Plain(fal.App):
    pass

class Tuned(fal.App, keep_alive=30, min_concurrency=1):
    machine_type = "GPU-A100"
    requirements = ["numpy==2.1.0"]
'''

PYPROJECT = '''
[tool.fal.apps.plain]
ref = "app.py::Plain"
keep_alive = 300
machine_type = "GPU-H100"
requirements = ["scipy"]

[tool.fal.apps.tuned]
ref = "app.py::Tuned"
keep_alive = 300
machine_type = "GPU-H100"
min_concurrency = 3
max_concurrency = 5
requirements = ["scipy"]

[tool.fal.apps.entry]
python_entry_point = "app:Tuned"
'''


def _settings(run_cli, make_project):
    make_project(PYPROJECT, {"app.py": APP})
    result = run_cli("validate", "--json")
    assert result.code == 0, result.out
    return {app["key"]: app for app in result.json["apps"]}


def test_toml_fills_what_a_plain_class_does_not_set(run_cli, make_project):
    plain = _settings(run_cli, make_project)["plain"]

    assert plain["settings"]["keep_alive"] == 300 and plain["sources"]["keep_alive"] == "toml"
    assert plain["settings"]["machine_type"] == ["GPU-H100"]


def test_class_values_win_over_toml(run_cli, make_project):
    tuned = _settings(run_cli, make_project)["tuned"]

    assert tuned["settings"]["keep_alive"] == 30 and tuned["sources"]["keep_alive"] == "class"
    assert tuned["settings"]["machine_type"] == ["GPU-A100"]
    assert tuned["settings"]["min_concurrency"] == 1
    assert tuned["settings"]["requirements"] == ["numpy==2.1.0"]
    assert tuned["settings"]["max_concurrency"] == 5 and tuned["sources"]["max_concurrency"] == "toml"
    assert any("not installed: fal 1.83 ignores TOML requirements" in warning for warning in tuned["warnings"])


def test_toml_requirements_of_a_plain_ref_app_are_not_installed_as_on_fal(run_cli, make_project):
    plain = _settings(run_cli, make_project)["plain"]

    assert plain["settings"]["requirements"] == []
    warning = next(warning for warning in plain["warnings"] if "requirements" in warning)
    assert warning == ("pyproject.toml: tool.fal.apps.plain.requirements: not installed: fal 1.83 ignores TOML "
                       "requirements for a ref app, so fleetform does too; write them in the class body: "
                       "requirements = [...] (a module constant works too)")


def test_entry_point_apps_take_settings_from_toml_only(run_cli, make_project):
    entry = _settings(run_cli, make_project)["entry"]

    assert entry["settings"]["keep_alive"] == 60 and entry["sources"]["keep_alive"] == "default"
    assert entry["settings"]["machine_type"] == ["S"]
    assert entry["class"] is None


def test_name_defaults_to_the_table_key(run_cli, make_project):
    apps = _settings(run_cli, make_project)

    assert [app["name"] for app in apps.values()] == ["plain", "tuned", "entry"]
    assert apps["plain"]["sources"]["name"] == "default"


def test_gpu_apps_default_to_one_gpu_and_cpu_apps_to_none(run_cli, make_project):
    apps = _settings(run_cli, make_project)

    assert apps["plain"]["settings"]["num_gpus"] == 1
    assert apps["entry"]["settings"]["num_gpus"] is None


def test_same_file_base_class_settings_are_inherited(run_cli, make_project):
    make_project('[tool.fal.apps.child]\nref = "app.py::Child"\n', {"app.py": '''
import fal

class Base(fal.App, keep_alive=120):
    machine_type = "GPU-L40"

class Child(Base):
    max_multiplexing = 4
'''})
    app = run_cli("validate", "--json").json["apps"][0]

    assert (app["settings"]["keep_alive"], app["settings"]["machine_type"], app["settings"]["max_multiplexing"]) == (
        120, ["GPU-L40"], 4)


def test_ref_without_class_finds_the_only_app_in_the_file(run_cli, make_project):
    make_project('[tool.fal.apps.only]\nref = "app.py"\n', {"app.py": "import fal\n\nclass One(fal.App):\n"
                                                                       "    machine_type = 'M'\n"})
    app = run_cli("validate", "--json").json["apps"][0]

    assert app["settings"]["machine_type"] == ["M"]


def test_private_logs_as_class_attribute_is_ignored_like_fal_does(run_cli, make_project):
    make_project('[tool.fal.apps.a]\nref = "app.py::A"\n', {"app.py": "import fal\n\nclass A(fal.App):\n"
                                                                     "    private_logs = True\n"})
    app = run_cli("validate", "--json").json["apps"][0]

    assert app["settings"]["private_logs"] is False
    assert "fal ignores private_logs as a class attribute" in app["warnings"][0]


def test_validation_is_deterministic(run_cli, make_project):
    make_project(PYPROJECT, {"app.py": APP})

    assert run_cli("validate", "--json").out == run_cli("validate", "--json").out


def test_health_check_endpoint_path_may_be_a_keyword(run_cli, make_project):
    make_project('[tool.fal.apps.a]\nref = "app.py::A"\n', {"app.py": '''
import fal

class A(fal.App):
    @fal.endpoint(path="/ready", health_check=fal.HealthCheck(failure_threshold=5))
    def ready(self):
        return {}
'''})
    app = run_cli("validate", "--json").json["apps"][0]

    assert app["settings"]["health_check"]["path"] == "/ready"
    assert app["settings"]["health_check"]["failure_threshold"] == 5
