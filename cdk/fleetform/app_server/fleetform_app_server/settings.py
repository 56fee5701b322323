"""What the entry serves and how, read from the container's environment (``docs/container-contract.md``).

The image build bakes the app (``FLEETFORM_APP_FILE`` + ``FLEETFORM_APP_REF``, or
``FLEETFORM_APP_ENTRY_POINT``) and default ports into the image; the runner passes the ports and the
termination grace at ``docker run``. Defaults are fal's own: ports 8080 and 9090
(``fal run --local``), a grace of 5 seconds (``termination_grace_period_seconds``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

APP_FILE = "FLEETFORM_APP_FILE"
"""The app's Python file, relative to the working directory (``/app``): fal's ``ref`` before ``::``."""
APP_REF = "FLEETFORM_APP_REF"
"""The ``fal.App`` class or ``@fal.function(serve=True)`` name in that file (fal's ``ref`` after ``::``);
unset: the file's only app, found as ``fal run app.py`` finds it."""
APP_ENTRY_POINT = "FLEETFORM_APP_ENTRY_POINT"
"""``module:Symbol`` of a ``python_entry_point`` app, importable from the working directory or PYTHONPATH."""
APP_PORT = "FLEETFORM_APP_PORT"
METRICS_PORT = "FLEETFORM_METRICS_PORT"
TERMINATION_GRACE = "FLEETFORM_TERMINATION_GRACE_SECONDS"

DEFAULT_APP_PORT = 8080
DEFAULT_METRICS_PORT = 9090
DEFAULT_TERMINATION_GRACE_SECONDS = 5


class SettingsError(Exception):
    """Every problem of the environment at once, one line each."""

    def __init__(self, problems: list) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    app_file: str | None
    app_ref: str | None
    entry_point: str | None
    app_port: int
    metrics_port: int
    termination_grace_seconds: float

    @property
    def target(self) -> str:
        """The app as fal's CLI names it: ``app.py::MyApp``, ``app.py`` or ``package.module:MyApp``."""
        if self.entry_point is not None:
            return self.entry_point
        assert self.app_file is not None
        return f"{self.app_file}::{self.app_ref}" if self.app_ref else self.app_file


def read_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """The settings in ``environ``; raises :class:`SettingsError` naming each bad variable and what it allows."""
    problems: list = []

    def text(name: str) -> str | None:
        value = environ.get(name, "").strip()
        return value or None

    def number(name: str, default: int, low: int, high: int, what: str) -> int:
        raw = text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            problems.append(f"{name}={raw!r} is not {what}: allowed an integer {low}..{high}")
            return default
        return value

    app_file, app_ref, entry_point = text(APP_FILE), text(APP_REF), text(APP_ENTRY_POINT)
    if entry_point is not None and (app_file is not None or app_ref is not None):
        problems.append(f"{APP_ENTRY_POINT} and {APP_FILE}/{APP_REF} are both set: set one way to name the app")
    elif entry_point is None and app_file is None:
        problems.append(f"no app to serve: set {APP_FILE} (and {APP_REF}) or {APP_ENTRY_POINT}")
    if entry_point is not None:
        module, _, symbol = entry_point.partition(":")
        if not module or not symbol:
            problems.append(f"{APP_ENTRY_POINT}={entry_point!r} is not '<module>:<symbol>' (fal's python_entry_point)")
    if app_ref is not None and "::" in app_ref:
        problems.append(f"{APP_REF}={app_ref!r} holds '::': give the class or function name only "
                        f"(the file goes in {APP_FILE})")
    app_port = number(APP_PORT, DEFAULT_APP_PORT, 1, 65535, "a port")
    metrics_port = number(METRICS_PORT, DEFAULT_METRICS_PORT, 1, 65535, "a port")
    if app_port == metrics_port:
        problems.append(f"{APP_PORT} and {METRICS_PORT} are both {app_port}: the app and its metrics need two ports")
    grace = number(TERMINATION_GRACE, DEFAULT_TERMINATION_GRACE_SECONDS, 0, 86400, "a number of seconds")
    if problems:
        raise SettingsError(problems)
    return Settings(app_file=app_file, app_ref=app_ref, entry_point=entry_point, app_port=app_port,
                    metrics_port=metrics_port, termination_grace_seconds=grace)
