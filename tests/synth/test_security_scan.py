"""checkov over every synthesized stack of the example platform: each failed check is fixed or accepted in
code with a reason (fleetform.security_scan.ACCEPTED_FINDINGS); no secret value reaches the output."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

import pytest

from fleetform.security_scan import ACCEPTED_FINDINGS, scan_stacks
from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES, REPO

CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
SECRET_VALUES = {"HF_TOKEN": "hf_live_Q8zR4mT1vW9xY2", "DOCKERHUB_TOKEN": "dckr_pat_7Hn3Kq0Lp5",
                 "GH_TOKEN": "ghp_3Fj9Kd8Ls7Qw6Er5", "PIP_TOKEN": "pypi-AgEIcHlwaS5vcmc"}


@pytest.fixture(scope="module")
def example_out(tmp_path_factory, ) -> Path:
    out = tmp_path_factory.mktemp("scan") / "cdktf.out"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SECRET_VALUES.items():  # present where a careless tool could pick them up
            patch.setenv(name, value)
        synth_platform(EXAMPLES / "platform", out)
    return out


@pytest.fixture(scope="module")
def findings(example_out):
    return scan_stacks(example_out, checkov=str(CHECKOV))


def test_every_checkov_finding_is_fixed_or_accepted_with_a_reason(findings):
    assert findings, "checkov ran and reported (an empty run would hide a broken scan)"
    unaccepted = [finding.render() for finding in findings if finding.accepted_by() is None]
    assert unaccepted == []


def test_every_accepted_finding_still_occurs(findings):
    """An acceptance that no longer matches anything is stale and must go."""
    used = {finding.accepted_by() for finding in findings}
    assert [a for a in ACCEPTED_FINDINGS if a not in used] == []


def test_no_https_or_iam_finding_is_accepted_wholesale():
    for accepted in ACCEPTED_FINDINGS:
        assert accepted.construct not in ("*", "region/*", "shared/*") and len(accepted.reason) > 30


def user_data_scripts(out: Path) -> list[str]:
    scripts = []
    for file in sorted((out / "stacks").glob("aws-*/cdk.tf.json")):
        for template in json.loads(file.read_text()).get("resource", {}).get("aws_launch_template", {}).values():
            scripts.append(gzip.decompress(base64.b64decode(template["user_data"])).decode())
    return scripts


def test_no_secret_value_reaches_the_output(example_out):
    text = "".join(path.read_text() for path in sorted(example_out.rglob("*.json")))
    scripts = user_data_scripts(example_out)
    assert scripts and all("docker run" in script for script in scripts)
    for value in SECRET_VALUES.values():
        assert value not in text and all(value not in script for script in scripts)
    assert not re.search(r"aws_secretsmanager_secret_version|google_secret_manager_secret_version", text)
    assert "secret_string" not in text and "secret_data" not in text
