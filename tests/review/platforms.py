"""Platform repos for the review tests: written to disk, planned (or synthesized) for real, then changed.

Every BASE and HEAD is a real platform repo that goes through the same plan pass as ``synth``; the tests
change the app TOML the way a pull request would, never the plan.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from fleetform.plan.model import PlatformPlan
from fleetform.plan.platform import plan_workspace
from fleetform.spec.workspace import open_workspace

PLATFORM = """\
[tool.fleetform]
name = "acme"
clouds = {clouds}
apps = ["../apps/*/pyproject.toml"]
default_regions = {regions}
[tool.fleetform.defaults]
request_timeout = 600
python_version = "3.11"
[tool.fleetform.state]
backend = "local"
[tool.fleetform.aws]
allowed_account_ids = ["111111111111"]
[tool.fleetform.aws.certificates]
us-east-1 = "arn:aws:acm:us-east-1:111111111111:certificate/0b6e7c1a-5d2f-4c3e-9a8b-7f6e5d4c3b2a"
us-west-2 = "arn:aws:acm:us-west-2:111111111111:certificate/1c7f8d2b-6e3a-4d4f-8b9c-8a7f6e5d4c3b"
[tool.fleetform.auth]
jwt_issuer = "https://login.acme.example/oauth2/default"
jwks_url = "https://login.acme.example/oauth2/default/v1/keys"
jwt_audience = ["api://acme-fleet"]
shared_members = ["domain:acme.example"]
[tool.fleetform.gcp]
project = "acme-test"
[tool.fleetform.gcp.certificates]
us-east4 = "projects/acme-test/regions/us-east4/sslCertificates/acme"
us-west1 = "projects/acme-test/regions/us-west1/sslCertificates/acme"
"""

APP = """\
[tool.fal.apps.{name}]
ref = "{module}.py::Server"
machine_type = "{machine}"
min_concurrency = {min}
max_concurrency = {max}
auth = "{auth}"
deployment_strategy = "{strategy}"
app_scale_settings = {scale_settings}
keep_alive = {keep_alive}
"""

APP_FILE = """\
import fal


class Server(fal.App):
    requirements = {requirements}

    @fal.endpoint("/")
    def run(self) -> dict:
        return {{}}
"""


def app_toml(name: str, *, machine: str = "GPU-H100", min: int = 1, max: int = 4, auth: str = "private",
             strategy: str = "rolling", requirements: str = '["torch==2.5.0"]', scale_settings: bool = True,
             keep_alive: int = 60, extra: str = "") -> str:
    """One app's ``[tool.fal.apps.NAME]`` table, fal's fields as a pull request would edit them."""
    module = _module(name)
    table = APP.format(name=name, module=module, machine=machine, min=min, max=max, auth=auth, strategy=strategy,
                       scale_settings=str(scale_settings).lower(), keep_alive=keep_alive) + textwrap.dedent(extra)
    return f"# {module}.py requirements = {requirements}\n" + table


def _module(name: str) -> str:
    """The app's own class file: fal reads a ref app's requirements from its class, never from the TOML."""
    return "app_" + name.replace("-", "_")


def _app_files(apps: list[str]) -> dict[str, str]:
    """``{module}.py`` for every app, from the ``# module.py requirements = [...]`` line app_toml writes."""
    files = {}
    for table in apps:
        for line in table.splitlines():
            if line.startswith("# app_") and ".py requirements = " in line:
                module, _, requirements = line[2:].partition(".py requirements = ")
                files[f"{module}.py"] = APP_FILE.format(requirements=requirements)
    return files


def platform_repo(root: Path, apps: list[str], *, clouds: str = '["aws"]', regions: str = '["us-east"]') -> Path:
    """A platform repo at ``root/platform`` whose one app project (``root/apps/team``) holds ``apps``."""
    (root / "platform").mkdir(parents=True, exist_ok=True)
    (root / "apps" / "team").mkdir(parents=True, exist_ok=True)
    (root / "platform" / "pyproject.toml").write_text(PLATFORM.format(clouds=clouds, regions=regions))
    (root / "apps" / "team" / "pyproject.toml").write_text("\n".join(apps))
    for name, text in _app_files(apps).items():
        (root / "apps" / "team" / name).write_text(text)
    return root / "platform"


def plan(platform: Path) -> PlatformPlan:
    return plan_workspace(open_workspace(platform))
