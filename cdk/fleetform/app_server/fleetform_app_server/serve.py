"""Serves the app with fal's own SDK, exactly as ``fal run <ref> --local --exposed-port P --exposed-metrics-port M``.

The steps are the ones fal 1.83.0's ``fal run`` takes (``fal/cli/run.py``): a host from
``SyncServerlessClient``, ``fal.utils.load_function_from`` (which runs the file, finds the ``fal.App`` or
``@fal.function``, and wraps a class with ``wrap_app``; or resolves a ``python_entry_point``), then
``fal.api.run.run(..., local=True)``, which sets ``IS_ISOLATE_AGENT`` so ``App.__init__`` runs, and
serves with ``BaseServable.serve``: the app on one port (``/health``, the endpoints, ``setup()`` before
the port opens, ``teardown()`` after the drain on SIGTERM) and Prometheus ``/metrics`` on the other.
Nothing of fal's routing, lifespan or metrics is reimplemented here.

Run by the supervisor (``python -m fleetform_app_server``) as its child process.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .log import log, settings_or_log
from .settings import Settings

LOAD_FAILED = 2
"""Exit status when the app cannot be found or loaded (the supervisor passes it on)."""


def load(settings: Settings) -> Any:
    """fal's ``IsolatedFunction`` for the app, loaded by fal's own loader as ``fal run`` loads it."""
    from fal.api.client import SyncServerlessClient
    from fal.utils import load_function_from

    file_path = os.path.abspath(settings.app_file) if settings.app_file is not None else None
    host = SyncServerlessClient()._create_host(local_file_path=file_path or "")
    loaded = load_function_from(host, file_path, settings.app_ref, python_entry_point=settings.entry_point)
    return loaded.function


def main() -> int:
    settings = settings_or_log()
    if settings is None:
        return LOAD_FAILED
    if settings.app_file is not None and not os.path.isfile(settings.app_file):
        log(f"error: {settings.app_file}: no such file in {os.getcwd()} (FLEETFORM_APP_FILE)")
        return LOAD_FAILED

    from fal.api import FalServerlessError
    from fal.api.run import run

    try:
        function = load(settings)
    except FalServerlessError as error:
        log(f"error: cannot load {settings.target}: {error}")
        return LOAD_FAILED
    run(function, local=True, exposed_port=settings.app_port, exposed_metrics_port=settings.metrics_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
