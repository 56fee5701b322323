"""``fleetform simulate``: replay a demand trace under fal's scaling and under each cloud's policy.

fal's documented behaviour (:mod:`fleetform.simulate.reference`) is the reference; the AWS and GCP
policies are replayed as the constructs synthesize them (:mod:`fleetform.simulate.aws`,
:mod:`fleetform.simulate.gcp`), all on one fleet model (:mod:`fleetform.simulate.fleet`) with the
same boot time, so the results differ only by policy.
"""

from __future__ import annotations

from fleetform.simulate.engine import PolicyRun, replay
from fleetform.simulate.run import CloudRun, Simulation, simulate_groups
from fleetform.simulate.trace import Trace, load_trace

__all__ = ["CloudRun", "PolicyRun", "Simulation", "Trace", "load_trace", "replay", "simulate_groups"]
