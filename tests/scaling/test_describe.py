"""``describe_policies``: fal's numbers and each cloud's policy, JSON-able, for ``fleetform explain``."""

from __future__ import annotations

import json

from fleetform.scaling import describe_policies
from tests.scaling.groups import trace_app_group


def test_issue_example_described() -> None:
    description = describe_policies(trace_app_group("llm-chat", "aws"))
    assert json.loads(json.dumps(description)) == description
    assert description["cloud"] == "aws"
    assert description["target"] == "clamp(ceil(in_flight / 4) + 2, 1, 10)"
    assert description["examples"] == [{"in_flight": 0, "runners": 2}, {"in_flight": 1, "runners": 3},
                                       {"in_flight": 4, "runners": 3}, {"in_flight": 9, "runners": 5},
                                       {"in_flight": 40, "runners": 10}]
    aws, gcp = description["aws"], description["gcp"]
    assert (aws["group"]["min_size"], aws["group"]["max_size"]) == (1, 10)
    assert aws["scale_out"]["metric"] == {"demand": "CEIL(inflight / 4)", "target": "demand + 2",
                                          "runners": "FILL(inservice, REPEAT)", "perrunner": "target / runners"}
    assert (aws["scale_out"]["after_seconds"], aws["scale_in"]["after_seconds"], aws["wake"]) == (30, 60, None)
    assert (gcp["autoscaler"]["min_replicas"], gcp["autoscaler"]["max_replicas"]) == (1, 10)
    assert gcp["metrics"] == [{"metric": "custom.googleapis.com/fleetform/in_flight_requests",
                               "single_instance_assignment": 4.0},
                              {"metric": "custom.googleapis.com/fleetform/in_flight_gauge_missing",
                               "single_instance_assignment": 1.0}]
    assert (gcp["buffer_schedule_min_replicas"], gcp["scale_in_after_seconds"]) == (2, 600)
    assert gcp["differences"] == [
        "scale-in waits 600 s (the fixed 600-s stabilization period) where fal waits keep_alive = 60 s",
        "under load the group keeps max(demand, 2) runners, not demand + 2: up to 2 runners below fal",
    ]


def test_scale_to_zero_described_with_both_wake_signals() -> None:
    description = describe_policies(trace_app_group("batch-zero", "gcp"))
    assert description["aws"]["wake"]["alarm"] == {"wake": "IF(desired == 0, FILL(rejected, 0), 0)"}
    assert description["aws"]["wake"]["capacities"] == [1]
    assert [metric["metric"] for metric in description["gcp"]["metrics"]] == [
        "custom.googleapis.com/fleetform/in_flight_requests",
        "loadbalancing.googleapis.com/https/external/regional/request_count",
        "custom.googleapis.com/fleetform/in_flight_gauge_missing"]
    assert description["gcp"]["differences"][-1] == (
        "from zero runners, starts 1 runner once the load balancer's request count shows traffic (up to 150 s: "
        "60-s samples, visible up to 90 s later); more follow once it reports")
