"""The descriptors of the runners' metrics (:mod:`fleetform.plan.metrics`): in-flight requests and gauge missing.

Cloud Monitoring would create a custom metric on its first write; declaring it makes its kind
and type the ones the runner agent writes (``GAUGE`` of ``DOUBLE``,
:mod:`fleetform.runner.contract`) before any runner exists, so the autoscalers' metric filters
and the gauge-missing alert policies resolve from the first apply. They are project-wide, hence
in the shared stack.
"""

from __future__ import annotations

from fleetform.plan.metrics import GCP_METRIC_TYPE, GCP_MISSING_METRIC_TYPE, PUBLISH_INTERVAL_SECONDS
from fleetform.runner.contract import GCP_METRIC_KIND, GCP_METRIC_VALUE_TYPE
from fleetform.tf import Construct, google

DESCRIPTORS = (
    ("InFlightMetric", GCP_METRIC_TYPE, "fleetform in-flight requests",
     "Requests in flight on one runner (fal's http_requests_in_progress, POST), per group"),
    ("GaugeMissingMetric", GCP_MISSING_METRIC_TYPE, "fleetform in-flight gauge missing",
     "1 while a runner's app serves without fal's http_requests_in_progress gauge (its requests are not counted), "
     "else 0"),
)
"""Construct id, metric type, display name and description of each runner metric."""


def runner_metric_descriptors(scope: Construct) -> list[google.MonitoringMetricDescriptor]:
    return [google.MonitoringMetricDescriptor(
        scope, construct_id, type=metric_type, metric_kind=GCP_METRIC_KIND, value_type=GCP_METRIC_VALUE_TYPE,
        display_name=display_name, description=description, unit="1",
        metadata={"sample_period": f"{PUBLISH_INTERVAL_SECONDS}s"})
        for construct_id, metric_type, display_name, description in DESCRIPTORS]
