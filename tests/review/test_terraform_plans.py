"""``fleetform review`` over REAL Terraform plans: BASE applied into local state, HEAD planned against it.

Real Terraform and the offline provider (``fleetform.check.apply_stacks`` / ``plan_stacks``) produce the
``terraform show -json`` plans; nothing here writes plan JSON by hand. One BASE platform (both clouds,
one region) is applied once; each HEAD is what a pull request would change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fleetform.check import apply_stacks, plan_stacks
from fleetform.check.offline_apply import plan_stack
from fleetform.check.stacks import find_stack_files, load_stacks
from fleetform.synth import synth_platform
from tests.review.platforms import app_toml, platform_repo

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

CLOUDS = '["aws", "gcp"]'
BASE = {
    "generator": {"machine": "GPU-H100"},
    "sizer": {"machine": "M", "min": 1, "max": 2},
    "goner": {"machine": "M"},
    "opener": {"machine": "M", "auth": "private"},
    "recreator": {"machine": "M", "strategy": "rolling"},
    "imager": {"machine": "M"},
}
PULL_REQUEST = {
    "generator": {"machine": "GPU-H200"},  # machine type change
    "sizer": {"min": 2, "max": 4},  # min/max change
    "goner": None,  # removed app
    "opener": {"auth": "public"},  # private -> public
    "recreator": {"strategy": "recreate", "requirements": '["torch==2.6.0"]'},  # recreate rollout
    "imager": {"requirements": '["torch==2.6.0"]'},  # changed image key
}


def apps(edits: dict[str, dict | None]) -> list[str]:
    merged = {name: {**fields, **(edits.get(name) or {})} for name, fields in BASE.items()
              if not (name in edits and edits[name] is None)}
    return [app_toml(name, **fields) for name, fields in merged.items()]


@pytest.fixture(scope="module")
def applied(tmp_path_factory) -> tuple[Path, Path, Path]:
    """BASE synthesized and applied into local state: (root, base synth output, state folder)."""
    root = tmp_path_factory.mktemp("review-plans")
    base = platform_repo(root / "base", apps({}), clouds=CLOUDS)
    synth_platform(base, root / "base.out")
    results = apply_stacks(root / "base.out", root / "state")
    assert all(result.ok for result in results), "\n".join(result.render() for result in results)
    return root, root / "base.out", root / "state"


def plans_of(head_out: Path, state: Path, plan_dir: Path, base_out: Path | None = None) -> list[Path]:
    """HEAD's plans against BASE's state, and (with ``base_out``) the destroy plan of each stack HEAD dropped,
    as a pull request's CI would run them."""
    results = plan_stacks(head_out, state, plan_json_dir=plan_dir)
    if base_out is not None:
        kept = {stack.name for stack in load_stacks(find_stack_files(head_out))}
        results += [plan_stack(stack, state / f"{stack.name}.tfstate", plan_json=plan_dir / f"{stack.name}.plan.json",
                               deployed=state, destroy=True)
                    for stack in load_stacks(find_stack_files(base_out)) if stack.name not in kept]
    assert all(result.ok for result in results), "\n".join(result.render() for result in results)
    return sorted(plan_dir.glob("*.plan.json"))


def review(run_cli, base_out: Path, head_out: Path, plans: list[Path], *args: str):
    plan_args = [arg for plan in plans for arg in ("--plan", str(plan))]
    result = run_cli("review", base_out, head_out, *plan_args, "--format", "json", *args)
    assert result.code in (0, 1, 2), result.err
    markdown = run_cli("review", base_out, head_out, *plan_args, *args).out
    return result, result.json, markdown


def changes(report, app: str | None = None) -> dict[str, set[str]]:
    """Per resource type, the actions Terraform plans (for one app's resources)."""
    found: dict[str, set[str]] = {}
    for plan in report["terraform"]:
        for change in plan["changes"]:
            if app is None or change["app"] == app:
                found.setdefault(change["type"], set()).add(change["action"])
    return found


def rules(report, app: str | None = None) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for risk in report["risks"]:
        if app is None or risk["app"] == app:
            found.setdefault(risk["rule"], []).append(risk)
    return found


@pytest.fixture(scope="module")
def pull_request(applied, tmp_path_factory):
    """The HEAD of a pull request touching six apps, planned against BASE's state."""
    _root, base_out, state = applied
    work = tmp_path_factory.mktemp("pull-request")
    head = platform_repo(work / "head", apps(PULL_REQUEST), clouds=CLOUDS)
    synth_platform(head, work / "head.out")
    return base_out, work / "head.out", plans_of(work / "head.out", state, work / "plans", base_out)


