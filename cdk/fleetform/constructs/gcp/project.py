"""The GCP project a stack deploys to, for the few arguments that must spell it out.

Most resources default to the provider's project. Project IAM bindings and Logging destinations
need the id itself: the platform's ``[tool.fleetform.gcp] project`` when set, else whatever project
the provider runs with (read with the ``google_project`` data source at plan time; not
``google_client_config``, which would keep an access token in the state).
"""

from __future__ import annotations

from fleetform.plan.model import PlatformPlan
from fleetform.tf import Construct, google


def project_id(scope: Construct, platform: PlatformPlan) -> str:
    """The project id: the configured one, or a ``google_project`` read created under ``scope``."""
    if platform.gcp_project is not None:
        return platform.gcp_project
    return google.data.Project(scope, "Project").project_id
