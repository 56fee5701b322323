"""The runner agent's configuration, rendered from the plan into ``/etc/fleetform/agent.json``.

Each duty is present only when the group needs it: the health bridge when the load balancer
probes the agent (a POST health check), the slot targets when a host carries several runners, the
in-flight metric when the app serves Prometheus metrics, scale-in protection on AWS when that metric
exists, and the drain everywhere (with the ASG's termination lifecycle hook on AWS; timings from
``plan.rollout.draining``). Values known only on the runner (instance id, project, zone, its slot
count) the agent reads from the metadata service or the boot script's files itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fleetform.plan import metrics
from fleetform.plan.health import AGENT_HEALTH_PATH
from fleetform.plan.model import RUNNER_AGENT_PORT, GroupPlan
from fleetform.plan.names import group_name
from fleetform.runner.contract import DRAIN_HOOK_NAME, GCP_METRIC_KIND, GCP_METRIC_VALUE_TYPE

CONTAINER_NAME = "app"
"""The app containers' name prefix: slot k of a host runs as ``app-<k>``."""
RUNNER_SLOTS_FILE = "/etc/fleetform/runner-slots"
"""Where the boot script writes how many runners (slots) this host carries, for the agent."""
TARGET_RETRY_SECONDS = 10

SCRAPE_TIMEOUT_SECONDS = 5


def agent_config(group: GroupPlan, platform: str) -> dict[str, Any]:
    """The agent's duties for ``group``; a duty the group does not need is ``None``."""
    return {
        "cloud": group.cloud,
        "region": group.cloud_region,
        "group": group_name(platform, group.app),
        "container": CONTAINER_NAME,
        "slots_file": RUNNER_SLOTS_FILE,
        "health_bridge": _health_bridge(group),
        "targets": _targets(group),
        "in_flight": _in_flight(group, platform),
        "drain": _drain(group),
        "protect": _protect(group),
    }


def agent_config_json(group: GroupPlan, platform: str) -> str:
    """:func:`agent_config` as stable JSON (sorted keys)."""
    return json.dumps(agent_config(group, platform), indent=2, sort_keys=True)


def _health_bridge(group: GroupPlan) -> dict[str, Any] | None:
    health = group.health
    if health.probe_port != RUNNER_AGENT_PORT:
        return None
    return {
        "listen_port": RUNNER_AGENT_PORT,
        "path": AGENT_HEALTH_PATH,
        "app_port": group.runner.port,
        "app_path": health.path,
        "method": health.method,
        "timeout_seconds": health.timeout_seconds,
    }


def _in_flight(group: GroupPlan, platform: str) -> dict[str, Any] | None:
    if group.runner.metrics_port is None:
        return None
    return {
        "metrics_port": group.runner.metrics_port,
        "scrape_path": "/metrics",
        "app_port": group.runner.port,
        "scrape_timeout_seconds": SCRAPE_TIMEOUT_SECONDS,
        "metric": metrics.SCRAPED_METRIC,
        "labels": dict(metrics.SCRAPED_LABELS),
        "interval_seconds": metrics.PUBLISH_INTERVAL_SECONDS,
        "publish": _PUBLISHERS[group.cloud](group, platform),
    }


def _targets(group: GroupPlan) -> dict[str, Any] | None:
    """Slot targets the agent registers: only where a host of the group carries several runners (AWS packing;
    the ASG registers slot 0 itself)."""
    if group.packing.max_runners_per_host == 1:
        return None
    return {"app_port": group.runner.port, "retry_seconds": TARGET_RETRY_SECONDS}


def _aws_publish(group: GroupPlan, platform: str) -> dict[str, Any]:
    return {
        "namespace": metrics.AWS_NAMESPACE,
        "metric_name": metrics.AWS_METRIC_NAME,
        "missing_metric_name": metrics.AWS_MISSING_METRIC_NAME,
        "dimension": metrics.AWS_GROUP_DIMENSION,
        "storage_resolution": metrics.AWS_STORAGE_RESOLUTION_SECONDS,
    }


def _gcp_publish(group: GroupPlan, platform: str) -> dict[str, Any]:
    return {
        "metric_type": metrics.GCP_METRIC_TYPE,
        "missing_metric_type": metrics.GCP_MISSING_METRIC_TYPE,
        "metric_kind": GCP_METRIC_KIND,
        "value_type": GCP_METRIC_VALUE_TYPE,
        "resource_type": metrics.GCP_RESOURCE_TYPE,
        "resource_labels": metrics.gcp_series_labels(group_name(platform, group.app), group.cloud_region),
    }


def _drain(group: GroupPlan) -> dict[str, Any]:
    draining = group.rollout.draining
    return {
        "hook": DRAIN_HOOK_NAME if draining.hook_heartbeat_seconds is not None else None,
        "poll_seconds": draining.poll_seconds,
        "request_wait_seconds": draining.request_wait_seconds,
        "stop_timeout_seconds": draining.stop_timeout_seconds,
    }


def _protect(group: GroupPlan) -> dict[str, Any] | None:
    draining = group.rollout.draining
    if not draining.protect_busy_runners or group.runner.metrics_port is None:
        return None
    return {"idle_seconds": draining.protection_idle_seconds}


_PUBLISHERS: dict[str, Callable[[GroupPlan, str], dict[str, Any]]] = {"aws": _aws_publish, "gcp": _gcp_publish}
"""Per cloud, where the agent publishes the in-flight metric."""
