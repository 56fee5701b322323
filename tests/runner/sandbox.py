"""Running a rendered boot script for real, with the cloud and host tools replaced by recorders.

Each fake (``docker``, ``aws``, ``gcloud``, ``curl``, ``mount``, ``systemctl``, ...) appends its
argv and stdin to a log and answers from a rule table. PATH holds only the fakes and the few real
tools the script may use (``install``, ``mv``, ``cat``), so any other command the script reached
for would fail the run. ``FLEETFORM_ROOT`` puts every file the script writes under a scratch root.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FAKES = (
    "aws", "gcloud", "curl", "docker", "nvidia-smi", "mount", "mountpoint", "mount.nfs4", "systemctl",
    "sleep", "apt-get", "dnf", "mount.efs",
)
REAL_TOOLS = ("install", "mv", "cat")

FAKE_PROGRAM = """#!{bash}
# A recording fake: logs its argv and stdin (NUL-separated), then answers from the first matching rule.
name=${{0##*/}}
stdin=
if [[ ! -t 0 ]]; then IFS= read -r -d '' stdin || true; fi
printf '%s\\0' "$(($# + 1))" "$name" "$@" "$stdin" >>"$FAKE_LOG"
joined="$name $*"
while IFS=$'\\t' read -r -a rule; do
  [[ ${{rule[1]}} == "$name" ]] || continue
  matched=1
  for part in "${{rule[@]:3}}"; do
    [[ $joined == *"$part"* ]] || matched=0
  done
  if ((matched)); then
    answer=
    IFS= read -r -d '' answer <"$FAKE_RULES.${{rule[0]}}" || true
    printf '%s' "$answer"
    exit "${{rule[2]}}"
  fi
done <"$FAKE_RULES"
exit 0
""".format(bash=shutil.which("bash") or "/bin/bash")
"""Plain bash, builtins only: it starts in a few milliseconds and needs nothing else on PATH."""


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
            install_fakes(bin_dir, [name for name in FAKES if name not in self.missing], REAL_TOOLS)
        root, home = self.base / "root", self.base / "home"
        root.mkdir(exist_ok=True)
        home.mkdir(exist_ok=True)
        script = self.base / name
        script.write_text(script_text, encoding="utf-8")
        log = self.base / "calls.jsonl"
        env = {"PATH": str(bin_dir), "FLEETFORM_ROOT": str(root), "HOME": str(home), "LANG": "C.UTF-8",
               **fake_environment(log, self.base / "rules.json", self.rules)}
        done = subprocess.run([shutil.which("bash") or "/bin/bash", *bash_options, str(script)], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        return Run(done.returncode, done.stderr, read_calls(log), root, script)


def install_fakes(bin_dir: Path, fakes: list[str], real_tools: tuple[str, ...] = ()) -> Path:
    """A folder for PATH: ``fakes`` answering from rules, and links to the named real tools."""
    bin_dir.mkdir(parents=True)
    fake = bin_dir.parent / "fake.sh"
    fake.write_text(FAKE_PROGRAM, encoding="utf-8")
    fake.chmod(0o755)
    for name in fakes:
        (bin_dir / name).symlink_to(fake)
    for name in real_tools:
        real = shutil.which(name)
        assert real, f"{name} is needed on the test machine"
        (bin_dir / name).symlink_to(real)
    return bin_dir


def fake_environment(log: Path, rules_file: Path, rules: list[Rule]) -> dict[str, str]:
    """The variables the fakes read: where to record calls (emptied here) and the rules.

    The rules file holds ``index<TAB>command<TAB>exit<TAB>contains...`` lines; ``<rules>.<index>`` the answers.
    """
    log.write_text("", encoding="utf-8")
    lines = []
    for index, rule in enumerate(rules):
        assert all("\t" not in part and part for part in (rule.command, *rule.contains))
        lines.append("\t".join((str(index), rule.command, str(rule.exit), *rule.contains)) + "\n")
        Path(f"{rules_file}.{index}").write_text(rule.stdout, encoding="utf-8")
    rules_file.write_text("".join(lines), encoding="utf-8")
    return {"FAKE_LOG": str(log), "FAKE_RULES": str(rules_file)}


IAM_SERVICE_PREFIXES = {"efs": "elasticfilesystem", "elbv2": "elasticloadbalancing"}
UNSIGNED_OPERATIONS = {("sts", "get-caller-identity")}
"""AWS calls that need no IAM permission."""
TOKEN_OPERATIONS = {("ecr", "get-login-password"): "GetAuthorizationToken"}


def iam_actions(calls: list[Call]) -> set[str]:
    """The IAM actions the recorded ``aws`` CLI calls need.

    ``aws efs describe-file-systems`` -> ``elasticfilesystem:DescribeFileSystems``.
    """
    actions = set()
    for call in calls:
        if call.argv[0] != "aws" or tuple(call.argv[1:3]) in UNSIGNED_OPERATIONS:
            continue
        service, operation = call.argv[1], call.argv[2]
        name = TOKEN_OPERATIONS.get((service, operation)) or "".join(word.title() for word in operation.split("-"))
        actions.add(f"{IAM_SERVICE_PREFIXES.get(service, service)}:{name}")
    return actions


def read_calls(log: Path) -> list[Call]:
    """The recorded calls: per call, the argv length, the argv and the stdin, each ended by NUL."""
    fields = iter(log.read_bytes().decode("utf-8", "surrogateescape").split("\0")[:-1])
    calls = []
    for count in fields:
        argv = tuple(next(fields) for _ in range(int(count)))
        calls.append(Call(argv, next(fields)))
    return calls
