"""The images the offline clouds' registries hold, for the data sources that pin groups by digest.

By default every image exists, so ``fleetform check`` of a fresh synth plans green. When
``FLEETFORM_OFFLINE_IMAGES`` names a JSON file (a list of ``<repository>:<tag>``, e.g.
``acme/captioner:in-0123456789abcdef``; what ``fleetform build`` against the fakes pushed), only
those exist: reading any other fails the plan as the real providers do for an image that was never
built, naming its repository (``<platform>/<app>``) and tag. A digest is a stable hash of
repository and tag, so a new tag gives a new digest and an unchanged one plans no change.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from fleetform.check.data_sources import ReadError
from fleetform.check.fake_values import digest

IMAGES_VARIABLE = "FLEETFORM_OFFLINE_IMAGES"


class ImageNotFound(ReadError):
    summary = "Image not found"


@cache
def _built(path: str) -> frozenset[str] | None:
    if not path:
        return None
    return frozenset(json.loads(Path(path).read_text(encoding="utf-8")))


def require_image(repository: str, tag: str, where: str) -> None:
    """Raise ``ImageNotFound`` unless ``repository:tag`` is in the offline registry."""
    built = _built(os.environ.get(IMAGES_VARIABLE, ""))
    if built is not None and f"{repository}:{tag}" not in built:
        raise ImageNotFound(f"no image {repository}:{tag} in {where}: app {repository.rsplit('/', 1)[-1]} has not "
                            "been built with these inputs (run `fleetform build --cloud ...` before deploying)")


def image_digest(repository: str, tag: str) -> str:
    """``sha256:<64 hex>``, stable for ``repository:tag``."""
    return "sha256:" + digest("image", repository, tag, length=64)
