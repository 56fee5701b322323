"""Small GCP platforms for the construct tests, written into temporary folders and synthesized.

Stacks are read by construct path with the shared :class:`tests.constructs.aws.synthesized.Stack`
reader (nothing in it is AWS-specific).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.constructs.aws.synthesized import small_platform as aws_small_platform
from tests.constructs.aws.synthesized import synth  # noqa: F401  (the GCP tests import it from here)

PLATFORM_HEADER = """\
[tool.fleetform]
name = "acme"
clouds = ["gcp"]
apps = ["../apps/*/pyproject.toml"]
default_regions = ["us-central"]
served_regions = ["us-west", "us-central", "us-east", "eu-north", "eu-west"]
allow_plain_http = true
[tool.fleetform.gcp]
project = "acme-gpu-test"
"""
US_EAST4_CERTIFICATE = "projects/acme-gpu-platform/regions/us-east4/sslCertificates/acme-apps"


def gcp_example(root: Path) -> Path:
    """The example platform with GCP as its only cloud; returns the platform folder.

    GCP has no L40S, so the two apps that ask for ``GPU-L40`` move to GPUs GCP has (the upscaler to
    an A100 80 GB, the captioner to 8 B200s, which boot from Hyperdisk), and us-east4 gets a
    certificate (the example's), which the upscaler's ``shared`` auth needs on GCP; us-central1 loses its
    certificate, so that one region shows the plain-HTTP load balancer (``allow_plain_http``). Without the
    example's DNS zone: the URLs are on the load balancers' addresses (the zone's records are tested with the
    whole example, ``tests/synth``).
    """
    shutil.copytree(EXAMPLES / "apps", root / "apps", ignore=shutil.ignore_patterns("__pycache__"))
    _replace(root / "apps/image-studio/src/image_studio/upscaler.py", 'machine_type = "GPU-L40"',
             'machine_type = "GPU-A100-80G"')
    _replace(root / "apps/speech/pyproject.toml", 'machine_type = "GPU-L40"', 'machine_type = "GPU-B200"')
    text = (EXAMPLES / "platform" / "pyproject.toml").read_text()
    assert f'us-east4 = "{US_EAST4_CERTIFICATE}"' in text
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(("us-central1 = ", "dns_zone = ", "dns_managed_zone = ")))
    (root / "platform").mkdir()
    text = text.replace('clouds = ["aws", "gcp"]', 'clouds = ["gcp"]\nallow_plain_http = true')
    (root / "platform" / "pyproject.toml").write_text(text)
    return root / "platform"


def small_platform(root: Path, apps: str, *, platform_extra: str = "") -> Path:
    """A GCP platform (``PLATFORM_HEADER`` + ``platform_extra``) with one app project holding ``apps``."""
    return aws_small_platform(root, apps, platform_extra=platform_extra, header=PLATFORM_HEADER)


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new))
