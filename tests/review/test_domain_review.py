"""``fleetform review`` over real plans of platform repos: each kind of pull request a reviewer meets.

BASE and HEAD go through the same plan pass as ``synth``; HEAD differs from BASE as a pull request would.
"""

from __future__ import annotations

import pytest

from fleetform.review.domain import diff_platforms
from tests.review.platforms import plan


def review_json(run_cli, base, head, *args):
    result = run_cli("review", base, head, "--format", "json", *args)
    assert result.code in (0, 1, 2), result.err
    return result, result.json


def rules(report) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for risk in report["risks"]:
        found.setdefault(risk["rule"], []).append(risk)
    return found


def only_app(report, name):
    (app,) = [app for app in report["apps"] if app["app"] == name]
    return app


def test_no_op_says_no_changes(run_cli, base_and_head):
    base, head = base_and_head()
    result = run_cli("review", base, head)
    assert result.code == 0
    assert "**No changes.**" in result.out
    assert "✅ no risks" in result.out
    assert result.err.strip().splitlines()[-1] == "no changes: 3 app(s), same plan"
    _, report = review_json(run_cli, base, head)
    assert report["no_changes"] is True and report["apps"] == [] and report["risks"] == []


def test_machine_type_change_shows_instance_types_gpus_and_cost(run_cli, base_and_head):
    base, head = base_and_head(generator={"machine": "GPU-H100", "extra": "num_gpus = 8\n"})
    result, report = review_json(run_cli, base, head)
    app = only_app(report, "generator")
    (group,) = app["groups"]
    changes = {f["label"]: (f["before"], f["after"]) for f in group["fields"]}
    assert changes["machine_type (instance types)"] == (["p5.4xlarge"], ["p5.48xlarge"])
    assert changes["num_gpus"] == (1, 8)
    assert (app["before"]["gpus_at_max"], app["after"]["gpus_at_max"]) == (4, 32)
    assert app["before"]["usd_per_hour_at_max"] < app["after"]["usd_per_hour_at_max"]
    assert {"gpus-at-max-up", "cost-at-max-up"} <= rules(report).keys()
    assert result.code == 0  # warnings only


def test_min_max_change_and_app_scale_settings_false(run_cli, base_and_head):
    base, head = base_and_head(generator={"min": 2, "max": 6, "scale_settings": False},
                               upscaler={"min": 0, "max": 3})
    _, report = review_json(run_cli, base, head)
    generator = only_app(report, "generator")
    fields = {f["label"]: (f["before"], f["after"]) for f in generator["groups"][0]["fields"]}
    assert fields["min_concurrency"] == (1, 2) and fields["max_concurrency"] == (4, 6)
    assert fields["app_scale_settings"] == (True, False)
    assert (generator["before"]["gpus_at_min"], generator["after"]["gpus_at_min"]) == (1, 2)
    kept = rules(report)["scale-settings-kept"]
    assert [risk["app"] for risk in kept] == ["generator"]
    assert "min_concurrency 1 → 2, max_concurrency 4 → 6" in kept[0]["message"]


def test_added_region(run_cli, base_and_head):
    base, head = base_and_head(head_regions='["us-east", "us-west"]')
    result = run_cli("review", base, head)
    assert "+aws us-west-2" in result.out
    _, report = review_json(run_cli, base, head)
    statuses = {(g["cloud_region"], g["status"]) for app in report["apps"] for g in app["groups"]}
    assert statuses == {("us-west-2", "added")}
    assert report["totals"]["before"]["groups"] == 3 and report["totals"]["after"]["groups"] == 6


def test_dropped_region_is_a_risk(run_cli, base_and_head):
    base, head = base_and_head(regions='["us-east", "us-west"]', head_regions='["us-east"]')
    _, report = review_json(run_cli, base, head)
    dropped = rules(report)["region-dropped"]
    assert {risk["app"] for risk in dropped} == {"generator", "tagger", "upscaler"}
    assert all(risk["where"] == "aws us-west-2" for risk in dropped)


def test_removed_app(run_cli, base_and_head):
    base, head = base_and_head(upscaler=None)
    _, report = review_json(run_cli, base, head)
    assert only_app(report, "upscaler")["status"] == "removed"
    assert [r["app"] for r in rules(report)["app-removed"]] == ["upscaler"]
    markdown = run_cli("review", base, head).out
    assert "| **upscaler** | removed |" in markdown


def test_private_to_public_is_denied_without_opt_in(run_cli, base_and_head, tmp_path):
    base, head = base_and_head(generator={"auth": "public"})
    result, report = review_json(run_cli, base, head)
    assert result.code == 2
    (denied,) = rules(report)["public-auth"]
    assert denied["severity"] == "deny" and denied["app"] == "generator"
    assert only_app(report, "generator")["who_can_call"] == {"before": "private", "after": "public"}
    policy = tmp_path / "policy.toml"
    policy.write_text('[opt_in]\npublic_apps = ["generator"]\n')
    result, report = review_json(run_cli, base, head, "--policy", policy)
    assert result.code == 0 and "public-auth" not in rules(report)