def test_no_op_plan_says_no_changes(applied, run_cli, tmp_path):
    _root, base_out, state = applied
    head = platform_repo(tmp_path / "head", apps({}), clouds=CLOUDS)
    synth_platform(head, tmp_path / "head.out")
    plans = plans_of(tmp_path / "head.out", state, tmp_path / "plans")
    result, report, markdown = review(run_cli, base_out, tmp_path / "head.out", plans)
    assert report["no_changes"] is True, report["terraform"]
    assert result.code == 0 and "**No changes.**" in markdown
    assert len(plans) > 4 and f"Terraform: 0 to add, 0 to change, 0 to replace, 0 to destroy in {len(plans)} plan(s)" \
        in markdown


def test_machine_type_change_replaces_the_gcp_template_and_updates_the_groups(pull_request, run_cli):
    _, report, markdown = review(run_cli, *pull_request)
    generator = changes(report, "generator")
    assert generator["google_compute_instance_template"] == {"replace"}
    assert generator["google_compute_region_instance_group_manager"] == {"update"}
    assert generator["aws_launch_template"] == {"update"} and generator["aws_autoscaling_group"] == {"update"}
    (replaced,) = [r for r in rules(report, "generator")["resource-replaced"] if "template" in r["message"]]
    assert "replace because cannot update" in replaced["message"] and "forced by machine_type" in replaced["message"]
    fields = {f["label"]: (f["before"], f["after"]) for app in report["apps"] if app["app"] == "generator"
              for group in app["groups"] if group["cloud"] == "gcp" for f in group["fields"]}
    assert fields["machine_type (instance types)"] == (["a3-highgpu-1g"], ["a3-ultragpu-8g"])
    assert "`resource-replaced`" in markdown


def test_min_max_change_updates_the_group_sizes(pull_request, run_cli):
    _, report, _ = review(run_cli, *pull_request)
    sizer = changes(report, "sizer")
    assert sizer.get("aws_autoscaling_group") == {"update"}
    assert not {"replace", "delete"} & {action for actions in sizer.values() for action in actions}
    (app,) = [app for app in report["apps"] if app["app"] == "sizer"]
    assert (app["before"]["gpus_at_max"], app["after"]["gpus_at_max"]) == (0, 0)
    assert {f["label"] for g in app["groups"] for f in g["fields"]} >= {"min_concurrency", "max_concurrency"}


def test_removed_app_deletes_its_resources(pull_request, run_cli):
    _result, report, _ = review(run_cli, *pull_request)
    goner = changes(report, "goner")
    assert goner and all(actions == {"delete"} for actions in goner.values()), goner
    assert "aws_autoscaling_group" in goner and "google_compute_region_instance_group_manager" in goner
    assert [r["app"] for r in rules(report)["app-removed"]] == ["goner"]
    # Its stacks are gone from HEAD: cdktf deploy would leave them running, so the review says so.
    assert {r["where"] for r in rules(report, "goner")["stack-removed"]} == {
        "aws-shared--goner", "aws-us-east--goner", "gcp-us-east--goner"}
    assert all("cdktf destroy" in r["message"] for r in rules(report, "goner")["stack-removed"])
    deleted = rules(report, "goner")["resource-deleted"]
    assert any("instance group deleted" in r["message"] for r in deleted)
    assert "replace-serving-group" not in rules(report, "goner")  # nothing serves it any more


def test_private_to_public_is_denied(pull_request, run_cli):
    result, report, _ = review(run_cli, *pull_request)
    assert result.code == 2
    (denied,) = rules(report, "opener")["public-auth"]
    assert denied["severity"] == "deny"
    assert changes(report, "opener"), "moving behind the internet-facing load balancer changes resources"


def test_recreate_rollout_and_changed_image_key(pull_request, run_cli):
    _, report, markdown = review(run_cli, *pull_request)
    assert [r["app"] for r in rules(report)["recreate-rollout"]] == ["recreator"]
    keys = {app["app"]: {f["label"]: (f["before"], f["after"]) for g in app["groups"] for f in g["fields"]}
            for app in report["apps"]}
    before, after = keys["imager"]["image key"]
    assert before != after and f"| image key | {before} | {after} |" in markdown
    assert changes(report, "imager")["google_compute_instance_template"] == {"replace"}


