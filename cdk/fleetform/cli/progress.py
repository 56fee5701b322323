"""A live status line for long steps (checks, builds), shown on a terminal and nowhere else.

On a terminal the line is redrawn in place on stderr (``checking 5/12: aws-us-east (9 s)``) about
once a second and whenever the step reports something; finished work is printed above it on
stdout, so the status never mixes into the output. When stderr is not a terminal (a pipe, a CI log,
``--json``), or ``TERM=dumb``, nothing is drawn at all and output is printed as it comes.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

# Carriage return, then "erase to the end of the line": the status line is rewritten in place.
_CLEAR = "\r\x1b[K"
REFRESH_SECONDS = 1.0


def on_terminal(stream: TextIO) -> bool:
    """True when ``stream`` is an interactive terminal that understands the erase-line sequence."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class StatusLine:
    """A one-line status at the bottom of the terminal, kept current by a background ticker.

    Use as a context manager. ``text`` is called for the current status (from the ticker thread
    too, so it must be thread-safe); ``echo`` prints finished output above the status line.
    """

    def __init__(self, text: Callable[[], str], *, enabled: bool, stream: TextIO | None = None,
                 out: TextIO | None = None) -> None:
        self._text = text
        self._enabled = enabled
        self._stream = stream or sys.stderr
        self._out = out or sys.stdout
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="fleetform-status", daemon=True)

    @classmethod
    def on_stderr(cls, text: Callable[[], str], *, quiet: bool = False) -> StatusLine:
        """A status line on stderr, drawn only when stderr is a terminal and ``quiet`` is false."""
        return cls(text, enabled=not quiet and on_terminal(sys.stderr))

    def __enter__(self) -> StatusLine:
        if self._enabled:
            self._ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stopped.set()
        if self._ticker.is_alive():
            self._ticker.join()
        with self._lock:
            self._clear()

    def refresh(self) -> None:
        """Redraw the status now (it changed)."""
        with self._lock:
            self._draw()

    def echo(self, text: str) -> None:
        """Print ``text`` (a finished piece of output) on stdout, above the status line."""
        with self._lock:
            self._clear()
            self._out.write(text + "\n")
            self._out.flush()
            self._draw()

    def _tick(self) -> None:
        while not self._stopped.wait(REFRESH_SECONDS):
            self.refresh()

    def _draw(self) -> None:
        if not self._enabled or self._stopped.is_set():
            return
        width = shutil.get_terminal_size().columns
        # One column short of the width: a full line would wrap and the next redraw could not erase it.
        self._stream.write(_CLEAR + self._text()[: max(width - 1, 1)])
        self._stream.flush()

    def _clear(self) -> None:
        if self._enabled:
            self._stream.write(_CLEAR)
            self._stream.flush()