def test_shared_to_public_is_denied_private_to_shared_warns(run_cli, base_and_head):
    base, head = base_and_head(tagger={"auth": "public"})
    assert review_json(run_cli, base, head)[0].code == 2
    widened = diff_platforms(plan(base), plan(head)).changed_apps[0]
    assert (widened.auth_before, widened.auth_after) == (("shared",), ("public",))


def test_recreate_rollout_is_flagged(run_cli, base_and_head):
    base, head = base_and_head(generator={"strategy": "recreate", "requirements": '["torch==2.6.0"]'})
    result, report = review_json(run_cli, base, head, "--fail-on-warn")
    (risk,) = rules(report)["recreate-rollout"]
    assert risk["app"] == "generator" and "every running runner is replaced at once" in risk["message"]
    assert result.code == 1  # warnings fail only when asked


def test_switching_to_recreate_is_flagged(run_cli, base_and_head):
    base, head = base_and_head(generator={"strategy": "recreate"})
    _, report = review_json(run_cli, base, head)
    assert [risk["app"] for risk in rules(report)["recreate-rollout"]] == ["generator"]


def test_recreate_app_changing_only_its_size_does_not_roll(run_cli, base_and_head):
    base, head = base_and_head(base_edits={"generator": {"strategy": "recreate"}}, generator={"max": 5})
    _, report = review_json(run_cli, base, head)
    assert only_app(report, "generator")["status"] == "changed"
    assert "recreate-rollout" not in rules(report)


def test_changed_image_key(run_cli, base_and_head):
    base, head = base_and_head(generator={"requirements": '["torch==2.6.0"]'})
    _, report = review_json(run_cli, base, head)
    (field,) = [f for f in only_app(report, "generator")["groups"][0]["fields"] if f["label"] == "image key"]
    assert field["before"].startswith("in-") and field["after"].startswith("in-")
    assert field["before"] != field["after"]
    markdown = run_cli("review", base, head).out
    assert f"| image key | {field['before']} | {field['after']} |" in markdown


def test_scale_to_zero_is_flagged(run_cli, base_and_head):
    base, head = base_and_head(generator={"min": 0})
    _, report = review_json(run_cli, base, head)
    (risk,) = rules(report)["scale-to-zero"]
    assert risk["app"] == "generator"


def test_missing_price_is_unknown_never_zero(run_cli, base_and_head):
    """aws eu-north-1 has no p5.4xlarge price (a KNOWN_PRICE_GAP): the generator's cost there is unknown."""
    base, head = base_and_head(regions='["eu-north"]', base_edits={"tagger": {"auth": "private"}},
                               generator={"max": 3})
    result = run_cli("review", base, head)
    row = next(line for line in result.out.splitlines() if line.startswith("| **generator**"))
    assert "unknown" in row and "$0.00" not in row
    _, report = review_json(run_cli, base, head)
    generator = only_app(report, "generator")
    assert generator["after"]["usd_per_hour_at_max"] is None
    assert generator["after"]["unpriced_groups"]["at_max"] == 1
    assert "price-unknown" in rules(report)


@pytest.mark.parametrize("text, where, message", [
    ('[rules]\npublic-auht = "deny"\n', "policy.toml: rules.public-auht", "did you mean 'public-auth'?"),
    ('[rules]\npublic-auth = "block"\n', "policy.toml: rules.public-auth", "severity 'block'"),
    ('[thresholds]\nusd_at_max_increase_percent = "lots"\n', "policy.toml: thresholds.usd_at_max_increase_percent",
     "is not a percentage"),
    ('[opt_in]\npublic_apps = "generator"\n', "policy.toml: opt_in.public_apps", "is not a list of app names"),
    ("[limits]\n", "policy.toml: limits", "unknown key 'limits'"),
])
def test_bad_policy_is_bad_input_with_its_key_path(run_cli, base_and_head, tmp_path, text, where, message):
    base, head = base_and_head()
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    result = run_cli("review", base, head, "--policy", policy, cwd=tmp_path)
    assert result.code == 2
    assert where in result.err and message in result.err
    assert "Traceback" not in result.err


def test_policy_turns_rules_off_and_lowers_thresholds(run_cli, base_and_head, tmp_path):
    base, head = base_and_head(generator={"auth": "public", "max": 5})
    policy = tmp_path / "policy.toml"
    policy.write_text('[rules]\npublic-auth = "off"\n[thresholds]\ngpus_at_max_increase_percent = 10\n')
    result, report = review_json(run_cli, base, head, "--policy", policy)
    assert result.code == 0
    assert "public-auth" not in rules(report)
    # generator 4 -> 5 GPUs at max (+25 %), the platform 7 -> 8 (+14 %): both above 10 %
    assert sorted(r["where"] for r in rules(report)["gpus-at-max-up"]) == ["aws us-east-1", "platform total"]
    result, report = review_json(run_cli, base, head)
    assert result.code == 2 and [r["where"] for r in rules(report)["gpus-at-max-up"]] == ["aws us-east-1"]


