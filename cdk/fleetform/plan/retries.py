"""How many times the load balancer retries a request, and on which of fal's retry conditions.

fal retries a failed request on three conditions (``server_error``, ``timeout``, ``connection_error``)
unless the app skips them (``skip_retry_conditions``), with per-condition counts in ``retry_config``.
fal's own retries run in its queue (up to 10 attempts, https://docs.fal.ai/documentation/serverless/
reliability/retries); a direct call is never retried there. fleetform's load balancers are the only
retrying hop, so the plan decides here, once, what they may repeat:

* a condition the app skips is never retried;
* a count in ``retry_config`` is used as written (0 turns the condition off);
* ``timeout`` is retried only when ``retry_config`` asks for it: a request that timed out reached a
  runner and ran for ``request_timeout`` seconds, so re-running it is the app's decision, not a default;
* otherwise ``server_error`` and ``connection_error`` get the platform's ``defaults.retries`` (2 unless set).

A load balancer route holds one retry count for all its conditions (GCP's ``retry_policy.num_retries``),
so the route retries each condition on at ``retries``, the smallest count among them: a request is never
repeated more often than the app allows for any condition it could fail on. The AWS ALB never retries.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.spec.app import AppSpec
from fleetform.vocabulary import RETRY_CONDITIONS, RetryCondition

ASKED_ONLY: frozenset[RetryCondition] = frozenset({"timeout"})
"""Conditions retried only when ``retry_config`` names them."""


@dataclass(frozen=True)
class RetryDecision:
    """The app's retry count per fal condition, and what one load balancer route applies."""

    counts: tuple[tuple[RetryCondition, int], ...]
    """Every fal condition with the retries the app's fields give it (0: not retried), in fal's order."""
    conditions: tuple[RetryCondition, ...]
    """The conditions the route retries (count above 0), sorted."""
    retries: int
    """The route's one retry count: the smallest count of ``conditions`` (0 when none)."""


def plan_retries(spec: AppSpec, default_retries: int) -> RetryDecision:
    """The retries ``spec``'s ``skip_retry_conditions`` and ``retry_config`` give each condition.

    ``default_retries`` (the platform's ``defaults.retries``) is what a condition gets that the app neither
    skips nor configures: fal's SDK sends no count then and leaves it to fal's server, whose 10 attempts
    belong to its queue, which has no peer here (a direct call on fal is never retried).
    """
    configured = spec.retry_config or {}
    counts = tuple((condition, _count(condition, spec, configured, default_retries))
                   for condition in RETRY_CONDITIONS)
    retried = {condition: count for condition, count in counts if count > 0}
    return RetryDecision(counts=counts, conditions=tuple(sorted(retried)), retries=min(retried.values(), default=0))


def _count(condition: RetryCondition, spec: AppSpec, configured: dict, default_retries: int) -> int:
    if condition in spec.skip_retry_conditions:
        return 0
    if condition in configured:
        return int(configured[condition].retries)
    return 0 if condition in ASKED_ONLY else default_retries
