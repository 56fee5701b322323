"""The per-group in-flight request metric: what every runner publishes and what the autoscalers read.

Each runner scrapes fal's ``http_requests_in_progress`` gauge (fal-semantics.md §8) from its
metrics port on every wall-clock multiple of :data:`PUBLISH_INTERVAL_SECONDS` and publishes it
stamped with that boundary, 0 included (missing data blocks AWS target tracking), tagged with its
group. Summed over a group's runners per period it is the group's in-flight request count, the
demand fal scales on. A runner whose app serves without the gauge publishes no count (it is not
idle) and instead flags the gauge as missing: on AWS ``InFlightGaugeMissing`` = 1, which blocks the
keep-alive scale-in and raises the group's ``gauge-missing`` alarm; on GCP a ``gauge_missing`` series
of 1 (0 while the gauge is read), which keeps that runner in the autoscaler's recommendation and
fires the group's gauge-missing alert policy (issue 14.4).

The metric's identity is one group in one region, decided here once (issue 14.2): an app runs a
group of the same name in every region it serves, and a metric query sums every series it
matches, so a filter without the region would scale each region on the demand of all of them.

* **AWS**: CloudWatch metrics and alarms are regional, and the agent publishes into its own
  region; the ``AutoScalingGroupName`` dimension within that region is the group.
* **GCP**: Cloud Monitoring is project-wide. The runners' ``generic_node`` series carry the group
  (``namespace``) and the region (``location``), and the autoscaler's and alert policy's filters name
  both (:func:`gcp_group_filter`, built from the same :func:`gcp_series_labels` the agent
  publishes). The wake policy's load balancer filter names the backend service and its region
  (:func:`gcp_wake_filter`): every region's backend service has the group's name.
"""

from __future__ import annotations

PUBLISH_INTERVAL_SECONDS = 10
SCRAPED_METRIC = "http_requests_in_progress"
SCRAPED_LABELS = {"method": "POST"}
"""fal counts endpoint calls under POST; GET (docs, fal's /health) is left out."""

GAUGE_MISSING_ALARM_PERIOD_SECONDS = 60
GAUGE_MISSING_ALARM_PERIODS = 3
"""The gauge-missing alarm (AWS) and alert policy (GCP) fire after 3 one-minute periods in which some runner
served without the gauge: long enough to pass over a restart, short enough to page before keep_alive could matter."""

AWS_NAMESPACE = "Fleetform/Runners"
AWS_METRIC_NAME = "InFlightRequests"
AWS_GROUP_DIMENSION = "AutoScalingGroupName"
AWS_MISSING_METRIC_NAME = "InFlightGaugeMissing"
"""1 from a runner whose app serves but does not expose the gauge (its count is then not published), else 0."""
AWS_STORAGE_RESOLUTION_SECONDS = 1
"""Published as a high-resolution metric, so policies may read it at periods under a minute."""

GCP_METRIC_TYPE = "custom.googleapis.com/fleetform/in_flight_requests"
GCP_MISSING_METRIC_TYPE = "custom.googleapis.com/fleetform/in_flight_gauge_missing"
"""1 from a runner whose app serves but does not expose the gauge (its count is then not written), else 0."""
GCP_RESOURCE_TYPE = "generic_node"
"""Not ``gce_instance``: the autoscaler then treats the metric as per-group and sums the runners' series."""
GCP_GROUP_LABEL = "namespace"
"""The ``generic_node`` resource label holding the MIG name; ``node_id`` holds the instance name."""
GCP_REGION_LABEL = "location"
"""The ``generic_node`` resource label holding the group's region (the resource type's documented meaning)."""
GCP_LOAD_BALANCER_REGION_LABEL = "region"
"""The regional and internal Application Load Balancers' resource label holding the load balancer's region."""


def gcp_series_labels(group_name: str, region: str) -> dict[str, str]:
    """The resource labels that make a runner's series one of ``group_name``'s in ``region``.

    The agent adds ``project_id`` and ``node_id`` (its instance) when it publishes.
    """
    return {GCP_GROUP_LABEL: group_name, GCP_REGION_LABEL: region}


def gcp_group_filter(group_name: str, region: str, metric_type: str | None = None) -> str:
    """The filter for the runners' series of the group in ``region`` (equality terms joined by AND).

    The autoscaler names the metric apart (its policy's ``metric``), so it passes no ``metric_type``; an
    alert policy's filter must name it.
    """
    labels = gcp_series_labels(group_name, region)
    terms = _filter(GCP_RESOURCE_TYPE, [(name, labels[name]) for name in sorted(labels)])
    return f'metric.type = "{metric_type}" AND {terms}' if metric_type else terms


def gcp_wake_filter(resource_type: str, backend_service: str, region: str | None) -> str:
    """The wake policy's filter: the load balancer's requests to ``backend_service`` in ``region``.

    ``region`` is None for a global load balancer, whose backend service is global (one name in the project).
    """
    labels = [("backend_target_name", backend_service)]
    return _filter(resource_type, labels + ([(GCP_LOAD_BALANCER_REGION_LABEL, region)] if region else []))


def _filter(resource_type: str, labels: list[tuple[str, str]]) -> str:
    return " AND ".join([f'resource.type = "{resource_type}"',
                         *(f'resource.label.{name} = "{value}"' for name, value in labels)])
