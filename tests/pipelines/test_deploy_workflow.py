"""The example platform's deploy workflow runs the documented order, and secret values travel only in env."""

from __future__ import annotations

import re

import yaml

from tests.conftest import EXAMPLES

WORKFLOW = EXAMPLES / "platform" / ".github" / "workflows" / "deploy.yml"


def _runs() -> list[str]:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["deploy"]["steps"]
    return [step["run"] for step in steps if "run" in step]


def test_the_workflow_runs_synth_check_shared_secrets_build_deploy_in_order():
    order = ["fleetform synth", "fleetform check", "cdktf deploy aws-shared gcp-shared", "fleetform secrets set",
             "fleetform secrets list", "fleetform build --cloud both", "cdktf deploy '*'"]
    text = "\n".join(_runs())
    positions = [text.index(command) for command in order]
    assert positions == sorted(positions)


def test_secret_values_come_from_the_environment_never_the_command_line():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    for step in workflow["jobs"]["deploy"]["steps"]:
        assert "${{ secrets." not in step.get("run", ""), step
    setter = next(step for step in workflow["jobs"]["deploy"]["steps"] if "secrets set" in step.get("run", ""))
    assert all(re.fullmatch(r"\$\{\{ secrets\.[A-Z_]+ \}\}", value) for value in setter["env"].values())
    assert "--from-env" in setter["run"]
    assert workflow["permissions"] == {"contents": "read", "id-token": "write"}