def test_no_secret_or_boot_script_is_printed(pull_request, run_cli):
    _, report, markdown = review(run_cli, *pull_request)
    text = json.dumps(report) + markdown
    assert "#!/" not in text and "docker run" not in text  # boot scripts never decoded
    forced = [f for plan in report["terraform"] for c in plan["changes"] for f in c["forced_by"]
              if f["path"] in ("metadata_startup_script", "user_data")]
    assert all(str(f["before"]).startswith("sha256:") for f in forced if f["before"] is not None)


def test_renamed_construct_id_is_flagged_as_a_replacement(applied, run_cli, tmp_path):
    """Renaming a construct in code renames its Terraform address: a destroy and a create, paired as one."""
    _root, base_out, state = applied
    head_out = tmp_path / "head.out"
    shutil.copytree(base_out, head_out)
    stack_file = head_out / "stacks" / "aws-us-east--sizer" / "cdk.tf.json"
    text = stack_file.read_text()
    old = next(name for name in json.loads(text)["resource"]["aws_autoscaling_group"] if "sizer" in name)
    stack_file.write_text(text.replace(old, old.replace("AutoScalingGroup", "Group")))
    plans = plans_of(head_out, state, tmp_path / "plans")
    result, report, markdown = review(run_cli, base_out, head_out, plans)
    (replaced,) = [c for plan in report["terraform"] for c in plan["changes"] if c["type"] == "aws_autoscaling_group"]
    assert replaced["action"] == "replace" and replaced["renamed_from"] == f"aws_autoscaling_group.{old}"
    (denied,) = rules(report, "sizer")["replace-serving-group"]
    assert denied["severity"] == "deny" and "renamed construct id" in denied["message"]
    assert result.code == 2 and "⛔" in markdown


def test_added_region_plans_new_stacks(applied, run_cli, tmp_path):
    _root, base_out, state = applied
    head = platform_repo(tmp_path / "head", apps({}), clouds=CLOUDS, regions='["us-east", "us-west"]')
    synth_platform(head, tmp_path / "head.out")
    plans = plans_of(tmp_path / "head.out", state, tmp_path / "plans")
    _, report, markdown = review(run_cli, base_out, tmp_path / "head.out", plans)
    added = {(g["cloud"], g["cloud_region"]) for app in report["apps"] for g in app["groups"] if g["status"] == "added"}
    assert added == {("aws", "us-west-2"), ("gcp", "us-west1")}
    new_stacks = {plan["plan"]: plan["counts"] for plan in report["terraform"]}
    assert new_stacks["aws-us-west"]["create"] > 0 and new_stacks["aws-us-west"]["delete"] == 0
    assert "+aws us-west-2" in markdown


def test_a_dns_zone_shows_as_the_records_it_creates(applied, run_cli, tmp_path):
    """Issue 14.11: with a zone per cloud, each internet-facing load balancer gets its record in the stack that owns
    it (BASE's apps are all private: the pull request opens one and names the zones); the review lists them as any
    other change."""
    _root, base_out, state = applied
    head = platform_repo(tmp_path / "head", apps({"opener": {"auth": "public"}}), clouds=CLOUDS)
    settings = head / "pyproject.toml"
    settings.write_text(settings.read_text()
                        .replace('allowed_account_ids = ["111111111111"]\n',
                                 'allowed_account_ids = ["111111111111"]\ndns_zone = "aws.acme.example"\n')
                        .replace('project = "acme-test"\n', 'project = "acme-test"\ndns_zone = "gcp.acme.example"\n'
                                 'dns_managed_zone = "acme-gcp"\n'))
    synth_platform(head, tmp_path / "head.out")
    plans = plans_of(tmp_path / "head.out", state, tmp_path / "plans")
    _, report, _ = review(run_cli, base_out, tmp_path / "head.out", plans)
    created = {(plan["plan"], change["type"]) for plan in report["terraform"] for change in plan["changes"]
               if change["action"] == "create"}
    assert {("aws-us-east", "aws_route53_record"), ("gcp-us-east-routes", "google_dns_record_set"),
            ("gcp-shared", "google_project_service")} <= created
    records = [change for plan in report["terraform"] for change in plan["changes"]
               if change["type"] in ("aws_route53_record", "google_dns_record_set")]
    assert len(records) == 2 and {change["action"] for change in records} == {"create"}
