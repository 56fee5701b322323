"""The check cache: a stack checked before with the same inputs reuses its result; changed stacks run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetform.check import check_stacks
from fleetform.check.cache import cache_dir

pytestmark = pytest.mark.terraform


def _stack(out: Path, name: str, resources: dict) -> None:
    folder = out / "stacks" / name
    folder.mkdir(parents=True, exist_ok=True)
    config = {"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "6.47.0"}}},
              "provider": {"aws": [{"region": "us-east-1"}]}, "resource": resources}
    (folder / "cdk.tf.json").write_text(json.dumps(config, indent=2))


def _queue(name: str) -> dict:
    return {"aws_sqs_queue": {"queue": {"name": name}}}


@pytest.fixture
def out(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("FLEETFORM_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "cdktf.out"
    _stack(folder, "one", _queue("one"))
    _stack(folder, "two", _queue("two"))
    _stack(folder, "broken", {"aws_sqs_queue": {"queue": {"name": "b", "no_such_argument": 1}}})
    return folder


def test_only_changed_stacks_run_again_and_results_are_the_same(out, tmp_path):
    first = check_stacks(out, cache=True)
    assert [stack.cached for stack in first.stacks] == [False, False, False]
    assert not first.ok and [stack.name for stack in first.failed] == ["broken"]
    assert len(list(cache_dir().glob("*.json"))) == 3 and str(cache_dir()).startswith(str(tmp_path / "cache"))

    second = check_stacks(out, cache=True)
    assert [stack.cached for stack in second.stacks] == [True, True, True]
    assert second.to_json() == first.to_json()  # the failure too, with the same diagnostics
    assert "(3 cached)" in second.summary() and "cached" in second.stacks[0].render()

    _stack(out, "two", _queue("two-renamed"))
    third = check_stacks(out, cache=True)
    assert {stack.name: stack.cached for stack in third.stacks} == {"broken": True, "one": True, "two": False}


def test_without_the_cache_every_stack_runs_and_nothing_is_stored(out):
    report = check_stacks(out)
    assert not any(stack.cached for stack in report.stacks)
    assert not cache_dir().exists()


def test_the_cli_caches_unless_no_cache(run_cli, out):
    assert run_cli("check", out).code == 1
    cached = run_cli("check", out)
    assert cached.code == 1 and "3 stacks: 2 ok, 1 failed (3 cached)" in cached.out
    fresh = run_cli("check", out, "--no-cache", "--json")
    assert fresh.code == 1 and fresh.json["totals"] == {"stacks": 3, "ok": 2, "failed": 1}
