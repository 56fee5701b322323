"""The descriptor of the runners' in-flight request metric (:mod:`fleetform.plan.metrics`).

Cloud Monitoring would create the custom metric on its first write; declaring it makes its kind
and type the ones the runner agent writes (``GAUGE`` of ``DOUBLE``,
:mod:`fleetform.runner.contract`) before any runner exists, so the autoscalers' metric filters
resolve from the first apply. It is project-wide, hence in the shared stack.
"""

from __future__ import annotations

from fleetform.plan.metrics import GCP_METRIC_TYPE, PUBLISH_INTERVAL_SECONDS
from fleetform.runner.contract import GCP_METRIC_KIND, GCP_METRIC_VALUE_TYPE
from fleetform.tf import Construct, google


def in_flight_metric_descriptor(scope: Construct) -> google.MonitoringMetricDescriptor:
    return google.MonitoringMetricDescriptor(
        scope, "InFlightMetric", type=GCP_METRIC_TYPE, metric_kind=GCP_METRIC_KIND, value_type=GCP_METRIC_VALUE_TYPE,
        display_name="fleetform in-flight requests",
        description="Requests in flight on one runner (fal's http_requests_in_progress, POST), per group",
        unit="1", metadata={"sample_period": f"{PUBLISH_INTERVAL_SECONDS}s"})
