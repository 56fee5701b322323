"""A synth output carries its plan (``fleetform.plan.json``), and review reads it as it reads a repo."""

from __future__ import annotations

import json

from fleetform.plan.document import PLAN_FILE, read_plan
from fleetform.synth import synth_platform
from tests.review.platforms import plan


def test_synth_writes_the_plan_it_renders_byte_identically(base_and_head, tmp_path):
    base, _ = base_and_head()
    first, second = tmp_path / "out1", tmp_path / "out2"
    synth_platform(base, first)
    synth_platform(base, second)
    assert (first / PLAN_FILE).read_bytes() == (second / PLAN_FILE).read_bytes()
    assert read_plan(first / PLAN_FILE) == plan(base)


def test_review_of_synth_outputs_equals_review_of_the_repos(run_cli, base_and_head, tmp_path):
    base, head = base_and_head(generator={"max": 6})
    synth_platform(base, tmp_path / "base.out")
    synth_platform(head, tmp_path / "head.out")
    from_outputs = run_cli("review", tmp_path / "base.out", tmp_path / "head.out", "--format", "json").json
    from_repos = run_cli("review", base, head, "--format", "json").json
    assert from_outputs == from_repos
    assert from_outputs["apps"][0]["app"] == "generator"


def test_a_plan_of_another_format_is_bad_input(run_cli, base_and_head, tmp_path):
    base, _ = base_and_head()
    out = tmp_path / "out"
    synth_platform(base, out)
    document = json.loads((out / PLAN_FILE).read_text())
    document["format"] = 99
    (out / PLAN_FILE).write_text(json.dumps(document))
    result = run_cli("review", out, base)
    assert result.code == 2 and "error[plan/plan-format]" in result.err and "same fleetform version" in result.err


def test_neither_synth_output_nor_repo_is_bad_input(run_cli, tmp_path):
    result = run_cli("review", tmp_path, tmp_path)
    assert result.code == 2 and "error[review/bad-side]" in result.err


def test_example_workflow_synthesizes_both_sides_reviews_and_keeps_one_comment():
    import yaml

    from fleetform.review.markdown import MARKER
    from tests.conftest import EXAMPLES

    workflow = yaml.safe_load((EXAMPLES / "platform" / ".github" / "workflows" / "review.yml").read_text())
    steps = workflow["jobs"]["review"]["steps"]
    script = "\n".join(step.get("run", "") for step in steps)
    assert "fleetform synth --config base --out base.out" in script
    assert "fleetform synth --config head --out head.out" in script
    assert "fleetform review base.out head.out" in script and "--out review.md" in script
    comment = next(step for step in steps if step.get("uses", "").startswith("actions/github-script"))
    assert MARKER in comment["with"]["script"] and "updateComment" in comment["with"]["script"]
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_example_policy_loads():
    from fleetform.review.policy import load_policy
    from tests.conftest import EXAMPLES

    policy = load_policy(EXAMPLES / "platform" / "review-policy.toml")
    assert policy.public_apps == frozenset({"transcriber"}) and policy.severity("drift") == "info"
