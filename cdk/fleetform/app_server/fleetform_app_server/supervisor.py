"""PID 1 of the app container: runs fal's server as a child and bounds its stop by the termination grace.

fal's server drains on SIGTERM (uvicorn stops accepting, waits for in-flight requests, then the
lifespan runs ``teardown()``) but puts no bound on the wait: "graceful termination and timeout should be
handled by external scheduler" (``fal/api/api.py``). This process is that scheduler. On SIGTERM or
SIGINT it forwards the signal once to the server and, if the server is still running when the grace
is nearly over, kills the server's whole process group, so the container exits on its own before
``docker stop`` (``--stop-timeout`` = the grace) has to kill it. As PID 1 it also reaps orphaned
processes the app leaves behind.

Exit status: the server's own; 0 when the server stopped because of the forwarded signal (uvicorn
re-raises it after a clean drain); 137 when the grace ran out and the server was killed.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from .log import log, settings_or_log

POLL_SECONDS = 0.05
KILL_MARGIN_SECONDS = 1.0
"""How long before the end of the grace the server is killed: the container then exits before Docker's SIGKILL."""
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT)
SETTINGS_INVALID = 2
KILLED = 128 + signal.SIGKILL


def kill_deadline(grace_seconds: float) -> float:
    """Seconds after the stop signal at which a server still running is killed."""
    return max(grace_seconds - KILL_MARGIN_SECONDS, grace_seconds / 2)


class Supervisor:
    """The server process, the stop signal received (if any) and when it came."""

    def __init__(self, grace_seconds: float) -> None:
        self.server_pid: int | None = None
        self.grace_seconds = grace_seconds
        self.stop_signal: int | None = None
        self.stop_requested_at: float | None = None
        self.killed = False

    def on_signal(self, number: int, frame: object) -> None:
        """Forwards the first stop signal; a second SIGINT is forwarded too (uvicorn's force quit)."""
        if self.stop_signal is None:
            self.stop_signal, self.stop_requested_at = number, time.monotonic()
            log(f"{signal.Signals(number).name}: draining (in-flight requests finish, then teardown; "
                f"grace {self.grace_seconds:g}s)")
        elif number != signal.SIGINT:
            return
        if self.server_pid is not None:
            self._forward(number)

    def start(self, argv: list) -> None:
        """Starts the server in its own session (so it can be killed with all it started)."""
        self.server_pid = os.posix_spawn(argv[0], argv, os.environ, setsid=True, setsigdef=FORWARDED_SIGNALS)
        if self.stop_signal is not None:
            self._forward(self.stop_signal)

    def _forward(self, number: int) -> None:
        assert self.server_pid is not None
        try:
            os.kill(self.server_pid, number)
        except ProcessLookupError:
            pass

    def wait(self) -> int:
        """Waits for the server, killing it when the grace runs out; its exit status as a shell reports it."""
        assert self.server_pid is not None
        while True:
            status = self._reap()
            if status is not None:
                return self._exit_code(status)
            if self.stop_requested_at is not None and not self.killed:
                elapsed = time.monotonic() - self.stop_requested_at
                if elapsed >= kill_deadline(self.grace_seconds):
                    log(f"still draining after {elapsed:.1f}s of a {self.grace_seconds:g}s grace: killing the server")
                    self.killed = True
                    try:
                        os.killpg(self.server_pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(POLL_SECONDS)

    def _reap(self) -> int | None:
        """The server's wait status once it has exited; as PID 1 also reaps any other exited process."""
        assert self.server_pid is not None
        anyone = -1 if os.getpid() == 1 else self.server_pid
        while True:
            try:
                pid, status = os.waitpid(anyone, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid == 0:
                return None
            if pid == self.server_pid:
                return status

    def _exit_code(self, status: int) -> int:
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            if number == self.stop_signal and not self.killed:
                code = 0
            else:
                code = 128 + number
        else:
            code = os.WEXITSTATUS(status)
        if self.stop_requested_at is not None:
            elapsed = time.monotonic() - self.stop_requested_at
            outcome = "killed at the end of the grace" if self.killed else "stopped"
            name = signal.Signals(self.stop_signal or signal.SIGTERM).name
            log(f"{outcome} {elapsed:.1f}s after {name}; exit {code}")
        else:
            log(f"the server exited on its own; exit {code}")
        return code


def main() -> int:
    """Validates the environment, starts the server and supervises it until it exits."""
    settings = settings_or_log()
    if settings is None:
        return SETTINGS_INVALID
    log(f"serving {settings.target} with fal on port {settings.app_port} (metrics on {settings.metrics_port}), "
        f"termination grace {settings.termination_grace_seconds:g}s")
    supervisor = Supervisor(settings.termination_grace_seconds)
    for number in FORWARDED_SIGNALS:
        signal.signal(number, supervisor.on_signal)
    supervisor.start([sys.executable, "-m", f"{__package__}.serve"])
    return supervisor.wait()
