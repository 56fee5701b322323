"""Which secrets a platform needs, on which cloud, and which apps (runners or builds) read each."""

from __future__ import annotations

from dataclasses import dataclass

from fleetform.plan.model import PlatformPlan


@dataclass(frozen=True)
class SecretUse:
    """One secret name: the clouds that hold a container for it and who reads it."""

    name: str
    clouds: tuple[str, ...]
    runtime_apps: tuple[str, ...]
    """Apps whose runners read it at boot (app secrets, the registry of an ``image`` app)."""
    build_apps: tuple[str, ...]
    """Apps whose builds read it (build secrets, base-image registry passwords)."""


def secret_uses(plan: PlatformPlan) -> list[SecretUse]:
    """Every secret of the platform's shared stacks, by name."""
    names = sorted({name for shared in plan.shared for name in shared.secrets})
    uses = []
    for name in names:
        groups = plan.groups()
        uses.append(SecretUse(
            name=name,
            clouds=tuple(shared.cloud for shared in plan.shared if name in shared.secrets),
            runtime_apps=tuple(sorted({g.app for g in groups if name in g.secrets_read})),
            build_apps=tuple(sorted({g.app for g in groups if name in g.image.build_secrets_read})),
        ))
    return uses
