"""Many image builds at once, a bounded number at a time, each skipped when its tag already exists.

A builder (``CodeBuildBuilder``, ``CloudBuildBuilder``) answers ``tag_exists`` and ``build``; an error
the cloud raises for one build (a missing bucket, denied access) ends that build as ``ERROR`` with
the message, and the others go on. Outcomes come back in the order of the requests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from fleetform.cloud_build.request import BuildOutcome, BuildRequest

DEFAULT_JOBS = 4
"""Builds in flight at once: CodeBuild and Cloud Build queue more, but each one holds a context upload."""


class Builder(Protocol):
    cloud: str

    def image(self, request: BuildRequest) -> str: ...

    def tag_exists(self, request: BuildRequest) -> bool: ...

    def build(self, request: BuildRequest) -> BuildOutcome: ...


def submit_builds(requests: Mapping[str, Sequence[BuildRequest]], builders: Mapping[str, Builder], *,
                  jobs: int = DEFAULT_JOBS) -> list[BuildOutcome]:
    """Build every ``requests[cloud]`` with ``builders[cloud]``; skipped, built or failed, in request order."""
    tasks = [(builders[cloud], request) for cloud in sorted(requests) for request in requests[cloud]]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda task: _one(*task), tasks))


def _one(builder: Builder, request: BuildRequest) -> BuildOutcome:
    try:
        if builder.tag_exists(request):
            return BuildOutcome(request.app, builder.cloud, builder.image(request), "skipped")
        return builder.build(request)
    except Exception as error:
        return BuildOutcome(request.app, builder.cloud, builder.image(request), "ERROR",
                            failed_step=f"{type(error).__name__}: {error}")
