"""The Google Cloud APIs a platform's GCP project must have enabled, derived from what the plan builds.

A fresh project has almost none of them on, and each resource fails to create until its API is
enabled. The ``gcp-shared`` stack, applied before the region stacks, enables each service the plan
needs with ``google_project_service`` (never disabling it on destroy: other workloads of the project
may use it). Each entry says why the platform needs it, so ``explain`` and reviews can show it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fleetform.plan.model import GroupPlan, ProjectService, SharedPlan

Needs = Callable[[SharedPlan, Sequence[GroupPlan]], bool]


def _always(shared: SharedPlan, groups: Sequence[GroupPlan]) -> bool:
    return bool(groups)


@dataclass(frozen=True)
class _Rule:
    service: str
    reason: str
    needed: Needs


GCP_SERVICE_RULES: tuple[_Rule, ...] = (
    _Rule("compute.googleapis.com", "instance templates, managed instance groups, load balancers, networks", _always),
    _Rule("iam.googleapis.com", "the runners' and builds' service accounts", _always),
    _Rule("cloudresourcemanager.googleapis.com", "project IAM bindings of the runner service accounts", _always),
    _Rule("logging.googleapis.com", "runner logs (and private-log buckets, sinks and exclusions)", _always),
    _Rule("monitoring.googleapis.com", "the in-flight metric descriptor and the autoscalers that read it", _always),
    _Rule("secretmanager.googleapis.com", "secret containers apps and builds read",
          lambda shared, groups: bool(shared.secrets)),
    _Rule("artifactregistry.googleapis.com", "image repositories of the apps the platform builds",
          lambda shared, groups: shared.builds),
    _Rule("cloudbuild.googleapis.com", "image builds", lambda shared, groups: shared.builds),
    _Rule("storage.googleapis.com", "the build-context bucket", lambda shared, groups: shared.builds),
    _Rule("file.googleapis.com", "Filestore /data volumes",
          lambda shared, groups: any(group.runner.data_mounts for group in groups)),
    _Rule("dns.googleapis.com", "the external load balancers' records in the platform's Cloud DNS zone",
          lambda shared, groups: shared.dns_zone is not None),
    _Rule("iap.googleapis.com", "Identity-Aware Proxy in front of shared apps",
          lambda shared, groups: any(group.route.auth == "shared" for group in groups)),
)
"""Every API a GCP platform may use, with the plan facts that make it needed."""


def gcp_project_services(shared: SharedPlan, groups: Sequence[GroupPlan]) -> tuple[ProjectService, ...]:
    """The services the GCP project must have enabled for ``shared`` and its region ``groups``, sorted."""
    return tuple(sorted((ProjectService(rule.service, rule.reason) for rule in GCP_SERVICE_RULES
                         if rule.needed(shared, groups)), key=lambda service: service.name))


def no_project_services(shared: SharedPlan, groups: Sequence[GroupPlan]) -> tuple[ProjectService, ...]:
    """A cloud whose services need no enabling (AWS)."""
    return ()
