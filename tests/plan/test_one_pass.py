"""One planning pass: every input ``synth`` refuses, ``validate`` on the platform repo refuses first, alike.

Each case writes a platform repo with one mistake and runs ``validate --json``, ``explain --json`` and
``synth``; all three exit 2 with the same problems (code, where, message). A last group of tests shows
the pass reports every problem of every project at once.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

APP = """\
    import fal

    class App(fal.App):
        machine_type = "GPU-H100"

        @fal.endpoint("/")
        def run(self, request: dict) -> dict:
            return request
    """
PLATFORM = """\
    [tool.fleetform]
    name = "acme"
    clouds = ["aws", "gcp"]
    apps = ["../app*/pyproject.toml"]
    default_regions = ["us-east"]
    [tool.fleetform.gcp]
    project = "acme-gpu-platform"
    [tool.fleetform.aws.certificates]
    us-east-1 = "arn:aws:acm:us-east-1:111111111111:certificate/0b6e7c1a-5d2f-4c3e-9a8b-7f6e5d4c3b2a"
    [tool.fleetform.gcp.certificates]
    us-east4 = "projects/acme-gpu-platform/regions/us-east4/sslCertificates/acme-apps"
    [tool.fleetform.auth]
    jwt_issuer = "https://login.acme.example/oauth2/default"
    jwks_url = "https://login.acme.example/oauth2/default/v1/keys"
    jwt_audience = ["api://acme-fleet"]
    """
APP_TOML = """\
    [tool.fal.apps.demo]
    ref = "app.py::App"
    auth = "public"
    """


def dns_platform(aws: str = "", gcp: str = "") -> str:
    """:data:`PLATFORM` with DNS settings added to ``[tool.fleetform.aws]`` / ``[tool.fleetform.gcp]``."""
    project = '    project = "acme-gpu-platform"\n'
    platform = PLATFORM.replace(project, f"{project}    {gcp}\n")
    return platform.replace("    [tool.fleetform.aws.certificates]\n",
                            f"    [tool.fleetform.aws]\n    {aws}\n    [tool.fleetform.aws.certificates]\n")


def write(root: Path, platform: str = PLATFORM, app: str = APP_TOML, extra_apps: dict[str, str] | None = None) -> Path:
    (root / "platform").mkdir()
    (root / "platform" / "pyproject.toml").write_text(textwrap.dedent(platform))
    for folder, toml in {"app": app, **(extra_apps or {})}.items():
        (root / folder).mkdir()
        (root / folder / "pyproject.toml").write_text(textwrap.dedent(toml))
        (root / folder / "app.py").write_text(textwrap.dedent(APP))
    return root / "platform"


def problems_of(result) -> list[tuple[str, str, str]]:
    return sorted((p["code"], p["where"], p["message"]) for p in result.json["errors"])


CASES = [
    pytest.param(PLATFORM, APP_TOML + "request_start_timeout = 30\n", "plan/unsupported-field", id="unsupported"),
    pytest.param(PLATFORM, APP_TOML + 'data_mounts = ["/data/../etc"]\n', "spec/bad-data-mount", id="data-mount"),
    pytest.param(PLATFORM.replace('us-east-1 = "arn', 'us-west-2 = "arn'), APP_TOML, "plan/public-without-https",
                 id="public-no-certificate"),
    pytest.param(PLATFORM, APP_TOML.replace('"public"', '"shared"'), None, id="ok-shared"),
    pytest.param(PLATFORM.replace("[tool.fleetform.auth]\n    jwt_issuer", "[tool.fleetform.auth]\n    # jwt_issuer")
                 .replace("    jwks_url", "    # jwks_url"), APP_TOML.replace('"public"', '"shared"'),
                 "plan/shared-auth-unset", id="shared-no-issuer"),
    pytest.param(PLATFORM.replace('    jwt_audience = ["api://acme-fleet"]\n', ""),
                 APP_TOML.replace('"public"', '"shared"'), "plan/shared-auth-no-audience", id="shared-no-audience"),
    pytest.param(PLATFORM + '    jwt_claims = [{ name = "iss", format = "single-string", values = ["x"] }]\n',
                 APP_TOML, "platform/invalid", id="claim-the-alb-validates-itself"),
    pytest.param(PLATFORM.replace(
        'us-east-1 = "arn:aws:acm:us-east-1:', 'us-east-1 = "arn:aws:acm:us-west-2:'), APP_TOML,
        "plan/certificate-region", id="certificate-of-another-region"),
    pytest.param(PLATFORM.replace("regions/us-east4/sslCertificates", "regions/us-central1/sslCertificates"),
                 APP_TOML, "plan/certificate-region", id="gcp-certificate-of-another-region"),
    pytest.param(PLATFORM, APP_TOML + 'regions = ["eu-north"]\n', "plan/region-not-served", id="region-not-served"),
    pytest.param(PLATFORM.replace('[tool.fleetform.gcp]\n    project = "acme-gpu-platform"\n', ""), APP_TOML,
                 "plan/gcp-project-unset", id="no-gcp-project"),
    pytest.param(dns_platform(aws='dns_zone = "gpu_acme.example"'), APP_TOML, "plan/dns-zone-invalid",
                 id="aws-dns-zone-not-a-domain"),
    pytest.param(dns_platform(gcp='dns_zone = "https://gcp.acme.example/"\n    dns_managed_zone = "acme-gcp"'),
                 APP_TOML, "plan/dns-zone-invalid", id="gcp-dns-zone-a-url"),
    pytest.param(dns_platform(gcp='dns_zone = "gcp.acme.example"'), APP_TOML, "plan/dns-zone-lookup-unset",
                 id="gcp-dns-zone-without-managed-zone"),
    pytest.param(dns_platform(gcp='dns_zone = "gcp.acme.example"\n    dns_managed_zone = "Acme_GCP"'), APP_TOML,
                 "plan/dns-zone-lookup-invalid", id="gcp-managed-zone-name-invalid"),
    pytest.param(dns_platform(aws=f'dns_zone = "{".".join(["a" * 60] * 4)}.ex"'), APP_TOML, "plan/dns-host-invalid",
                 id="host-name-too-long-for-any-certificate"),
    pytest.param(dns_platform(aws='dns_zone = "AWS.acme.example."',
                              gcp='dns_zone = "gcp.acme.example"\n    dns_managed_zone = "acme-gcp"'),
                 APP_TOML, None, id="ok-dns-zones"),
]


@pytest.mark.parametrize(("platform", "app", "code"), CASES)
def test_validate_refuses_what_synth_and_explain_refuse_with_the_same_problems(tmp_path, run_cli, platform, app,
                                                                               code):
    repo = write(tmp_path, platform, app)
    validated = run_cli("validate", repo, "--json")
    synthesized = run_cli("synth", "--config", repo, "--out", tmp_path / "out")
    explained = run_cli("explain", "demo", "--config", repo, "--json")
    if code is None:
        assert (validated.code, synthesized.code, explained.code) == (0, 0, 0), validated.out + synthesized.err
        return
    assert (validated.code, synthesized.code, explained.code) == (2, 2, 2)
    found = problems_of(validated)
    assert code in {problem[0] for problem in found}, found
    for other in (synthesized, explained):
        for problem in found:
            assert f"error[{problem[0]}] {problem[1]}\n  {problem[2]}" in other.err


def test_dns_zones_name_each_regions_internet_facing_load_balancer(tmp_path, run_cli):
    """Issue 14.11: the plan decides the host names; explain shows the app's HTTPS URL on them."""
    repo = write(tmp_path, dns_platform(aws='dns_zone = "AWS.acme.example."',
                                        gcp='dns_zone = "gcp.acme.example"\n    dns_managed_zone = "acme-gcp"'))
    explained = run_cli("explain", "demo", "--config", repo, "--json")
    assert explained.code == 0, explained.err
    assert {(g["cloud"], g["route"]["url"]) for g in explained.json["groups"]} == {
        ("aws", "https://us-east-1.aws.acme.example/demo"), ("gcp", "https://us-east4.gcp.acme.example/demo")}
    text = run_cli("explain", "demo", "--config", repo).out
    assert "  url:       https://us-east-1.aws.acme.example/demo\n" in text


