"""How a runner leaves without killing the requests it serves: the timings, decided once per group.

fal drains exactly the idle runners and lets a runner's requests run up to ``request_timeout``;
``termination_grace_period_seconds`` is the app's own SIGTERM-to-SIGKILL window (``docker stop``'s
timeout). The clouds pick which VMs go and kill them on their own clocks, so each cloud gets:

* **Load balancer draining** = ``request_timeout``, up to the cloud's cap: the AWS target group's
  deregistration delay (at most 3600 s) and the GCP backend service's connection draining (at most
  3600 s). A leaving runner gets no new requests and keeps those it has.
* **A drain on the runner** (the agent): wait until the app has no request in flight, at most
  :attr:`~fleetform.plan.model.DrainPlan.request_wait_seconds`, then ``docker stop`` (the grace).
  On AWS it runs inside the termination lifecycle hook, whose heartbeat covers the wait, the stop
  and the agent's polling; the wait is capped so the total stays within the hook's 7200-s maximum
  heartbeat. On GCP it is the instance's shutdown script, which Compute Engine runs on a best-effort
  basis for at most 90 s (on-demand) or 30 s (Spot) after a stop or delete: the wait gets what the
  window leaves after the grace, so on GCP a request longer than that is only protected by the
  backend service's connection draining, which the MIG applies before it deletes an autoscaled VM.
* **Busy runners are not chosen** (AWS): the agent sets the instance's scale-in protection while
  requests are in flight and clears it after :data:`PROTECTION_IDLE_SECONDS` of idleness, so a
  keep-alive scale-in (``ExactCapacity``) removes idle runners and leaves busy ones until they
  are idle. GCP MIGs have no per-instance scale-in protection; their deletions go through the
  backend service's connection draining.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fleetform.plan.capacity import ProvisioningModel
from fleetform.plan.model import DrainPlan
from fleetform.vocabulary import Cloud

DRAIN_POLL_SECONDS = 5
"""How often the agent looks for a termination (AWS lifecycle state) and, while it drains, at the in-flight count."""
DRAIN_MARGIN_SECONDS = 60
"""Time the AWS hook's heartbeat leaves beyond the wait and the stop, for the agent to notice and call the API."""
PROTECTION_IDLE_SECONDS = 30
"""A runner keeps its scale-in protection this long after its last request: a short lull between requests does not
make it a candidate."""
AWS_MAX_HOOK_HEARTBEAT_SECONDS = 7200
"""``HeartbeatTimeout`` of a lifecycle hook: 30 to 7200 s."""
AWS_MIN_HOOK_HEARTBEAT_SECONDS = 30
AWS_MAX_DEREGISTRATION_DELAY_SECONDS = 3600
"""``deregistration_delay.timeout_seconds`` of a target group: 0 to 3600 s."""
GCP_MAX_CONNECTION_DRAINING_SECONDS = 3600
"""``connectionDraining.drainingTimeoutSec`` of a backend service: 0 to 3600 s."""
GCP_SHUTDOWN_WINDOW_SECONDS: Mapping[ProvisioningModel, int] = {"on-demand": 90, "spot": 30}
"""How long Compute Engine lets a shutdown script run after a stop or delete (best effort)."""
GCP_SHUTDOWN_MARGIN_SECONDS = 5
"""What the GCP drain leaves of the window for the agent's start and ``docker stop``'s own work."""


@dataclass(frozen=True)
class _CloudDraining:
    load_balancer_cap_seconds: int
    protects_busy_runners: bool
    hook: bool
    """Whether a termination lifecycle hook holds the VM while the agent drains (AWS)."""


_CLOUD_DRAINING: Mapping[Cloud, _CloudDraining] = {
    "aws": _CloudDraining(AWS_MAX_DEREGISTRATION_DELAY_SECONDS, protects_busy_runners=True, hook=True),
    "gcp": _CloudDraining(GCP_MAX_CONNECTION_DRAINING_SECONDS, protects_busy_runners=False, hook=False),
}


def plan_draining(cloud: Cloud, *, request_timeout: int, grace: int, provisioning: ProvisioningModel) -> DrainPlan:
    """The drain timings of a group on ``cloud`` whose app allows ``request_timeout`` and ``grace`` seconds."""
    rules = _CLOUD_DRAINING[cloud]
    if rules.hook:
        wait = max(0, min(request_timeout, AWS_MAX_HOOK_HEARTBEAT_SECONDS - grace - DRAIN_POLL_SECONDS
                          - DRAIN_MARGIN_SECONDS))
        heartbeat = min(AWS_MAX_HOOK_HEARTBEAT_SECONDS, max(AWS_MIN_HOOK_HEARTBEAT_SECONDS,
                                                            wait + grace + DRAIN_POLL_SECONDS + DRAIN_MARGIN_SECONDS))
        window = None
        bound = f"the termination lifecycle hook's heartbeat ({heartbeat} s, at most {AWS_MAX_HOOK_HEARTBEAT_SECONDS})"
    else:
        window = GCP_SHUTDOWN_WINDOW_SECONDS[provisioning]
        wait = max(0, min(request_timeout, window - grace - GCP_SHUTDOWN_MARGIN_SECONDS))
        heartbeat = None
        bound = f"Compute Engine's {window}-s shutdown window ({provisioning} VMs, best effort)"
    return DrainPlan(
        request_timeout_seconds=request_timeout,
        stop_timeout_seconds=grace,
        load_balancer_draining_seconds=min(request_timeout, rules.load_balancer_cap_seconds),
        request_wait_seconds=wait,
        hook_heartbeat_seconds=heartbeat,
        shutdown_window_seconds=window,
        protect_busy_runners=rules.protects_busy_runners,
        protection_idle_seconds=PROTECTION_IDLE_SECONDS,
        poll_seconds=DRAIN_POLL_SECONDS,
        bound=bound,
    )
