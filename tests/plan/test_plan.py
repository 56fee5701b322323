"""The plan model: what each group gets, decided once for both clouds (layer 1: model tests)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fleetform.errors import FleetformError
from fleetform.plan.model import RUNNER_AGENT_PORT
from fleetform.plan.platform import plan_workspace
from fleetform.spec.workspace import open_workspace
from tests.conftest import EXAMPLES

APP_FILE = """
import fal

class Generator(fal.App):
    machine_type = "GPU-H100"

    @fal.endpoint("/")
    def run(self) -> dict:
        return {}
"""


def write_platform(root: Path, fleetform: str, apps: str, files: dict[str, str] | None = None) -> Path:
    """A platform repo at root/platform whose apps live in root/app."""
    (root / "platform").mkdir(parents=True, exist_ok=True)
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "platform" / "pyproject.toml").write_text(
        '[tool.fleetform]\nname = "acme"\napps = ["../app/pyproject.toml"]\n' + textwrap.dedent(fleetform))
    (root / "app" / "pyproject.toml").write_text(textwrap.dedent(apps))
    for name, text in (files or {"app.py": APP_FILE}).items():
        (root / "app" / name).write_text(textwrap.dedent(text))
    return root / "platform"


def plan_of(root: Path, fleetform: str, apps: str, files: dict[str, str] | None = None):
    return plan_workspace(open_workspace(write_platform(root, fleetform, apps, files)))


def only_group(plan, app: str, cloud: str = "aws"):
    groups = [g for g in plan.groups(app) if g.cloud == cloud]
    assert len(groups) == 1, groups
    return groups[0]


@pytest.fixture(scope="module")
def example_plan():
    return plan_workspace(open_workspace(EXAMPLES / "platform"))


def test_example_platform_has_a_stack_per_cloud_and_fal_region(example_plan):
    names = {region.stack_name for region in example_plan.regions}
    for cloud in ("aws", "gcp"):
        for fal_region in ("us-west", "us-central", "us-east", "eu-north", "eu-west"):
            assert f"{cloud}-{fal_region}" in names
    assert [shared.stack_name for shared in example_plan.shared] == ["aws-shared", "gcp-shared"]


def test_example_groups_carry_their_spec(example_plan):
    transcriber = next(g for g in example_plan.groups("transcriber") if g.cloud_region == "us-east-2")
    assert transcriber.machine.instance_types == ("p4d.24xlarge", "p5.48xlarge")
    assert transcriber.zones == ("use2-az1", "use2-az2", "use2-az3")
    assert (transcriber.scaling.min_runners, transcriber.scaling.max_runners) == (1, 8)
    assert transcriber.scaling.max_multiplexing == 4
    assert transcriber.route.auth == "public"
    assert transcriber.route.request_timeout_seconds == 120
    assert transcriber.route.retry_conditions == ("connection_error", "server_error")
    # retry_config: server_error 3, connection_error 5; one route count: the smaller, never the larger
    assert transcriber.route.retries == 3
    assert transcriber.route.retry_counts == (("timeout", 0), ("server_error", 3), ("connection_error", 5))
    assert transcriber.rollout.termination_grace_seconds == 25
    assert transcriber.runner.metrics_port == 9100
    assert transcriber.runner.data_mounts == ("/data/.cache",)
    assert transcriber.secrets_read == ("GH_TOKEN", "HF_TOKEN")
    assert transcriber.image.source == "requirements" and transcriber.image.build_secrets == ("GH_TOKEN",)
    assert transcriber.health.grace_seconds == 900  # max(start_period 60, startup_timeout 900)
    captioner = example_plan.groups("captioner")[0]
    assert captioner.image.source == "dockerfile"
    assert [login.password_secret for login in captioner.image.registries] == ["DOCKERHUB_TOKEN"]
    # The Dockerfile's base-image registry is the build's login, not the runner's (its image is in the platform's).
    assert captioner.secrets_read == ()
    assert captioner.image.runtime_registries == ()
    assert captioner.image.build_secrets == ("PIP_TOKEN",)
    assert captioner.image.build_secrets_read == ("DOCKERHUB_TOKEN", "PIP_TOKEN")
    shared = {plan.cloud: plan for plan in example_plan.shared}
    assert shared["aws"].build_secrets == ("DOCKERHUB_TOKEN", "EXAMPLE_REGISTRY_TOKEN", "GH_TOKEN", "PIP_TOKEN")
    assert "DOCKERHUB_TOKEN" in shared["aws"].secrets


def test_costs_follow_min_and_max(example_plan):
    group = next(g for g in example_plan.groups("image-generator") if g.cloud_region == "us-east-1")
    assert group.hourly_usd_per_runner == pytest.approx(6.88)
    assert group.hourly_usd_at_min == pytest.approx(6.88 * group.scaling.min_runners)
    assert group.hourly_usd_at_max == pytest.approx(6.88 * group.scaling.max_runners)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("", ("GET", "/health", 8080, "/health", "200-399", True, False)),
        # fal's built-in /health is GET: probed directly, never POSTed through the bridge (405 for ever)
        ('[tool.fal.apps.gen.health_check]\npath = "/health"\n',
         ("GET", "/health", 8080, "/health", "200-399", True, True)),
        ('[tool.fal.apps.gen.health_check]\npath = "/"\n',
         ("POST", "/", RUNNER_AGENT_PORT, "/fleetform/health", "200-399", True, True)),
        ('[tool.fal.apps.gen.health_check]\npath = "/"\ncall_regularly = false\n',
         ("POST", "/", RUNNER_AGENT_PORT, "/fleetform/health", "200-399", False, True)),
    ],
)
def test_health_probe_decisions(tmp_path, table, expected):
    plan = plan_of(tmp_path, "clouds = [\"aws\"]\n", f'[tool.fal.apps.gen]\nref = "app.py::Generator"\n{table}')
    health = only_group(plan, "gen").health
    assert (health.method, health.path, health.probe_port, health.probe_path, health.success_codes,
            health.replace_unhealthy, health.declared) == expected
    assert health.grace_seconds == 600


WEBSOCKET_APP = APP_FILE + """
    @fal.realtime("/stream")
    def stream(self) -> dict:
        return {}
