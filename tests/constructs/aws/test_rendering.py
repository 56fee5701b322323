"""The pure rendering rules of the AWS constructs, as tables: health probes, rollouts, prefix rewrites,
registry ports, names, root volumes."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from fleetform.constructs.aws.instance_group import ignored_changes, instance_refresh
from fleetform.constructs.aws.names import load_balancer_name, runner_role_name, target_group_name
from fleetform.constructs.aws.routing import prefix_rewrite, target_health_check
from fleetform.constructs.aws.runner_security_group import registry_ports
from fleetform.plan.draining import plan_draining
from fleetform.plan.model import HealthPlan, ImagePlan, RegistryLogin, RolloutPlan, ScalingPlan

HEALTH = HealthPlan(path="/health", method="GET", probe_port=8080, probe_path="/health", interval_seconds=15,
                    timeout_seconds=5, unhealthy_threshold=3, healthy_threshold=2, grace_seconds=600,
                    success_codes="200-399", declared=True, replace_unhealthy=True)
PROBE = {"enabled": True, "protocol": "HTTP", "port": "traffic-port", "path": "/health", "matcher": "200-399",
         "interval": 15, "timeout": 5, "healthy_threshold": 2, "unhealthy_threshold": 3}


@pytest.mark.parametrize("change, expected", [
    pytest.param({}, {}, id="fal-defaults-fit"),
    pytest.param({"probe_port": 8079, "probe_path": "/fleetform/health"},
                 {"port": "8079", "path": "/fleetform/health"}, id="agent-bridge"),
    pytest.param({"unhealthy_threshold": 1, "timeout_seconds": 1}, {"unhealthy_threshold": 2, "timeout": 2},
                 id="below-alb-minimums"),
    pytest.param({"unhealthy_threshold": 25}, {"unhealthy_threshold": 10}, id="above-alb-maximum"),
    pytest.param({"interval_seconds": 31, "timeout_seconds": 30}, {"interval": 31, "timeout": 30},
                 id="timeout-just-under-interval"),
    pytest.param({"interval_seconds": 15, "timeout_seconds": 20}, {"timeout": 14}, id="timeout-kept-under-interval"),
    pytest.param({"interval_seconds": 600, "timeout_seconds": 200}, {"interval": 300, "timeout": 120},
                 id="above-alb-interval-and-timeout"),
    pytest.param({"success_codes": "200-499", "path": "/", "probe_path": "/"}, {"matcher": "200-499", "path": "/"},
                 id="image-server-without-check"),
])
def test_health_probe_is_clamped_into_what_the_alb_accepts(change, expected):
    assert target_health_check(replace(HEALTH, **change), 8080) == {**PROBE, **expected}


@pytest.mark.parametrize("strategy, minimum, maximum", [("rolling", 100, 200), ("recreate", 0, 100)])
def test_rollout_strategy_sets_the_refresh_bounds(strategy, minimum, maximum):
    rollout = RolloutPlan(strategy=strategy, termination_grace_seconds=5, startup_seconds=420,
                          draining=plan_draining("aws", request_timeout=60, grace=5, provisioning="on-demand"))
    assert instance_refresh(rollout) == {"strategy": "Rolling", "preferences": {
        "min_healthy_percentage": minimum, "max_healthy_percentage": maximum, "instance_warmup": "420",
        "skip_matching": True, "auto_rollback": True, "scale_in_protected_instances": "Refresh"}}


@pytest.mark.parametrize("reset_on_deploy, ignored", [
    (True, ["desired_capacity"]), (False, ["desired_capacity", "max_size", "min_size"])])
def test_size_limits_survive_applies_unless_fal_resets_them(reset_on_deploy, ignored):
    scaling = ScalingPlan(min_runners=0, max_runners=4, max_multiplexing=1, concurrency_buffer=0,
                          concurrency_buffer_perc=0, scaling_delay_seconds=0, keep_alive_seconds=60,
                          startup_seconds=600, reset_on_deploy=reset_on_deploy)
    assert ignored_changes(scaling) == ignored


@pytest.mark.parametrize("path, rewritten", [
    ("/captioner", "/"),
    ("/captioner/", "/"),
    ("/captioner/v1/caption", "/v1/caption"),
    ("/captioner/v1/caption?x=1&y=2", "/v1/caption?x=1&y=2"),
    ("/captioner?x=1", "/?x=1"),
    ("/captioner//double", "//double"),
])
def test_prefix_rewrite_strips_exactly_the_apps_prefix(path, rewritten):
    rewrite = prefix_rewrite("/captioner")
    assert rewrite == {"regex": "^/captioner/?(.*)$", "replace": "/$1"}
    assert re.sub(rewrite["regex"], rewrite["replace"].replace("$1", r"\1"), path) == rewritten


def test_prefix_rewrite_escapes_regex_characters():
    assert prefix_rewrite("/a.b")["regex"] == r"^/a\.b/?(.*)$"


def image(reference: str | None, *hosts: str) -> ImagePlan:
    return ImagePlan(source="image" if reference else "requirements", reference=reference, repository="acme/x",
                     tag="", registries=tuple(RegistryLogin(host, "bot", "TOKEN") for host in hosts), entrypoint=None,
                     cmd=None, build_secrets=())


@pytest.mark.parametrize("plan, ports", [
    (image(None), []),
    (image("python:3.12"), []),
    (image("registry.example.com:5000/ml/app:1"), [5000]),
    (image("registry.example.com:8443/ml/app:1", "registry.example.com:8443", "https://index.docker.io/v1/"), [8443]),
    # Only the registry the runtime image lives on is reached at boot; base-image registries serve builds.
    (image("registry.example.com/ml/app:1", "registry.example.com:8443"), []),
    (image(None, "registry.example.com:5000"), []),
    (image("ghcr.io/org/app:1", "https://ghcr.io:443"), []),
])
def test_registry_ports_beyond_http_and_https(plan, ports):
    assert registry_ports(plan) == ports


@pytest.mark.parametrize("name, limit", [
    (load_balancer_name("acme", internal=True), 32),
    (load_balancer_name("a-twenty-char-platfo", internal=False), 32),
    (target_group_name("acme", "image-generator", "vpc-1/HTTP/8080"), 32),
    (target_group_name("a-twenty-char-platfo", "a-very-long-application-name-indeed", "default/HTTP/8080"), 32),
    (runner_role_name("a-twenty-char-platfo", "a-very-long-application-name-indeed", "ap-southeast-2"), 64),
])
def test_names_fit_aws_limits(name, limit):
    assert len(name) <= limit


def test_target_group_name_changes_with_what_forces_a_replacement():
    keys = ("vpc-1/HTTP/8080", "vpc-1/HTTP/8000", "vpc-2/HTTP/8080")
    names = [target_group_name("acme", "app", key) for key in keys]
    assert len(set(names)) == 3
    assert all(re.fullmatch(r"acme-app-[0-9a-f]{4}", name) for name in names)
    assert names == [target_group_name("acme", "app", key) for key in keys]
