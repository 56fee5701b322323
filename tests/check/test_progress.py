"""``fleetform check`` reports each stack as it finishes, with a live status line on a terminal only."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from fleetform.check import StackResult, check_stacks
from tests.check.broken_stacks import unknown_attribute
from tests.check.stacks import AWS_STACK, GOOGLE_STACK, aws_stack, google_stack, write_out_dir

CLEAR_LINE = "\r\x1b[K"


class _Recorder:
    """A CheckListener that writes down what it hears, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def checking(self, stack_names: list[str]) -> None:
        self.events.append(("checking", ",".join(stack_names)))

    def stack_started(self, name: str) -> None:
        self.events.append(("started", name))

    def stack_finished(self, result: StackResult) -> None:
        self.events.append(("finished", result.name))


@pytest.mark.terraform
def test_the_listener_hears_each_stack_finish_before_the_next_starts(tmp_path: Path) -> None:
    out_dir = write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack(), "broken": unknown_attribute()})
    recorder = _Recorder()
    report = check_stacks(out_dir, jobs=1, listener=recorder)
    assert recorder.events == [
        ("checking", f"{AWS_STACK},broken"),
        ("started", AWS_STACK), ("finished", AWS_STACK),
        ("started", "broken"), ("finished", "broken"),
    ]
    assert [stack.name for stack in report.stacks] == [AWS_STACK, "broken"]
    assert report.seconds is not None and report.seconds > 0


def _run_on_a_terminal(args: list[str], cwd: Path, columns: int = 120) -> tuple[int, str]:
    """Run ``python -m fleetform ARGS`` with stdout and stderr on a pseudo-terminal; exit code and transcript."""
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm", "COLUMNS": str(columns)}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "fleetform", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return process.wait(timeout=300), b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.terraform
def test_on_a_terminal_a_status_line_runs_and_each_stack_prints_as_it_finishes(tmp_path: Path) -> None:
    write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack(), GOOGLE_STACK: google_stack()})
    code, transcript = _run_on_a_terminal(["check", "--jobs", "1"], tmp_path)
    assert code == 0, transcript
    first_done = transcript.index(f"ok  {AWS_STACK} (")
    second_running = transcript.index(f"checking 1/2: {GOOGLE_STACK} (")
    second_done = transcript.index(f"ok  {GOOGLE_STACK} (")
    assert transcript.index(f"checking 0/2: {AWS_STACK} (") < first_done < second_running < second_done
    # Every stack line starts on a cleared line; the status is erased before the total, the last line.
    assert transcript[first_done - len(CLEAR_LINE):first_done] == CLEAR_LINE
    assert re.search(r"\r\x1b\[K2 stacks: 2 ok, 0 failed in \d+\.\d s\n\Z", transcript), repr(transcript[-200:])


@pytest.mark.terraform
def test_json_on_a_terminal_prints_only_the_document(tmp_path: Path) -> None:
    write_out_dir(tmp_path / "cdktf.out", {AWS_STACK: aws_stack()})
    code, transcript = _run_on_a_terminal(["check", "--json"], tmp_path)
    assert code == 0, transcript
    assert "\x1b" not in transcript and transcript.startswith("{")
    assert '"totals": {\n    "stacks": 1,\n    "ok": 1,\n    "failed": 0\n  }' in transcript
