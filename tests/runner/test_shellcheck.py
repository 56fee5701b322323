"""Every kind of rendered boot script passes ShellCheck with no finding."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fleetform.runner import boot_script
from tests.runner.groups import PLATFORM, variants

SHELLCHECK = Path(sys.executable).parent / "shellcheck"
TEMPLATES = Path(__file__).parents[2] / "cdk/fleetform/runner/templates"
OPTIONAL_CHECKS = (
    "add-default-case", "avoid-negated-conditions", "avoid-nullary-conditions", "check-extra-masked-returns",
    "check-unassigned-uppercase", "deprecate-which", "quote-safe-variables", "require-double-brackets",
    "useless-use-of-cat",
)
"""ShellCheck's optional checks, on top of its defaults. Left out: require-variable-braces (``${x}``
everywhere is a style the templates do not follow) and check-set-e-suppressed (``step || die`` is
the scripts' deliberate error handling)."""


def test_every_rendered_script_passes_shellcheck(tmp_path: Path) -> None:
    scripts = []
    for name, plan in variants().items():
        script = tmp_path / f"{name}.sh"
        script.write_text(boot_script(plan, PLATFORM), encoding="utf-8")
        scripts.append(script)
    assert len(scripts) == 16
    done = subprocess.run(
        [str(SHELLCHECK), "--format=gcc", "--shell=bash", f"--enable={','.join(OPTIONAL_CHECKS)}", *map(str, scripts)],
        capture_output=True, text=True, timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_shellcheck_finds_what_it_should(tmp_path: Path) -> None:
    """The checker above really checks: an unquoted expansion in a rendered script is a finding."""
    script = tmp_path / "broken.sh"
    script.write_text(boot_script(variants()["aws-gpu-requirements-everything"], PLATFORM).replace(
        'docker pull --quiet "$IMAGE"', "docker pull --quiet $IMAGE"), encoding="utf-8")
    done = subprocess.run([str(SHELLCHECK), "--format=gcc", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "SC2086" in done.stdout


def test_no_blanket_or_unexplained_disables() -> None:
    for template in TEMPLATES.glob("*.sh"):
        lines = template.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if re.search(r"shellcheck\s+disable", line):
                reason = lines[number - 1].strip() if number else ""
                assert reason.startswith("#") and "shellcheck" not in reason, (
                    f"{template.name}:{number + 1} needs a reason")
                assert "=all" not in line, f"{template.name}:{number + 1} disables everything"
