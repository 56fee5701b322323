"""Synthesizing small AWS platforms for the construct tests, and reading the result by construct path.

A stack's resources are found by their construct path below the stack (``region/captioner/Route/
TargetGroup``), the public API the constructs promise, rather than by the hashed Terraform names.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES

PLATFORM_HEADER = """\
[tool.fleetform]
name = "acme"
clouds = ["aws"]
apps = ["../apps/*/pyproject.toml"]
default_regions = ["us-east"]
served_regions = ["us-west", "us-central", "us-east", "eu-north", "eu-west"]
allow_plain_http = true
[tool.fleetform.aws]
allowed_account_ids = ["111111111111"]
"""


@dataclass(frozen=True)
class Stack:
    """One synthesized stack's configuration (or a region's stacks together), queried by construct path."""

    name: str
    config: dict[str, Any]
    members: tuple[str, ...] = ()
    """For a region's view: the names of the stacks it joins (base, apps, routes)."""

    def _blocks(self, kind: str, type_name: str) -> dict[str, tuple[str, dict[str, Any]]]:
        stacks = set(self.members or (self.name,))
        found = {}
        for name, body in self.config.get(kind, {}).get(type_name, {}).items():
            parts = body["//"]["metadata"]["path"].split("/")
            start = next(index for index, part in enumerate(parts) if part in stacks)
            found["/".join(parts[start + 1:])] = (name, {key: value for key, value in body.items() if key != "//"})
        return found

    def resources(self, type_name: str) -> dict[str, dict[str, Any]]:
        """Every resource of a type, by construct path."""
        return {path: body for path, (_, body) in self._blocks("resource", type_name).items()}

    def resource(self, type_name: str, path: str) -> dict[str, Any]:
        return self.resources(type_name)[path]

    def data_sources(self, type_name: str) -> dict[str, dict[str, Any]]:
        return {path: body for path, (_, body) in self._blocks("data", type_name).items()}

    def data(self, type_name: str, path: str) -> dict[str, Any]:
        return self.data_sources(type_name)[path]

    def address(self, type_name: str, path: str, *, kind: str = "resource") -> str:
        """``aws_lb_listener.<name>`` (or ``data.<type>.<name>``), as references spell it."""
        name = self._blocks(kind, type_name)[path][0]
        return f"{type_name}.{name}" if kind == "resource" else f"data.{type_name}.{name}"

    def ref(self, type_name: str, path: str, attribute: str, *, kind: str = "resource") -> str:
        return f"${{{self.address(type_name, path, kind=kind)}.{attribute}}}"

    def types(self) -> set[str]:
        return set(self.config.get("resource", {}))

    def count(self) -> int:
        return sum(len(blocks) for blocks in self.config.get("resource", {}).values())


def read_stacks(out: Path) -> dict[str, Stack]:
    return {path.parent.name: Stack(path.parent.name, json.loads(path.read_text()))
            for path in sorted((out / "stacks").glob("*/cdk.tf.json"))}


def region_name(stack: str) -> str:
    """The region (base stack) a stack belongs to: ``aws-us-east--captioner`` and ``gcp-us-east-routes`` too."""
    return stack.split("--", 1)[0].removesuffix("-routes")


def read_regions(out: Path) -> dict[str, Stack]:
    """Per region its base, app and routes stacks as one view (per cloud its shared and app-shared stacks), by
    base stack name.

    The construct tests check what each region deploys, wherever the layout puts it; the layout has its own
    tests (``tests/synth``).
    """
    members: dict[str, list[Stack]] = {}
    for name, stack in read_stacks(out).items():
        members.setdefault(region_name(name), []).append(stack)
    return {name: _joined(name, stacks) for name, stacks in members.items()}


def _joined(name: str, stacks: list[Stack]) -> Stack:
    config: dict[str, Any] = {}
    for stack in stacks:
        for kind, blocks in stack.config.items():
            if kind in ("resource", "data"):
                for type_name, named in blocks.items():
                    config.setdefault(kind, {}).setdefault(type_name, {}).update(named)
            elif kind == "output":
                config.setdefault(kind, {}).update(blocks)
            else:
                config.setdefault(kind, blocks)
    return Stack(name, config, tuple(stack.name for stack in stacks))


def boot_script(stack: Stack, app: str) -> str:
    """The runner script a group's launch template carries (gzip, then base64)."""
    template = stack.resource("aws_launch_template", f"region/{app}/InstanceGroup/LaunchTemplate")
    return gzip.decompress(base64.b64decode(template["user_data"])).decode()


def policy_statements(stack: Stack, app: str) -> dict[str, dict[str, Any]]:
    """The runner policy's statements by sid."""
    document = stack.data("aws_iam_policy_document", f"region/{app}/Identity/PolicyDocument")
    return {statement["sid"]: statement for statement in document["statement"]}


def aws_example(root: Path) -> Path:
    """A copy of the example platform with AWS as its only cloud; returns the platform folder.

    eu-north-1 loses its certificate, so that one region shows the plain-HTTP load balancer (the platform
    opts in with ``allow_plain_http``), and the platform its DNS zone, so the URLs are on the load balancers'
    own names (the zone's records are tested with the whole example, ``tests/synth``).
    """
    shutil.copytree(EXAMPLES / "apps", root / "apps", ignore=shutil.ignore_patterns("__pycache__"))
    text = (EXAMPLES / "platform" / "pyproject.toml").read_text()
    assert 'clouds = ["aws", "gcp"]' in text
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(("eu-north-1 = ", "dns_zone = ", "dns_managed_zone = ")))
    (root / "platform").mkdir()
    text = text.replace('clouds = ["aws", "gcp"]', 'clouds = ["aws"]\nallow_plain_http = true')
    (root / "platform" / "pyproject.toml").write_text(text)
    return root / "platform"


def small_platform(root: Path, apps: str, *, platform_extra: str = "", header: str = PLATFORM_HEADER) -> Path:
    """A platform (``header`` + ``platform_extra``) with one app project holding ``apps`` TOML."""
    (root / "platform").mkdir(parents=True)
    (root / "platform" / "pyproject.toml").write_text(header + textwrap.dedent(platform_extra))
    (root / "apps" / "team").mkdir(parents=True)
    (root / "apps" / "team" / "pyproject.toml").write_text(textwrap.dedent(apps))
    return root / "platform"


def synth(platform: Path, out: Path) -> dict[str, Stack]:
    """Synthesize ``platform`` into ``out``; each region's stacks as one view (:func:`read_regions`)."""
    synth_platform(platform, out)
    return read_regions(out)
