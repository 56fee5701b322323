"""`fleetform synth` and `fleetform explain` from the command line, and `FleetApp` in a team's own stack."""

from __future__ import annotations

import json

from fleetform.check import check_stacks
from fleetform.constructs import FleetApp
from fleetform.tf import App, LocalBackend, TerraformStack, aws
from tests.conftest import EXAMPLES


def test_explain_json_has_every_group_with_costs_and_policies(run_cli):
    result = run_cli("explain", "image-generator", "--config", EXAMPLES / "platform", "--json")
    assert result.code == 0, result.err
    groups = result.json["groups"]
    assert sorted((g["cloud"], g["cloud_region"]) for g in groups) == [
        ("aws", "eu-west-2"), ("aws", "us-east-1"), ("aws", "us-west-2"),
        ("gcp", "europe-west4"), ("gcp", "us-east4"), ("gcp", "us-west1")]
    us_east = next(g for g in groups if g["cloud_region"] == "us-east-1")
    assert us_east["machine"]["instance_types"] == ["p5.4xlarge", "p4d.24xlarge"]
    assert us_east["cost"]["hourly_usd_at_max"] == round(6.88 * us_east["scaling"]["max_runners"], 3)
    # Issue 14.7: the p4d.24xlarge fallback carries 8 one-GPU runners; explain --json says what each costs
    assert [(t["instance_type"], t["runners_per_host"], t["gpus_used"], t["gpus_idle"], t["hourly_usd_per_runner"],
             t["hourly_usd_per_runner_one_per_host"]) for t in us_east["cost"]["per_type"]] == [
        ("p5.4xlarge", 1, 1, 0, 6.88, 6.88), ("p4d.24xlarge", 8, 8, 0, 2.745, 21.958)]
    assert us_east["packing"]["packs"] is True
    assert {"aws", "gcp", "target", "examples"} <= us_east["scaling_policy"].keys()
    assert us_east["stacks"] == [
        {"name": "aws-shared--image-generator", "role": "app-shared", "depends_on": ["aws-shared"]},
        {"name": "aws-us-east--image-generator", "role": "app",
         "depends_on": ["aws-shared", "aws-shared--image-generator", "aws-us-east"]}]
    assert "catalog/no-gpu-count" in [w["code"] for w in result.json["warnings"]]  # GPU-A100 ×1 needs p4d's 8


def test_explain_text_says_where_a_cloud_differs_from_fal(run_cli):
    result = run_cli("explain", "transcriber", "--config", EXAMPLES / "platform")
    assert result.code == 0, result.err
    assert "transcriber on gcp us-central1 (fal region us-central)" in result.out
    assert "health:    GET /health (LB probes :8080/health" in result.out
    assert "differs from fal:" in result.out
    assert ("retries timeout 0, server_error 3, connection_error 5: none here (the Application Load Balancer "
            "never retries a request)") in result.out
    assert "retry_policy retries connection_error, server_error up to 3 time(s)" in result.out
    # Issue 14.7: num_gpus = 2 on 8-GPU hosts packs 4 runners per host; min 1 runner still bills one whole host
    assert "cost:      $5.93/h per runner; $23.72/h at min, $47.43/h at max (on-demand list price)" in result.out
    assert ("packing:   p4d.24xlarge 4 runners per host, 8 of 8 GPUs used: $5.93/h per runner packed vs $23.72/h "
            "with one runner per host; p5.48xlarge 4 runners per host, 8 of 8 GPUs used: $14.72/h per runner packed "
            "vs $58.89/h with one runner per host") in result.out
    assert "packing:   a2-highgpu-2g 1 runner per host, 2 of 2 GPUs used: $7.35/h per runner (one runner per VM" \
        in result.out
    assert "draining:  busy runners protected from scale-in until idle 30 s; load balancer drains 120 s" in result.out
    assert ("stacks:    gcp-us-central--transcriber (after gcp-shared, gcp-us-central); gcp-us-central-routes "
            "(after gcp-us-central, gcp-us-central--transcriber)") in result.out


def test_explain_unknown_app_is_bad_input_with_a_near_match(run_cli):
    result = run_cli("explain", "transcribr", "--config", EXAMPLES / "platform")
    assert result.code == 2
    assert "error[plan/unknown-app]" in result.err and "did you mean 'transcriber'?" in result.err


def test_synth_writes_every_stack_and_lists_them(run_cli, tmp_path):
    result = run_cli("synth", "--config", EXAMPLES / "platform", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 34 and "34 stack(s) in" in result.err
    assert "34 rendered, 34 written" in result.err
    assert (tmp_path / "out" / "stacks" / "aws-us-east" / "cdk.tf.json").is_file()
    assert (tmp_path / "out" / "stacks" / "aws-us-east--captioner" / "cdk.tf.json").is_file()


def test_synth_of_a_folder_without_a_platform_is_bad_input(run_cli, tmp_path):
    result = run_cli("synth", "--config", tmp_path, "--out", tmp_path / "out")
    assert result.code == 2 and "Traceback" not in result.err


def test_synth_into_a_folder_that_cannot_be_written_is_bad_input(run_cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli("synth", "--config", EXAMPLES / "platform", "--out", blocker / "out")
    assert result.code == 2 and "error[synth/out-not-writable]" in result.err


def test_fleet_app_in_a_team_stack_validates_and_plans(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "captioner-us-east-1")
    LocalBackend(stack, path="terraform.tfstate")
    aws.AwsProvider(stack, "aws", region="us-east-1")
    fleet = FleetApp(stack, "captioner", project=EXAMPLES / "apps" / "speech", name="captioner", cloud="aws",
                     cloud_region="us-east-1")
    app.synth()
    assert [group.app for group in fleet.region.groups] == ["captioner"]
    config = json.loads((tmp_path / "out" / "stacks" / "captioner-us-east-1" / "cdk.tf.json").read_text())
    assert next(iter(config["resource"]["aws_autoscaling_group"].values()))["name"] == "fleetform-captioner"
    report = check_stacks(tmp_path / "out")
    assert report.ok, report.render()