def test_a_zone_on_a_plain_http_load_balancer_is_a_warning(tmp_path, run_cli):
    platform = dns_platform(aws='dns_zone = "aws.acme.example"').replace(
        'us-east-1 = "arn', 'us-west-2 = "arn').replace(
        'default_regions = ["us-east"]', 'default_regions = ["us-east"]\n    allow_plain_http = true')
    platform = platform.replace('us-west-2 = "arn:aws:acm:us-east-1:', 'us-west-2 = "arn:aws:acm:us-west-2:')
    repo = write(tmp_path, platform)
    synthesized = run_cli("synth", "--config", repo, "--out", tmp_path / "out")
    assert synthesized.code == 0, synthesized.err
    assert (f"warning[plan/dns-without-certificate] {repo / 'pyproject.toml'}: tool.fleetform.aws.certificates."
            "us-east-1\n  us-east-1.aws.acme.example will point at a load balancer that serves plain HTTP") \
        in synthesized.err
    result = run_cli("explain", "demo", "--config", repo, "--json")
    assert {g["route"]["url"] for g in result.json["groups"] if g["cloud"] == "aws"} == {
        "http://us-east-1.aws.acme.example/demo"}
    # validate, the preflight, says it too: the warning is the platform's, not the app's.
    validated = run_cli("validate", repo, "--json")
    assert validated.code == 0, validated.err
    assert [w["code"] for w in validated.json["warnings"]] == ["plan/dns-without-certificate"]
    assert "warning[plan/dns-without-certificate]" in run_cli("validate", repo).err


