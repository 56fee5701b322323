"""Running a rendered boot script for real, with the cloud and host tools replaced by recorders.

Each fake (``docker``, ``aws``, ``gcloud``, ``curl``, ``mount``, ``systemctl``, ...) appends its
argv and stdin to a log and answers from a rule table. PATH holds only the fakes and the few real
tools the script may use (``install``, ``mv``, ``cat``), so any other command the script reached
for would fail the run. ``FLEETFORM_ROOT`` puts every file the script writes under a scratch root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

FAKES = (
    "aws", "gcloud", "curl", "docker", "nvidia-smi", "mount", "mountpoint", "mount.nfs4", "systemctl",
    "sleep", "apt-get", "dnf", "mount.efs",
)
REAL_TOOLS = ("install", "mv", "cat")

FAKE_PROGRAM = f"""#!{sys.executable} -S
import json, os, sys
name = os.path.basename(sys.argv[0])
argv = [name, *sys.argv[1:]]
stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": argv, "stdin": stdin}}) + "\\n")
joined = " ".join(argv)
with open(os.environ["FAKE_RULES"], encoding="utf-8") as rules:
    for rule in json.load(rules):
        if rule["command"] == name and all(part in joined for part in rule.get("contains", [])):
            sys.stdout.write(rule.get("stdout", ""))
            sys.exit(rule.get("exit", 0))
"""


@dataclass(frozen=True)
class Rule:
    """``command`` answers ``stdout`` and exits ``exit`` when its argv contains every ``contains`` part."""

    command: str
    contains: tuple[str, ...] = ()
    stdout: str = ""
    exit: int = 0


@dataclass(frozen=True)
class Call:
    argv: tuple[str, ...]
    stdin: str


@dataclass
class Run:
    returncode: int
    stderr: str
    calls: list[Call]
    root: Path
    script: Path

    def of(self, *prefix: str) -> list[Call]:
        """The calls whose argv starts with ``prefix``."""
        return [call for call in self.calls if call.argv[: len(prefix)] == prefix]

    def one(self, *prefix: str) -> Call:
        found = self.of(*prefix)
        assert len(found) == 1, f"expected one call of {prefix}, got {[c.argv for c in found]}"
        return found[0]


@dataclass
class Sandbox:
    """A scratch folder with fakes on PATH; ``run`` executes a script in it."""

    base: Path
    rules: list[Rule] = field(default_factory=list)
    missing: tuple[str, ...] = ("mount.efs", "apt-get", "dnf")
    """Fakes left off PATH, as on an image without those tools."""

    def run(self, script_text: str, *, bash_options: tuple[str, ...] = (), name: str = "boot.sh") -> Run:
        bin_dir = self.base / "bin"
        if not bin_dir.is_dir():
            self._install_tools(bin_dir)
        root = self.base / "root"
        root.mkdir(exist_ok=True)
        script = self.base / name
        script.write_text(script_text, encoding="utf-8")
        log, rules = self.base / "calls.jsonl", self.base / "rules.json"
        log.write_text("", encoding="utf-8")
        rules.write_text(json.dumps([rule.__dict__ for rule in self.rules]), encoding="utf-8")
        env = {"PATH": str(bin_dir), "FLEETFORM_ROOT": str(root), "HOME": str(self.base / "home"),
               "FAKE_LOG": str(log), "FAKE_RULES": str(rules), "LANG": "C.UTF-8"}
        done = subprocess.run([shutil.which("bash") or "/bin/bash", *bash_options, str(script)], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        calls = [Call(tuple(entry["argv"]), entry["stdin"]) for entry in map(json.loads, log.read_text().splitlines())]
        return Run(done.returncode, done.stderr, calls, root, script)

    def _install_tools(self, bin_dir: Path) -> None:
        bin_dir.mkdir(parents=True)
        fake = self.base / "fake.py"
        fake.write_text(FAKE_PROGRAM, encoding="utf-8")
        fake.chmod(0o755)
        for name in FAKES:
            if name not in self.missing:
                (bin_dir / name).symlink_to(fake)
        for name in REAL_TOOLS:
            real = shutil.which(name)
            assert real, f"{name} is needed on the test machine"
            (bin_dir / name).symlink_to(real)
        os.makedirs(self.base / "home", exist_ok=True)
