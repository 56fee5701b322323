"""The scaling constructs, synthesized into minimal stacks: targeted JSON assertions and real Terraform."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fleetform.check import check_terraform_json
from fleetform.constructs.aws.scaling import add_aws_scaling_policies, aws_group_scaling_arguments
from fleetform.constructs.gcp.autoscaler import add_gcp_autoscaler
from fleetform.errors import FleetformError
from fleetform.plan.model import GroupPlan
from fleetform.tf import App, Construct, LocalBackend, TerraformStack, aws, google
from tests.scaling.groups import trace_app_group

ALB_SUFFIX = "app/bench-public/0123456789abcdef"
TARGET_GROUP_SUFFIX = "targetgroup/bench-llm-chat/0123456789abcdef"


def _aws_stack(app: App, group: GroupPlan) -> None:
    stack = TerraformStack(app, f"aws-{group.app}")
    LocalBackend(stack, path="terraform.tfstate")
    aws.AwsProvider(stack, "aws", region=group.cloud_region)
    scope = Construct(stack, group.app)
    template = aws.LaunchTemplate(scope, "LaunchTemplate", image_id="ami-0123456789abcdef0",
                                  instance_type=group.machine.instance_types[0])
    asg = aws.AutoscalingGroup(scope, "AutoScalingGroup", name=f"bench-{group.app}",
                               availability_zones=[f"{group.cloud_region}a"],
                               launch_template={"id": template.id, "version": template.latest_version},
                               **aws_group_scaling_arguments(group))
    add_aws_scaling_policies(scope, group, asg_name=asg.name, target_group_arn_suffix=TARGET_GROUP_SUFFIX,
                             load_balancer_arn_suffix=ALB_SUFFIX)


def _gcp_stack(app: App, group: GroupPlan, backend_service: str | None) -> None:
    stack = TerraformStack(app, f"gcp-{group.app}")
    LocalBackend(stack, path="terraform.tfstate")
    google.GoogleProvider(stack, "google", project="bench-project", region=group.cloud_region)
    scope = Construct(stack, group.app)
    template = google.ComputeInstanceTemplate(scope, "Template", machine_type=group.machine.instance_types[0],
                                              disk=[{"source_image": "debian-cloud/debian-12", "boot": True}],
                                              network_interface=[{"network": "default"}])
    mig = google.ComputeRegionInstanceGroupManager(scope, "InstanceGroup", name=f"bench-{group.app}",
                                                   base_instance_name=f"bench-{group.app}", region=group.cloud_region,
                                                   version=[{"instance_template": template.self_link}])
    add_gcp_autoscaler(scope, group, instance_group_manager=mig.id, region=group.cloud_region,
                       group_name=f"bench-{group.app}", backend_service=backend_service)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> dict[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("scaling") / "cdktf.out"
    app = App(outdir=str(out))
    for name in ("llm-chat", "batch-zero"):
        _aws_stack(app, trace_app_group(name, "aws"))
        _gcp_stack(app, trace_app_group(name, "gcp"), backend_service=f"bench-{name}")
    app.synth()
    return {path.parent.name: json.loads(path.read_text()) for path in (out / "stacks").glob("*/cdk.tf.json")}


def _reference(config: dict[str, Any], type_name: str, construct_id: str, attribute: str) -> str:
    """The Terraform reference to an attribute of the resource whose construct path ends in ``construct_id``."""
    name = next(key for key, body in config["resource"][type_name].items()
                if body["//"]["metadata"]["path"].endswith(f"/{construct_id}"))
    return f"${{{type_name}.{name}.{attribute}}}"


def _resources(config: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    """Resources of one type keyed by the last part of their construct path."""
    return {body["//"]["metadata"]["path"].rsplit("/", 1)[-1]: body for body in config["resource"][type_name].values()}


def test_aws_group_limits_metrics_and_warmup(synthesized) -> None:
    asg = _resources(synthesized["aws-llm-chat"], "aws_autoscaling_group")["AutoScalingGroup"]
    assert (asg["min_size"], asg["max_size"], asg["default_instance_warmup"]) == (1, 10, 330)
    assert asg["metrics_granularity"] == "1Minute"
    assert {"GroupInServiceCapacity", "GroupDesiredCapacity"} <= set(asg["enabled_metrics"])
    assert "desired_capacity" not in asg


def test_aws_target_tracking_metric_math_encodes_the_buffer(synthesized) -> None:
    policies = _resources(synthesized["aws-llm-chat"], "aws_autoscaling_policy")
    tracking = policies["TargetTracking"]["target_tracking_configuration"]
    assert policies["TargetTracking"]["policy_type"] == "TargetTrackingScaling"
    assert (tracking["target_value"], tracking["disable_scale_in"]) == (1, True)
    metrics = {query["id"]: query for query in tracking["customized_metric_specification"]["metrics"]}
    assert {key: query["expression"] for key, query in metrics.items() if "expression" in query} == {
        "demand": "CEIL(inflight / 4)", "target": "demand + 2", "runners": "FILL(inservice, REPEAT)",
        "perrunner": "target / runners"}
    assert [key for key, query in metrics.items() if query["return_data"]] == ["perrunner"]
    inflight = metrics["inflight"]["metric_stat"]
    assert (inflight["metric"]["namespace"], inflight["metric"]["metric_name"], inflight["stat"], inflight["period"]) \
        == ("Fleetform/Runners", "InFlightRequests", "Sum", 10)
    asg_name = _reference(synthesized["aws-llm-chat"], "aws_autoscaling_group", "AutoScalingGroup", "name")
    assert inflight["metric"]["dimensions"] == [{"name": "AutoScalingGroupName", "value": asg_name}]
    assert policies["TargetTracking"]["autoscaling_group_name"] == asg_name


def test_aws_keep_alive_alarm_drives_an_exact_capacity_step_policy(synthesized) -> None:
    config = synthesized["aws-llm-chat"]
    policy = _resources(config, "aws_autoscaling_policy")["KeepAlive"]
    alarm = _resources(config, "aws_cloudwatch_metric_alarm")["KeepAliveAlarm"]
    assert (policy["policy_type"], policy["adjustment_type"]) == ("StepScaling", "ExactCapacity")
    assert [step["scaling_adjustment"] for step in policy["step_adjustment"]] == list(range(1, 11))
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"], alarm["comparison_operator"],
            alarm["threshold"], alarm["treat_missing_data"]) == (
        6, 6, "GreaterThanOrEqualToThreshold", 0, "notBreaching")
    assert alarm["alarm_actions"] == [_reference(config, "aws_autoscaling_policy", "KeepAlive", "arn")]
    queries = {query["id"]: query for query in alarm["metric_query"]}
    assert queries["scalein"]["expression"] == "IF(FILL(missing, 0), -1, IF(surplus, keep, -1))"
    assert queries["scalein"]["return_data"]
    assert (queries["missing"]["metric"]["metric_name"], queries["missing"]["metric"]["stat"]) == (
        "InFlightGaugeMissing", "Maximum")
    assert queries["inflight"]["metric"]["period"] == 10
    assert (queries["healthy"]["metric"]["metric_name"], queries["healthy"]["metric"]["dimensions"]) == (
        "HealthyHostCount", {"LoadBalancer": ALB_SUFFIX, "TargetGroup": TARGET_GROUP_SUFFIX})
    assert queries["runners"]["expression"] == "FILL(healthy, REPEAT)"
    assert "Wake" not in _resources(config, "aws_autoscaling_policy")


def test_aws_gauge_missing_alarm_makes_an_absent_gauge_visible(synthesized) -> None:
    """Issue 14.4: runners whose app serves without the gauge publish InFlightGaugeMissing = 1 and no count."""
    config = synthesized["aws-llm-chat"]
    alarm = _resources(config, "aws_cloudwatch_metric_alarm")["GaugeMissingAlarm"]
    asg_name = _reference(config, "aws_autoscaling_group", "AutoScalingGroup", "name")
    assert {key: value for key, value in alarm.items() if key not in ("alarm_description", "//")} == {
        "alarm_name": f"{asg_name}-gauge-missing", "namespace": "Fleetform/Runners",
        "metric_name": "InFlightGaugeMissing", "dimensions": {"AutoScalingGroupName": asg_name},
        "statistic": "Maximum", "period": 60, "comparison_operator": "GreaterThanOrEqualToThreshold", "threshold": 1,
        "evaluation_periods": 3, "datapoints_to_alarm": 3, "treat_missing_data": "notBreaching"}


def test_aws_scale_to_zero_wakes_on_load_balancer_503s(synthesized) -> None:
    config = synthesized["aws-batch-zero"]
    asg = _resources(config, "aws_autoscaling_group")["AutoScalingGroup"]
    alarm = _resources(config, "aws_cloudwatch_metric_alarm")["WakeAlarm"]
    wake = _resources(config, "aws_autoscaling_policy")["Wake"]
    assert asg["min_size"] == 0
    queries = {query["id"]: query for query in alarm["metric_query"]}
    assert queries["wake"]["expression"] == "IF(desired == 0, FILL(rejected, 0), 0)"
    assert queries["rejected"]["metric"]["metric_name"] == "HTTPCode_ELB_503_Count"
    assert queries["rejected"]["metric"]["dimensions"] == {"LoadBalancer": ALB_SUFFIX}
    assert [step["scaling_adjustment"] for step in wake["step_adjustment"]] == [1]


def test_gcp_autoscaler_min_max_and_per_group_metric(synthesized) -> None:
    autoscaler = _resources(synthesized["gcp-llm-chat"], "google_compute_region_autoscaler")["Autoscaler"]
    policy = autoscaler["autoscaling_policy"]
    assert (policy["min_replicas"], policy["max_replicas"], policy["cooldown_period"], policy["mode"]) == (
        1, 10, 330, "ON")
    assert policy["metric"] == [{
        "name": "custom.googleapis.com/fleetform/in_flight_requests",
        "filter": 'resource.type = "generic_node" AND resource.label.location = "us-east4" AND '
                  'resource.label.namespace = "bench-llm-chat"',
        "single_instance_assignment": 4,
    }, {
        "name": "custom.googleapis.com/fleetform/in_flight_gauge_missing",
        "filter": 'resource.type = "generic_node" AND resource.label.location = "us-east4" AND '
                  'resource.label.namespace = "bench-llm-chat"',
        "single_instance_assignment": 1,
    }]
    assert [(schedule["name"], schedule["min_required_replicas"], schedule["schedule"], schedule["duration_sec"])
            for schedule in policy["scaling_schedules"]] == [("concurrency-buffer", 2, "0 0 * * *", 86400)]
    assert autoscaler["target"].startswith("${google_compute_region_instance_group_manager.")


def test_gcp_gauge_missing_alert_policy_makes_an_absent_gauge_visible(synthesized) -> None:
    """Issue 14.4 on GCP: the runners' gauge_missing series of the group in its region, 1 for 3 minutes, opens an
    incident (no notification channel, as the AWS alarm has no action)."""
    policy = _resources(synthesized["gcp-llm-chat"], "google_monitoring_alert_policy")["GaugeMissingAlert"]
    assert {key: value for key, value in policy.items() if key not in ("documentation", "//")} == {
        "display_name": "bench-llm-chat us-east4 gauge missing", "combiner": "OR", "severity": "WARNING",
        "conditions": [{
            "display_name": "a runner's app serves without the in-flight gauge",
            "condition_threshold": {
                "filter": 'metric.type = "custom.googleapis.com/fleetform/in_flight_gauge_missing" AND '
                          'resource.type = "generic_node" AND resource.label.location = "us-east4" AND '
                          'resource.label.namespace = "bench-llm-chat"',
                "aggregations": [{"alignment_period": "60s", "per_series_aligner": "ALIGN_MAX",
                                  "cross_series_reducer": "REDUCE_MAX"}],
                "comparison": "COMPARISON_GT", "threshold_value": 0, "duration": "180s", "trigger": {"count": 1},
                "evaluation_missing_data": "EVALUATION_MISSING_DATA_INACTIVE"}}]}
    assert "notification_channels" not in policy


def test_gcp_scale_to_zero_wakes_on_load_balancer_requests(synthesized) -> None:
    autoscaler = _resources(synthesized["gcp-batch-zero"], "google_compute_region_autoscaler")["Autoscaler"]
    policy = autoscaler["autoscaling_policy"]
    assert policy["min_replicas"] == 0
    assert [metric.get("type") for metric in policy["metric"]] == [None, "DELTA_PER_SECOND", None]
    assert policy["metric"][1]["filter"].endswith(
        'resource.label.backend_target_name = "bench-batch-zero" AND resource.label.region = "us-east4"')


def test_gcp_scale_to_zero_without_a_backend_service_is_refused() -> None:
    app = App(outdir="unused")
    with pytest.raises(FleetformError) as raised:
        _gcp_stack(app, trace_app_group("batch-zero", "gcp"), backend_service=None)
    assert raised.value.problems[0].code == "scaling/no-wake-signal"
    assert raised.value.problems[0].message == (
        "app 'batch-zero' scales to zero runners on GCP, but add_gcp_autoscaler got no backend_service, so nothing "
        "could start a runner again")


@pytest.mark.terraform
@pytest.mark.parametrize("stack", ["aws-llm-chat", "aws-batch-zero", "gcp-llm-chat", "gcp-batch-zero"])
def test_real_terraform_validates_and_plans(synthesized, stack: str) -> None:
    result = check_terraform_json(synthesized[stack], name=stack)
    assert result.ok, result.render()