"""


@pytest.mark.parametrize(
    ("table", "code", "key", "files"),
    [
        ('path = "/ready"\n', "plan/health-path-unserved", "health_check.path", None),
        ('path = "/stream"\n', "plan/health-path-unserved", "health_check.path", {"app.py": WEBSOCKET_APP}),
        ('path = "/health"\nmethod = "POST"\n', "plan/health-method-unserved", "health_check.method", None),
        ('path = "/"\nmethod = "GET"\n', "plan/health-method-unserved", "health_check.method", None),
    ],
)
def test_a_health_path_the_app_does_not_answer_is_refused(tmp_path, table, code, key, files):
    with pytest.raises(FleetformError) as raised:
        plan_of(tmp_path, "clouds = [\"aws\"]\n",
                f'[tool.fal.apps.gen]\nref = "app.py::Generator"\n[tool.fal.apps.gen.health_check]\n{table}', files)
    (problem,) = raised.value.problems
    assert problem.code == code
    assert problem.where.endswith(f"tool.fal.apps.gen.{key}")
    assert problem.allowed == "POST /, GET /health (fal's built-in)"


def test_a_class_health_check_on_a_declared_endpoint_is_posted(tmp_path):
    app = APP_FILE.replace('@fal.endpoint("/")', '@fal.endpoint("/", health_check=fal.HealthCheck())')
    plan = plan_of(tmp_path, "clouds = [\"aws\"]\n", '[tool.fal.apps.gen]\nref = "app.py::Generator"\n',
                   {"app.py": app})
    health = only_group(plan, "gen").health
    assert (health.method, health.path, health.probe_port) == ("POST", "/", RUNNER_AGENT_PORT)


def test_a_served_function_has_no_builtin_health_route(tmp_path):
    function = ('import fal\n\n@fal.function(machine_type="GPU-H100", serve=True)\n'
                'def generate(prompt: str) -> str:\n    return prompt\n')
    plan = plan_of(tmp_path, "clouds = [\"aws\"]\n", '[tool.fal.apps.gen]\nref = "app.py::generate"\n',
                   {"app.py": function})
    health = only_group(plan, "gen").health
    assert (health.method, health.path, health.probe_port, health.success_codes) == ("GET", "/", 8080, "200-499")
    with pytest.raises(FleetformError) as raised:
        plan_of(tmp_path / "checked", "clouds = [\"aws\"]\n",
                '[tool.fal.apps.gen]\nref = "app.py::generate"\n[tool.fal.apps.gen.health_check]\npath = "/health"\n',
                {"app.py": function})
    assert raised.value.problems[0].allowed == "POST /"


@pytest.mark.parametrize(
    ("table", "counts", "conditions", "retries"),
    [
        # The platform's defaults.retries (2): a timed-out request reached the runner, so it is retried only
        # when the app asks
        ("", (("timeout", 0), ("server_error", 2), ("connection_error", 2)), ("connection_error", "server_error"), 2),
        ('retry_config = { timeout = { retries = 1 } }\n',
         (("timeout", 1), ("server_error", 2), ("connection_error", 2)),
         ("connection_error", "server_error", "timeout"), 1),
        ('skip_retry_conditions = ["server_error", "connection_error"]\n', (("timeout", 0), ("server_error", 0),
                                                                         ("connection_error", 0)), (), 0),
        ('retry_config = { server_error = { retries = 0 }, connection_error = { retries = 4 } }\n',
         (("timeout", 0), ("server_error", 0), ("connection_error", 4)), ("connection_error",), 4),
        ('skip_retry_conditions = ["timeout"]\nretry_config = { timeout = { retries = 3 } }\n',
         (("timeout", 0), ("server_error", 2), ("connection_error", 2)), ("connection_error", "server_error"), 2),
    ],
)
def test_retries_follow_the_apps_fields(tmp_path, table, counts, conditions, retries):
    plan = plan_of(tmp_path, "clouds = [\"aws\"]\n", f'[tool.fal.apps.gen]\nref = "app.py::Generator"\n{table}')
    route = only_group(plan, "gen").route
    assert (route.retry_counts, route.retry_conditions, route.retries) == (counts, conditions, retries)


@pytest.mark.parametrize(("retries", "counts", "route_retries"), [
    (0, (("timeout", 0), ("server_error", 0), ("connection_error", 0)), 0),
    (4, (("timeout", 0), ("server_error", 4), ("connection_error", 4)), 4),
])
def test_the_platforms_default_retries_apply_where_the_app_sets_no_count(tmp_path, retries, counts, route_retries):
    plan = plan_of(tmp_path, f'clouds = ["aws"]\n[tool.fleetform.defaults]\nretries = {retries}\n',
                   '[tool.fal.apps.gen]\nref = "app.py::Generator"\n'
                   'retry_config = { timeout = { retries = 0 } }\n')
    route = only_group(plan, "gen").route
    assert (route.retry_counts, route.retries) == (counts, route_retries)
    configured = plan_of(tmp_path / "configured", f'clouds = ["aws"]\n[tool.fleetform.defaults]\nretries = {retries}\n',
                         '[tool.fal.apps.gen]\nref = "app.py::Generator"\n'
                         'retry_config = { server_error = { retries = 1 } }\n')
    assert dict(only_group(configured, "gen").route.retry_counts)["server_error"] == 1  # the app's count wins


def test_image_only_app_is_probed_at_its_root(tmp_path):
    plan = plan_of(tmp_path, "clouds = [\"aws\"]\n",
                   '[tool.fal.apps.web]\nmachine_type = "GPU-H100"\nexposed_port = 8000\n'
                   '[tool.fal.apps.web.image]\nimage = "ghcr.io/acme/web:1.0"\n', files={})
    group = only_group(plan, "web")
    assert (group.health.path, group.health.probe_port, group.health.success_codes) == ("/", 8000, "200-499")
    assert group.image.reference == "ghcr.io/acme/web:1.0" and group.image.source == "image"
    assert group.runner.metrics_port is None


def test_listener_priority_is_stable_when_apps_come_and_go(tmp_path):
    one = plan_of(tmp_path / "one", "clouds = [\"aws\"]\n", '[tool.fal.apps.gen]\nref = "app.py::Generator"\n')
    two = plan_of(tmp_path / "two", "clouds = [\"aws\"]\n",
                  '[tool.fal.apps.gen]\nref = "app.py::Generator"\n[tool.fal.apps.other]\nref = "app.py::Generator"\n')
    first = only_group(one, "gen").route.listener_priority
    assert 1 <= first <= 50_000
    assert only_group(two, "gen").route.listener_priority == first
    assert only_group(two, "other").route.listener_priority != first


def test_image_tag_follows_build_inputs_only(tmp_path):
    apps = '[tool.fal.apps.gen]\nref = "app.py::Generator"\n'
    code = {"app.py": APP_FILE.replace('machine_type = "GPU-H100"\n',
                                        'machine_type = "GPU-H100"\n    requirements = ["torch==2.5.0"]\n')}
    changed_code = {"app.py": code["app.py"].replace("2.5.0", "2.5.1")}
    tag = only_group(plan_of(tmp_path / "a", 'clouds = ["aws"]\n', apps, code), "gen").image.tag
    again = only_group(plan_of(tmp_path / "b", 'clouds = ["aws"]\n', apps, code), "gen").image.tag
    changed = only_group(plan_of(tmp_path / "c", 'clouds = ["aws"]\n', apps, changed_code), "gen").image.tag
    assert tag == again and tag.startswith("in-") and changed != tag


def test_app_team_and_secrets_reach_the_group(tmp_path):
    plan = plan_of(tmp_path, 'clouds = ["gcp"]\n[tool.fleetform.gcp]\nproject = "acme-gpu-test"\n',
                   '[tool.fal.apps.gen]\nref = "app.py::Generator"\nteam = "imaging"\nsecrets = ["HF_TOKEN"]\n'
                   'private_logs = true\n')
    group = only_group(plan, "gen", "gcp")
    assert group.team == "imaging" and group.secrets_read == ("HF_TOKEN",) and group.runner.private_logs
    assert plan.shared_for("gcp").secrets == ("HF_TOKEN",)
    assert plan.shared_for("gcp").private_log_apps == ("gen",)


def test_example_stacks_are_shared_then_per_region_base_apps_and_routes(example_plan):
    stacks = example_plan.stacks
    assert [stack.name for stack in stacks[:6]] == [
        "aws-shared", "aws-shared--captioner", "aws-shared--image-generator", "aws-shared--transcriber",
        "aws-shared--upscaler", "gcp-shared"]
    assert {(stack.role, stack.app, stack.depends_on, stack.cloud_region) for stack in stacks[1:5]} == {
        ("app-shared", app, ("aws-shared",), example_plan.shared_for("aws").home_region)
        for app in ("captioner", "image-generator", "transcriber", "upscaler")}
    by_name = {stack.name: stack for stack in stacks}
    assert len(by_name) == len(stacks)
    for stack in stacks:
        # Deploy order: every stack comes after each stack it depends on.
        assert all(names.index(dependency) < names.index(stack.name)
                   for names in [[s.name for s in stacks]] for dependency in stack.depends_on)
    assert by_name["aws-us-east--captioner"].depends_on == ("aws-shared", "aws-shared--captioner", "aws-us-east")
    assert by_name["aws-us-east"].depends_on == ("aws-shared",)
    assert by_name["gcp-us-east--image-generator"].depends_on == ("gcp-shared", "gcp-us-east")
    assert (by_name["aws-us-east--captioner"].role, by_name["aws-us-east--captioner"].app) == ("app", "captioner")
    assert by_name["gcp-us-central-routes"].depends_on == ("gcp-us-central", "gcp-us-central--transcriber")
    assert not any(stack.role == "routes" for stack in stacks if stack.cloud == "aws")


@pytest.mark.parametrize(("backend", "settings"), [
    ("s3", 'clouds = ["aws"]\n[tool.fleetform.state]\nregion = "us-east-1"\n'),
    ("gcs", 'clouds = ["gcp"]\n[tool.fleetform.gcp]\nproject = "acme-gpu-test"\n[tool.fleetform.state]\n')])
def test_every_state_object_fits_the_stores_name_limit(tmp_path, backend, settings):
    state = f'{settings}backend = "{backend}"\nbucket = "acme-state"\n'
    apps = '[tool.fal.apps.gen]\nref = "app.py::Generator"\n'
    fits = plan_of(tmp_path / "fits", f'{state}prefix = "{"p" * 900}"\n', apps)
    assert max(len(fits.state.longest_object(stack.name).encode()) for stack in fits.stacks) <= 1024
    app_stack = next(stack.name for stack in fits.stacks if stack.app == "gen")
    assert fits.state.key(app_stack) == "p" * 900 + f"/{app_stack}" + (".tfstate" if backend == "s3" else "")
    with pytest.raises(FleetformError) as caught:
        plan_of(tmp_path / "long", f'{state}prefix = "{"p" * 1000}"\n', apps)
    assert problems(caught.value) == [("plan/state-key-too-long", "tool.fleetform.state.prefix")]
    longest = max((stack.name for stack in fits.stacks), key=len)
    assert f"stack {longest!r} would keep its state at" in caught.value.problems[0].message
    suffix = len(fits.state.longest_object(longest)) - 900
    assert caught.value.problems[0].fix == f"shorten the prefix to at most {1024 - suffix} bytes"


def problems(error: FleetformError) -> list[tuple[str, str]]:
    return [(problem.code, problem.where.split(": ")[-1]) for problem in error.problems]


def test_request_start_timeout_is_refused_where_it_is_written(tmp_path):
    with pytest.raises(FleetformError) as caught:
        plan_of(tmp_path, 'clouds = ["aws"]\n',
                '[tool.fal.apps.gen]\nref = "app.py::Generator"\nrequest_start_timeout = 30\n')
    assert problems(caught.value) == [("plan/unsupported-field", "tool.fal.apps.gen.request_start_timeout")]
    assert "not supported yet" in caught.value.problems[0].message


def test_shared_apps_on_aws_need_an_issuer_an_audience_and_https(tmp_path):
    with pytest.raises(FleetformError) as caught:
        plan_of(tmp_path, 'clouds = ["aws"]\n', '[tool.fal.apps.gen]\nref = "app.py::Generator"\nauth = "shared"\n')
    assert problems(caught.value) == [("plan/shared-auth-unset", "tool.fleetform.auth.jwt_issuer"),
                                      ("plan/shared-auth-no-audience", "tool.fleetform.auth.jwt_audience"),
                                      ("plan/shared-auth-needs-https", "tool.fleetform.aws.certificates.us-east-1")]


def test_configured_network_must_reach_a_zone_that_offers_the_type(tmp_path):
    network = """
    [tool.fleetform.networks.aws.us-east-1]
    vpc_id = "vpc-0a1b2c3d4e5f60718"
    private_subnets = { use1-az3 = "subnet-0aa3", use1-az5 = "subnet-0aa5" }
    """
    with pytest.raises(FleetformError) as caught:
        plan_of(tmp_path, 'clouds = ["aws"]\n' + textwrap.dedent(network),
                '[tool.fal.apps.gen]\nref = "app.py::Generator"\n',
                files={"app.py": APP_FILE.replace('"GPU-H100"', '"GPU-A100"\n    num_gpus = 8')})
    assert problems(caught.value) == [("plan/no-subnet", "tool.fleetform.networks.aws.us-east-1.private_subnets")]
    assert "none of them has a private subnet" in caught.value.problems[0].message  # p4d: az1, az2, az4, az6
    assert caught.value.problems[0].allowed == "use1-az1, use1-az2, use1-az4, use1-az6"


def test_an_alb_needs_two_zones(tmp_path):
    network = """
    [tool.fleetform.networks.aws.us-east-1]
    vpc_id = "vpc-0a1b2c3d4e5f60718"
    private_subnets = { use1-az1 = "subnet-0aa1" }
    """
    with pytest.raises(FleetformError) as caught:
        plan_of(tmp_path, 'clouds = ["aws"]\n' + textwrap.dedent(network),
                '[tool.fal.apps.gen]\nref = "app.py::Generator"\n')
    assert problems(caught.value) == [("plan/load-balancer-zones",
                                       "tool.fleetform.networks.aws.us-east-1.private_subnets")]


def test_two_projects_may_not_deploy_the_same_app_name(tmp_path):
    root = write_platform(tmp_path, 'clouds = ["aws"]\n', '[tool.fal.apps.gen]\nref = "app.py::Generator"\n')
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[tool.fal.apps.gen]\nref = "app.py::Generator"\n')
    (other / "app.py").write_text(textwrap.dedent(APP_FILE))
    text = (root / "pyproject.toml").read_text().replace('["../app/pyproject.toml"]',
                                                         '["../app/pyproject.toml", "../other/pyproject.toml"]')
    (root / "pyproject.toml").write_text(text)
    with pytest.raises(FleetformError) as caught:
        plan_workspace(open_workspace(root))
    assert [p.code for p in caught.value.problems] == ["plan/duplicate-app"]


@pytest.mark.parametrize("reference, hosts, logged_in", [
    ("registry.example.com:5000/ml/mirror:2", ["registry.example.com:5000", "ghcr.io"], ["registry.example.com:5000"]),
    ("python:3.12", ["https://index.docker.io/v1/", "ghcr.io"], ["https://index.docker.io/v1/"]),
    ("library/python:3.12", ["docker.io"], ["docker.io"]),
    ("ghcr.io/org/app:1", ["https://ghcr.io"], ["https://ghcr.io"]),
    ("localhost/app:1", ["localhost"], ["localhost"]),
])
def test_a_runner_logs_in_only_where_its_image_is(reference, hosts, logged_in):
    from fleetform.plan.model import ImagePlan, RegistryLogin

    plan = ImagePlan(source="image", reference=reference, repository="acme/x", tag="",
                     registries=tuple(RegistryLogin(host, "bot", f"T{i}") for i, host in enumerate(hosts)),
                     entrypoint=None, cmd=None, build_secrets=())
    assert [login.host for login in plan.runtime_registries] == logged_in
    assert plan.build_registries == ()