def test_public_apps_on_plain_http_need_the_platforms_explicit_opt_in(tmp_path, run_cli):
    platform = PLATFORM.replace('us-east-1 = "arn', 'us-west-2 = "arn').replace(
        'default_regions = ["us-east"]', 'default_regions = ["us-east"]\n    allow_plain_http = true')
    platform = platform.replace('us-west-2 = "arn:aws:acm:us-east-1:', 'us-west-2 = "arn:aws:acm:us-west-2:')
    repo = write(tmp_path, platform)
    assert run_cli("validate", repo, "--json").code == 0


def test_the_same_app_name_in_two_projects_is_refused_by_validate(tmp_path, run_cli):
    repo = write(tmp_path, extra_apps={"app2": APP_TOML})
    result = run_cli("validate", repo, "--json")
    assert result.code == 2
    assert [p[0] for p in problems_of(result)] == ["plan/duplicate-app"]


def test_every_problem_of_every_project_at_once(tmp_path, run_cli):
    broken = '[tool.fal.apps.other]\nref = "app.py::App\n'
    two_errors = APP_TOML + 'termination_grace_period_seconds = 60\ndata_mounts = ["/mnt"]\n'
    repo = write(tmp_path, app=two_errors, extra_apps={"app2": broken})
    result = run_cli("validate", repo, "--json")
    assert result.code == 2
    codes = [p[0] for p in problems_of(result)]
    assert "spec/toml-syntax" in codes and "spec/bad-data-mount" in codes, codes
    assert len([c for c in codes if c != "spec/toml-syntax"]) >= 2, codes


def test_a_duplicate_key_names_the_key_and_shows_its_line(tmp_path, run_cli):
    repo = write(tmp_path, app=APP_TOML + "keep_alive = 10\nkeep_alive = 20\n")
    result = run_cli("validate", repo)
    assert result.code == 2
    assert "tool.fal.apps.demo.keep_alive" in result.err
    assert "key 'keep_alive' of [tool.fal.apps.demo] is set twice" in result.err
    assert "| keep_alive = 20" in result.err


@pytest.mark.parametrize("toml", [
    'app_files_context_dir = "a\\u0000b"\napp_files = ["x"]\n',
    'requirements_context_dir = "a\\u0001"\n',
])
def test_control_characters_in_path_fields_are_bad_input(tmp_path, run_cli, toml):
    repo = write(tmp_path, app=APP_TOML + toml)
    result = run_cli("validate", repo, "--json")
    assert result.code == 2
    assert "spec/control-character" in {p[0] for p in problems_of(result)}


def test_a_nul_byte_in_ref_is_bad_input_not_an_internal_error(tmp_path, run_cli):
    repo = write(tmp_path, app='[tool.fal.apps.demo]\nref = "app\\u0000.py::App"\n')
    result = run_cli("validate", repo, "--json")
    assert result.code == 2
    assert problems_of(result)[0][0] == "spec/control-character"
