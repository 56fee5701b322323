"""What every generated image carries to serve its app: the runtime entry, fal's serving packages, the env.

This is the contract between the generated Dockerfile and the runtime entry
(``fleetform.app_server``, run as ``python -m fleetform_app_server``): its files are copied to
:data:`APP_SERVER_DIR`, on ``PYTHONPATH``, and it reads the app from the environment named here.
One place to change when either side moves.
"""

from __future__ import annotations

from fleetform.app_server import PACKAGE, settings

FAL_VERSION = "1.83.0"
"""The fal SDK the runtime entry serves apps with: the version fleetform's fal semantics follow."""

SERVE_REQUIREMENTS: tuple[str, ...] = (
    "fastapi==0.136.3",
    "pydantic==2.14.4",
    "tblib==3.1.0",
    "uvicorn",
    "starlette_exporter",
    "packaging",
    "structlog",
    "tomli",
    "tomli-w",
    "httpx>=0.20",
)
"""fal 1.83.0's ``fal.api.api.SERVE_REQUIREMENTS``, which ``fal deploy`` adds to every served app, with the
``fastapi``/``pydantic``/``tblib`` pins it takes from the deploying environment: that of fal 1.83.0's
own pins (``tools/fal``; ``tests/images`` compares this list with the pinned fal)."""

RUNTIME_REQUIREMENTS: tuple[str, ...] = (*SERVE_REQUIREMENTS, f"fal=={FAL_VERSION}")
"""Installed with the app's requirements (the last layer, so pip resolves them together)."""

APP_DIR = "/app"
"""fal's ``/app``: the working directory, holding the app source and its ``app_files``."""
OPT_DIR = "/opt/fleetform"
APP_SERVER_DIR = f"{OPT_DIR}/app_server"
APP_SERVER_PACKAGE = PACKAGE
LOCAL_MODULES_DIR = f"{OPT_DIR}/local_modules"
"""Where ``local_python_modules`` go (on ``PYTHONPATH``)."""
VENV_DIR = f"{OPT_DIR}/venv"
COMMAND: tuple[str, ...] = ("python", "-m", APP_SERVER_PACKAGE)

ENV_APP_FILE = settings.APP_FILE
"""The app's Python file, relative to :data:`APP_DIR` (``ref`` apps)."""
ENV_APP_REF = settings.APP_REF
"""The ``fal.App`` class or ``@fal.function`` name in that file."""
ENV_APP_ENTRY_POINT = settings.APP_ENTRY_POINT
"""``module:Class`` of a ``python_entry_point`` app."""
ENV_APP_PORT = settings.APP_PORT
ENV_METRICS_PORT = settings.METRICS_PORT
