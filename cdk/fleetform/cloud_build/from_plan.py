"""From the platform plan and the apps' build contexts to cloud build requests and builders.

Each app with a build context is built on every cloud that runs it, for that cloud's regions; the
context (``fleetform.images.context.BuildContext``: files, Dockerfile path, build args, secrets) is
written once as a content-addressed tarball and shared by both clouds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from fleetform.cloud_build.archive import write_context_archive
from fleetform.cloud_build.cloudbuild import CloudBuildBuilder
from fleetform.cloud_build.codebuild import CodeBuildBuilder
from fleetform.cloud_build.request import BuildRequest
from fleetform.cloud_build.submit import Builder
from fleetform.cloud_clients import gcp_project
from fleetform.errors import FleetformError
from fleetform.plan.model import PlatformPlan
from fleetform.vocabulary import Cloud

BuilderFactory = Callable[[PlatformPlan, str, Callable[[str], None], float], Builder]
"""``(plan, home region, echo, poll seconds) -> Builder`` for one cloud."""


def cloud_requests(plan: PlatformPlan, contexts: Iterable[tuple[str, Any]], clouds: tuple[str, ...],
                   archive_dir: Path) -> dict[str, list[BuildRequest]]:
    """``cloud -> requests`` for every ``(app, BuildContext)`` the clouds in ``clouds`` run."""
    requests: dict[str, list[BuildRequest]] = {cloud: [] for cloud in clouds}
    for app, context in contexts:
        archive = archive_dir / f"{app}.tar.gz"
        write_context_archive({name: (file.content, file.executable) for name, file in context.files.items()},
                              archive)
        for cloud in clouds:
            groups = [group for group in plan.groups(app) if group.cloud == cloud]
            if not groups:
                continue
            image = groups[0].image
            requests[cloud].append(BuildRequest(
                app=app, repository=image.repository, tag=image.tag, context=archive, dockerfile=context.dockerfile,
                secrets=tuple((secret.id, secret.secret) for secret in context.secrets),
                build_args=tuple(context.build_args), registries=image.build_registries,
                regions=tuple(sorted({group.cloud_region for group in groups}))))
    return requests


def cloud_builders(plan: PlatformPlan, clouds: tuple[str, ...], *, echo: Callable[[str], None],
                   poll_seconds: float = 5.0) -> dict[str, Builder]:
    """A builder per cloud, in its shared stack's home region (and project)."""
    builders: dict[str, Builder] = {}
    for cloud in clouds:
        shared = plan.shared_for(cloud)
        if shared is None:
            raise FleetformError.single("build/cloud-not-enabled", f"--cloud {cloud}",
                                        f"the platform does not run on {cloud}",
                                        allowed=", ".join(s.cloud for s in plan.shared) or "(no cloud runs an app)")
        builders[cloud] = BUILDERS[shared.cloud](plan, shared.home_region, echo, poll_seconds)
    return builders


def _codebuild(plan: PlatformPlan, home_region: str, echo: Callable[[str], None], poll_seconds: float) -> Builder:
    return CodeBuildBuilder(plan.name, home_region, poll_seconds=poll_seconds, echo=echo)


def _cloudbuild(plan: PlatformPlan, home_region: str, echo: Callable[[str], None], poll_seconds: float) -> Builder:
    return CloudBuildBuilder(plan.name, gcp_project(plan.gcp_project), home_region, poll_seconds=poll_seconds,
                             echo=echo)


BUILDERS: Mapping[Cloud, BuilderFactory] = {"aws": _codebuild, "gcp": _cloudbuild}
"""Each cloud's builder: CodeBuild in the AWS home region, Cloud Build in the GCP project's home region."""
