"""The Google Cloud APIs the platform's project must have enabled (:mod:`fleetform.plan.apis`).

One ``google_project_service`` per API the plan needs (construct ids ``Service-<api>``, e.g.
``Service-compute``), in the shared stack, which cdktf applies before every region stack. They
never disable the API on destroy (``disable_on_destroy = false``): other workloads of the project
may use it, and disabling an API deletes what it holds. Every other resource of the shared stack
waits for them (``depends_on``), so a first apply on a fresh project does not race the enabling.
"""

from __future__ import annotations

from fleetform.plan.model import ProjectService
from fleetform.tf import Construct, google


def enable_project_services(scope: Construct, services: tuple[ProjectService, ...],
                            project: str | None) -> list[google.ProjectService]:
    """``google_project_service`` for each of ``services`` in ``project`` (None: the provider's project)."""
    return [google.ProjectService(scope, f"Service-{service.name.split('.', 1)[0]}", service=service.name,
                                  project=project, disable_on_destroy=False, disable_dependent_services=False)
            for service in services]
