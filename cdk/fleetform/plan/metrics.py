"""The per-group in-flight request metric: what every runner publishes and what the autoscalers read.

Each runner scrapes fal's ``http_requests_in_progress`` gauge (fal-semantics.md §8) from its
metrics port every :data:`PUBLISH_INTERVAL_SECONDS` and publishes it, 0 included (missing data
blocks AWS target tracking), tagged with its group. Summed over a group's runners it is the
group's in-flight request count, the demand fal scales on.
"""

from __future__ import annotations

PUBLISH_INTERVAL_SECONDS = 10
SCRAPED_METRIC = "http_requests_in_progress"
SCRAPED_LABELS = {"method": "POST"}
"""fal counts endpoint calls under POST; GET (docs, fal's /health) is left out."""

AWS_NAMESPACE = "Fleetform/Runners"
AWS_METRIC_NAME = "InFlightRequests"
AWS_GROUP_DIMENSION = "AutoScalingGroupName"
AWS_STORAGE_RESOLUTION_SECONDS = 1
"""Published as a high-resolution metric, so policies may read it at periods under a minute."""

GCP_METRIC_TYPE = "custom.googleapis.com/fleetform/in_flight_requests"
GCP_RESOURCE_TYPE = "generic_node"
"""Not ``gce_instance``: the autoscaler then treats the metric as per-group and sums the runners' series."""
GCP_GROUP_LABEL = "namespace"
"""The ``generic_node`` resource label holding the MIG name; ``node_id`` holds the instance name."""
