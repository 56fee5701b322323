"""Small GCP platforms for the construct tests, written into temporary folders and synthesized.

Stacks are read by construct path with the shared :class:`tests.constructs.aws.synthesized.Stack`
reader (nothing in it is AWS-specific).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES
from tests.constructs.aws.synthesized import Stack, read_stacks

PLATFORM_HEADER = """\
[tool.fleetform]
name = "acme"
clouds = ["gcp"]
apps = ["../apps/*/pyproject.toml"]
default_regions = ["us-central"]
"""
US_EAST4_CERTIFICATE = "projects/acme-gpu-platform/regions/us-east4/sslCertificates/acme-apps"


def gcp_example(root: Path) -> Path:
    """The example platform with GCP as its only cloud; returns the platform folder.

    GCP has no L40S, so the two apps that ask for ``GPU-L40`` move to GPUs GCP has (the upscaler to
    an A100 80 GB, the captioner to 8 B200s, which boot from Hyperdisk), and us-east4 gets a
    certificate (the example's), which the upscaler's ``shared`` auth needs on GCP; us-central1 loses its
    certificate, so that one region shows the plain-HTTP load balancer.
    """
    shutil.copytree(EXAMPLES / "apps", root / "apps", ignore=shutil.ignore_patterns("__pycache__"))
    _replace(root / "apps/image-studio/src/image_studio/upscaler.py", 'machine_type = "GPU-L40"',
             'machine_type = "GPU-A100-80G"')
    _replace(root / "apps/speech/pyproject.toml", 'machine_type = "GPU-L40"', 'machine_type = "GPU-B200"')
    text = (EXAMPLES / "platform" / "pyproject.toml").read_text()
    assert f'us-east4 = "{US_EAST4_CERTIFICATE}"' in text
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("us-central1 = "))
    (root / "platform").mkdir()
    (root / "platform" / "pyproject.toml").write_text(text.replace('clouds = ["aws", "gcp"]', 'clouds = ["gcp"]'))
    return root / "platform"


def small_platform(root: Path, apps: str, *, platform_extra: str = "") -> Path:
    """A platform (``PLATFORM_HEADER`` + ``platform_extra``, no project id) with one app project holding ``apps``."""
    (root / "platform").mkdir(parents=True)
    (root / "platform" / "pyproject.toml").write_text(PLATFORM_HEADER + textwrap.dedent(platform_extra))
    (root / "apps" / "team").mkdir(parents=True)
    (root / "apps" / "team" / "pyproject.toml").write_text(textwrap.dedent(apps))
    return root / "platform"


def synth(platform: Path, out: Path) -> dict[str, Stack]:
    synth_platform(platform, out)
    return read_stacks(out)


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new))
