"""The real runner agent (health bridge and in-flight metric) against the Studio served by the runtime entry.

The agent runs as systemd runs it, with the configuration fleetform renders for a GCP group, pointed at
the served app's ports; Cloud Monitoring and the metadata server are local HTTP stand-ins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.runner.agent_config import agent_config
from tests.app_server.serving import (
    Answer,
    entry_command,
    require_fal,
    running,
    started_in_background,
)
from tests.polling import free_port, wait_for
from tests.runner.groups import PLATFORM, group
from tests.runner.test_agent import CloudState, bridge_status, fake_cloud, running_agent

pytestmark = pytest.mark.slow


def published(cloud: CloudState) -> list[float]:
    return [body["timeSeries"][0]["points"][0]["value"]["doubleValue"] for _, body in cloud.series]


def test_agent_bridges_health_and_publishes_the_entry_s_in_flight_requests(tmp_path: Path) -> None:
    require_fal()
    port, metrics_port = free_port(), free_port()
    config = agent_config(group("gcp"), PLATFORM)
    assert config["health_bridge"]["method"] == "POST", "the Studio's health check is a POST endpoint"
    config["health_bridge"].update(listen_port=free_port(), app_port=port, app_path="/ready")
    config["in_flight"].update(metrics_port=metrics_port, app_port=port, interval_seconds=0.2)
    cloud_state = CloudState()
    (tmp_path / "agent").mkdir()
    with running(entry_command(), tmp_path / "app", port=port, metrics_port=metrics_port,
                 FLEETFORM_APP_FILE="studio.py", FLEETFORM_APP_REF="Studio", FLEETFORM_APP_PORT=str(port),
                 FLEETFORM_METRICS_PORT=str(metrics_port)) as server, fake_cloud(cloud_state).running() as cloud:
        urls = {"FLEETFORM_AGENT_GCP_METADATA_URL": cloud.url, "FLEETFORM_AGENT_GCP_MONITORING_URL": cloud.url}
        with running_agent(tmp_path / "agent", config, urls) as agent:
            bridge = config["health_bridge"]["listen_port"]
            assert wait_for(lambda: _bridge(bridge), "the bridge to answer") == 200
            wait_for(lambda: published(cloud_state), "a first publish")
            thread, answers = started_in_background(server, "/slow", {"seconds": 3})
            assert wait_for(lambda: 1.0 in published(cloud_state), "the slow request published", 10)
            thread.join(timeout=30)
            seen = len(published(cloud_state))
            wait_for(lambda: len(published(cloud_state)) >= seen + 2, "two more publishes")
            assert published(cloud_state)[-1] == 0.0
            assert server.stop() == 0
            assert _bridge(bridge) == 503, "the bridge reports the stopped app"
            agent.stop()
    assert answers == [Answer(200, {"slept": 3.0})]


def _bridge(port: int) -> int | None:
    try:
        return bridge_status(port)
    except OSError:
        return None
