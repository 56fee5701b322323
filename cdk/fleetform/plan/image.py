"""Which container image a group's runners pull, and under which tag.

An ``image`` reference is pulled as given. A Dockerfile or a requirements list is built by the
platform into its own registry, repository ``<platform>/<app>``, tagged with a hash of the build
inputs: the same inputs give the same tag on every machine, and changed inputs a new tag, which
is what rolls the group.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fleetform.plan.model import ImagePlan, RegistryLogin
from fleetform.spec.resolve import ResolvedApp
from fleetform.vocabulary import ImageSource

TAG_PREFIX = "in-"
TAG_HASH_LENGTH = 16


def plan_image(app: ResolvedApp, platform_name: str) -> ImagePlan:
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
    return ImagePlan(
        source=source,
        reference=image.image if image is not None and image.image is not None else None,
        repository=f"{platform_name}/{spec.name}",
        tag=_input_tag(app) if source != "image" else "",
        registries=registries,
        entrypoint=image.entrypoint if image else None,
        cmd=image.cmd if image else None,
        build_secrets=tuple(sorted(build_secrets)),
    )


def _input_tag(app: ResolvedApp) -> str:
    """A hash of everything the build reads: Dockerfile, build args, requirements, Python, app code."""
    spec = app.spec
    base = app.pyproject.parent
    inputs: dict[str, object] = {
        "python_version": spec.python_version,
        "requirements": spec.requirements.to_pip_args(),
        "entry": spec.ref or spec.python_entry_point,
        "local_python_modules": spec.local_python_modules,
        "app_files": spec.app_files,
    }
    if spec.image is not None:
        inputs["dockerfile"] = spec.image.dockerfile_str or _read(spec.image.dockerfile)
        inputs["build_args"] = dict(sorted(spec.image.build_args.items()))
    if spec.ref is not None:
        inputs["ref_source"] = _read(base / spec.ref.split("::")[0])
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    return TAG_PREFIX + digest[:TAG_HASH_LENGTH]


def _read(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8", errors="replace")
