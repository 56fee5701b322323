"""The entry's own lines on stderr, prefixed so they stand out among fal's and the app's in the container log."""

from __future__ import annotations

import sys

from .settings import Settings, SettingsError, read_settings

PREFIX = "fleetform-app-server: "


def log(message: str) -> None:
    print(f"{PREFIX}{message}", file=sys.stderr, flush=True)


def settings_or_log() -> Settings | None:
    """The container's settings, or None after one ``error:`` line per bad variable (the caller exits 2)."""
    try:
        return read_settings()
    except SettingsError as error:
        for problem in error.problems:
            log(f"error: {problem}")
        return None
