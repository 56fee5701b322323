"""The GCP shared stack: what the platform holds once per project, in its home region.

Construct ids (public API) under the stack's ``shared``: ``Service-<api>`` (the project's APIs,
:mod:`fleetform.constructs.gcp.project_services`), ``Secrets``, ``Registry``, ``Build``, ``PrivateLogs``,
``InFlightMetric``, and ``Project`` when the platform names no project. Region stacks find these by
their deterministic names (:mod:`fleetform.plan.names`, :mod:`fleetform.runner.contract`), never
through references, so each stack plans and applies alone.
"""

from __future__ import annotations

from fleetform.constructs.gcp.build import GcpBuildPipeline
from fleetform.constructs.gcp.metric_descriptor import runner_metric_descriptors
from fleetform.constructs.gcp.private_logs import PrivateLogs
from fleetform.constructs.gcp.project import project_id
from fleetform.constructs.gcp.project_services import enable_project_services
from fleetform.constructs.gcp.registry import ImageRegistry
from fleetform.constructs.gcp.secrets import SecretContainers
from fleetform.constructs.shared import SharedResources
from fleetform.tf import Resource, add_dependencies


class GcpSharedResources(SharedResources):
    """The project's APIs, then secret containers, Artifact Registry repositories and their build pipeline, the
    private-logs bucket and the runner metrics, each waiting for the APIs."""

    def build(self) -> None:
        shared, platform = self.shared, self.platform.name
        services = enable_project_services(self, shared.project_services, self.platform.gcp_project)
        project = project_id(self, self.platform) if shared.builds or shared.private_logs else ""
        secret_ids = SecretContainers(self, "Secrets", platform=platform, secrets=shared.secrets).secret_ids \
            if shared.secrets else {}
        if shared.builds:
            registry = ImageRegistry(self, "Registry", platform=platform, shared=shared)
            GcpBuildPipeline(self, "Build", platform=platform, shared=shared, project=project,
                             repository_ids=registry.repository_ids, secret_ids=secret_ids)
        if shared.private_logs:
            PrivateLogs(self, "PrivateLogs", platform=platform, project=project)
        runner_metric_descriptors(self)
        for element in self.node.find_all():
            if isinstance(element, Resource) and element not in services:
                add_dependencies(element, services)
