"""Changing one app's setting changes that app's stacks only: its own stack per region, and its route in the
region's routes stack (the URL map); every other stack stays byte-identical."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fleetform.synth import synth_platform
from tests.constructs.aws.synthesized import Stack, read_stacks
from tests.constructs.gcp.platforms import gcp_example


def by_construct_path(stacks: dict[str, Stack]) -> dict[tuple[str, str], Any]:
    """Every resource, data source and output of every stack, keyed by stack and construct path (or output name)."""
    found: dict[tuple[str, str], Any] = {}
    for name, stack in stacks.items():
        for kind in ("resource", "data"):
            for blocks in stack.config.get(kind, {}).values():
                for body in blocks.values():
                    path = body["//"]["metadata"]["path"].removeprefix(f"{name}/")
                    found[(name, path)] = {key: value for key, value in body.items() if key != "//"}
        for output, body in stack.config.get("output", {}).items():
            found[(name, f"output:{output}")] = body
    return found


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> tuple[Path, dict[tuple[str, str], Any]]:
    root = tmp_path_factory.mktemp("before")
    platform = gcp_example(root / "examples")
    return platform, by_construct_path(stacks_of(platform, root / "cdktf.out"))


def stacks_of(platform: Path, out: Path) -> dict[str, Stack]:
    synth_platform(platform, out)
    return read_stacks(out)


def synth_changed(tmp_path: Path, platform: Path, file: str, old: str, new: str) -> dict[tuple[str, str], Any]:
    root = tmp_path / "examples"
    shutil.copytree(platform.parent, root)
    target = root / file
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new))
    return by_construct_path(stacks_of(root / "platform", tmp_path / "cdktf.out"))


@pytest.mark.parametrize(("file", "old", "new", "changed"), [
    # transcriber's request timeout: its backend service, and its own path rule in each region's URL map
    ("apps/speech/pyproject.toml", "request_timeout = 120", "request_timeout = 150", {
        ("gcp-eu-north--transcriber", "region/transcriber/BackendService"),
        ("gcp-eu-north-routes", "region/PublicLoadBalancer/UrlMap"),
        ("gcp-us-central--transcriber", "region/transcriber/BackendService"),
        ("gcp-us-central-routes", "region/PublicLoadBalancer/UrlMap")}),
    # transcriber's health check timeout: only its health check (fal's built-in GET /health is probed directly,
    # so the template's boot script has no health bridge to change)
    ("apps/speech/pyproject.toml", "timeout_seconds = 5", "timeout_seconds = 7", {
        ("gcp-eu-north--transcriber", "region/transcriber/HealthCheck"),
        ("gcp-us-central--transcriber", "region/transcriber/HealthCheck")}),
])
def test_one_app_change_touches_only_that_app(before, tmp_path, file, old, new, changed):
    platform, old_config = before
    new_config = synth_changed(tmp_path, platform, file, old, new)
    assert set(new_config) == set(old_config)
    differing = {key for key in old_config if old_config[key] != new_config[key]}
    assert differing == changed
    for key in differing:
        if key[1].endswith("/UrlMap"):
            old_rules, new_rules = (json.dumps(config[key]["path_matcher"][0]["path_rule"], sort_keys=True)
                                    for config in (old_config, new_config))
            old_others = [rule for rule in old_config[key]["path_matcher"][0]["path_rule"]
                          if rule["paths"][0] != "/transcriber"]
            new_others = [rule for rule in new_config[key]["path_matcher"][0]["path_rule"]
                          if rule["paths"][0] != "/transcriber"]
            assert old_rules != new_rules and old_others == new_others
            assert {k: v for k, v in old_config[key].items() if k != "path_matcher"} == {
                k: v for k, v in new_config[key].items() if k != "path_matcher"}
