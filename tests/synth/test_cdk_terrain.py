"""CDK Terrain (``cdktn``, cdktf's maintained fork) writes the example platform exactly as cdktf does.

``FLEETFORM_FRAMEWORK=cdktn`` switches the one seam (``fleetform.tf._framework``); the stacks and the
manifest must then differ only in the framework version each records. ``scripts/test`` also reruns the
typed-layer and example-synth tests with that switch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fleetform.synth_cache import KEYS_FILE
from fleetform.tf import _framework
from tests.conftest import EXAMPLES


def synth_with(framework: str, out: Path) -> None:
    env = {**os.environ, "FLEETFORM_FRAMEWORK": framework}
    result = subprocess.run([sys.executable, "-m", "fleetform", "synth", "--config", str(EXAMPLES / "platform"),
                             "--out", str(out)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def without_framework_version(document: dict) -> dict:
    """A stack or manifest with the framework's version left out (``//.metadata.version``, ``version``)."""
    copy = json.loads(json.dumps(document))
    copy.get("//", {}).get("metadata", {}).pop("version", None)
    copy.pop("version", None)
    return copy


def test_cdktn_synthesizes_what_cdktf_does(tmp_path):
    synth_with("cdktf", tmp_path / "cdktf")
    synth_with("cdktn", tmp_path / "cdktn")
    def written(out: Path) -> list[Path]:  # what both frameworks write (not incremental synth's keys)
        return sorted(path.relative_to(out) for path in out.rglob("*.json") if path.name != KEYS_FILE)

    files = written(tmp_path / "cdktf")
    assert files == written(tmp_path / "cdktn")
    assert len(files) == 36  # 34 stacks (shared, app-shared, base, app, routes), the manifest, fleetform.plan.json
    for file in files:
        cdktf, cdktn = (json.loads((tmp_path / framework / file).read_text()) for framework in ("cdktf", "cdktn"))
        assert without_framework_version(cdktn) == without_framework_version(cdktf), file
    versions = {json.loads((tmp_path / framework / "manifest.json").read_text())["version"]
                for framework in ("cdktf", "cdktn")}
    assert versions == {"0.21.0", "0.24.0"}


def test_an_unknown_framework_is_refused_naming_the_choices():
    env = {**os.environ, "FLEETFORM_FRAMEWORK": "cdk8s"}
    result = subprocess.run([sys.executable, "-c", "import fleetform.tf"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == ("FLEETFORM_FRAMEWORK='cdk8s' is not a framework fleetform runs on; "
                                     "allowed: python, cdktf, cdktn")
    assert _framework.FRAMEWORKS == {"python": "fleetform.tf.engine", "cdktf": "cdktf", "cdktn": "cdktn"}
