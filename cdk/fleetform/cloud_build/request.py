"""One image build as the cloud builders see it, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fleetform.plan.model import RegistryLogin


@dataclass(frozen=True)
class BuildRequest:
    """An app's image to build: its context tarball and what the build script needs (see ``plan.build_script``)."""

    app: str
    repository: str
    """``<platform>/<app>``."""
    tag: str
    """The content key: an existing tag means an unchanged build, which is skipped."""
    context: Path
    """The context as a gzipped tarball (``fleetform.cloud_build.archive``)."""
    dockerfile: str
    secrets: tuple[tuple[str, str], ...] = ()
    """``(BuildKit id, secret name)`` pairs."""
    build_args: tuple[tuple[str, str], ...] = ()
    registries: tuple[RegistryLogin, ...] = ()
    regions: tuple[str, ...] = ()
    """Cloud regions that run the app: the image must be pullable in each before a deploy."""


@dataclass(frozen=True)
class BuildOutcome:
    """How one app's image build went on one cloud."""

    app: str
    cloud: str
    image: str
    status: str
    """``skipped`` (tag exists), ``built``, or the failure state (``FAILED``, ``TIMED_OUT``, ``FAILURE``...)."""
    build_id: str | None = None
    failed_step: str | None = None
    log_tail: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)
    """Time per step: ``upload``, ``build`` (start to a terminal state), ``replication``."""

    @property
    def ok(self) -> bool:
        return self.status in ("skipped", "built")

    def to_json(self) -> dict[str, object]:
        return {"app": self.app, "cloud": self.cloud, "image": self.image, "status": self.status,
                "build_id": self.build_id, "failed_step": self.failed_step, "log_tail": list(self.log_tail),
                "seconds": self.seconds}
