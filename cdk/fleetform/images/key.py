"""The content key of a build context: the image tag.

A SHA-256 over the contents of every build input and nothing else: each file's path, executable
bit and bytes, the Dockerfile's path, build args, secret ids and names (never values), the base
image reference and the generator's version. The same inputs give the same tag on every machine,
and any changed byte (an edited ``app_files`` asset, a requirement, the base image) a new tag,
which is what rolls the groups. Settings that do not reach the build (``keep_alive``, scaling,
regions) are not inputs; nor is the platform's CA bundle, which build steps trust but no layer keeps.
"""

from __future__ import annotations

import hashlib
import json

from fleetform.images.context import BuildContext

GENERATOR_VERSION = "1"
"""Bump when the generated Dockerfile or context layout changes meaning: every requirements app rebuilds."""
TAG_PREFIX = "in-"
TAG_HASH_LENGTH = 16
"""64 bits of the SHA-256: collisions among one app's images are not a practical concern."""


def content_key(context: BuildContext) -> str:
    """``in-<16 hex>``: the image tag of ``context``."""
    digest = hashlib.sha256()
    header = {
        "generator": GENERATOR_VERSION if context.kind == "requirements" else None,
        "kind": context.kind,
        "base_image": context.base_image,
        "dockerfile": context.dockerfile,
        "build_args": [list(pair) for pair in context.build_args],
        "secrets": [[secret.id, secret.secret] for secret in context.secrets],
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    for name, file in sorted(context.files.items()):
        if name in context.unkeyed:
            continue
        digest.update(b"\0" + name.encode() + (b"\0x" if file.executable else b"\0-"))
        digest.update(hashlib.sha256(file.content).digest())
    return TAG_PREFIX + digest.hexdigest()[:TAG_HASH_LENGTH]
