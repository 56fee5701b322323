"""Issue 14.2 in the simulator: a GCP policy sums the regional series its filter matches, and the
busy runners AWS protects from scale-in stay until idle (issue 14.3)."""

from __future__ import annotations

from dataclasses import replace

from fleetform.plan.metrics import gcp_series_labels
from fleetform.scaling import boot_model
from fleetform.scaling.gcp_policy import gcp_scaling_policy
from fleetform.simulate.fleet import Fleet
from fleetform.simulate.gcp import filter_matches, regions_summed
from tests.scaling.settings import ISSUE_EXAMPLE

REGIONS = ("us-east4", "us-central1", "europe-west4")


def test_the_in_flight_filter_matches_only_its_own_regions_series() -> None:
    policy = gcp_scaling_policy(ISSUE_EXAMPLE, boot_model(ISSUE_EXAMPLE), group_name="acme-app", region="us-east4",
                                backend_service=None)
    series = [gcp_series_labels("acme-app", region) for region in REGIONS]
    assert regions_summed(policy, series) == 1
    unscoped = replace(policy, metrics=(replace(policy.metrics[0], filter=(
        'resource.type = "generic_node" AND resource.label.namespace = "acme-app"')),))
    assert regions_summed(unscoped, series) == 3, "main's filter: each region provisioned for all three"
    assert not filter_matches(policy.metrics[0].filter, "gce_instance", series[0])


def test_a_protected_busy_runner_is_not_removed_until_it_has_been_idle() -> None:
    fleet = Fleet(boot_model(ISSUE_EXAMPLE), max_multiplexing=1)
    fleet.start_warm(3, now=0)
    fleet.serve(100, in_flight=2)  # two runners busy at t=100, one idle since t=0
    fleet.resize(0, 110, protected_for=30)
    assert fleet.live == 2, "only the idle runner goes"
    fleet.resize(0, 131, protected_for=30)
    assert fleet.live == 0
    unprotected = Fleet(boot_model(ISSUE_EXAMPLE), max_multiplexing=1)
    unprotected.start_warm(3, now=0)
    unprotected.serve(100, in_flight=2)
    unprotected.resize(0, 110)
    assert unprotected.live == 0
