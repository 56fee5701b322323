"""Which container image a group's runners pull, and under which tag.

An ``image`` reference is pulled as given. A Dockerfile or a requirements list is built by the
platform into its own registry, repository ``<platform>/<app>``, tagged with the content key of its
build context (``fleetform.images``): the same inputs give the same tag on every machine, and
changed contents a new tag, which is what rolls the group.
"""

from __future__ import annotations

from fleetform.errors import FleetformError
from fleetform.images.context import build_context
from fleetform.images.key import content_key
from fleetform.plan.model import ImagePlan, RegistryLogin
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.resolve import ResolvedApp
from fleetform.vocabulary import ImageSource

PLATFORM_ONLY_PROBLEMS = frozenset({"image/no-base-image"})
"""Image problems that are the platform's to fix: an app team's preview plans without them (no tag)."""


def plan_image(app: ResolvedApp, platform: PlatformSettings, *, accelerated: bool, preview: bool = False) -> ImagePlan:
    """The image of ``app``'s groups; ``accelerated`` when it runs on GPUs (the base image follows).

    In a ``preview`` (an app project on the default settings) a Python version the default base images
    do not cover leaves the tag empty instead of failing: which base builds it is the platform's choice.
    """
    spec = app.spec
    image = spec.image
    registries = tuple(
        RegistryLogin(host, credential.username, credential.password_secret)
        for host, credential in sorted((image.registries if image else {}).items())
    )
    build_secrets = set(spec.requirements.secret_names)
    if image is not None:
        build_secrets |= {name for name in image.secret_names if name not in {r.password_secret for r in registries}}
    source: ImageSource = "requirements" if image is None else ("image" if image.image is not None else "dockerfile")
    try:
        context = build_context(app, platform.images, accelerated=accelerated)
        tag = content_key(context) if context is not None else ""
    except FleetformError as error:
        if not preview or any(problem.code not in PLATFORM_ONLY_PROBLEMS for problem in error.problems):
            raise
        tag = ""
    return ImagePlan(
        source=source,
        reference=image.image if image is not None and image.image is not None else None,
        repository=f"{platform.name}/{spec.name}",
        tag=tag,
        registries=registries,
        entrypoint=image.entrypoint if image else None,
        cmd=image.cmd if image else None,
        build_secrets=tuple(sorted(build_secrets)),
    )
