"""The HTTP routes an app's server answers, as fal 1.83.0 registers them, read statically from the code.

``fal.App._build_app`` registers every ``@fal.endpoint`` as a POST route (a ``@fal.realtime`` or
``is_websocket=True`` one as a websocket) and then adds its built-in ``GET /health``
(``App._add_extra_routes``). A ``@fal.function(serve=True)`` is served by ``ServeWrapper``, whose only
route is ``POST /`` and which adds no ``/health``. The health plan uses these routes to probe a path
with the method the app really answers.
"""

from __future__ import annotations

from dataclasses import dataclass

BUILTIN_HEALTH_PATH = "/health"
"""fal.App's built-in health route, registered for GET only."""
FUNCTION_ROUTE = "/"
"""The one route of a ``@fal.function(serve=True)`` app (POST)."""


@dataclass(frozen=True)
class DeclaredRoutes:
    """An app server's routes: the POST endpoints, the websocket ones, and whether fal adds ``GET /health``."""

    endpoints: tuple[str, ...]
    """Paths of the POST routes (``@fal.endpoint``), sorted."""
    websockets: tuple[str, ...]
    """Paths of the websocket routes; a health probe cannot use them."""
    builtin_health: bool
    """True for a ``fal.App`` (fal adds ``GET /health``); False for a served function."""
    where: str
    """The class or function the routes were read from (``file.py:line``)."""

    def describe(self) -> str:
        """The routes as an error's 'allowed' text: ``POST /, POST /generate, GET /health``."""
        routes = [f"POST {path}" for path in self.endpoints]
        if self.builtin_health:
            routes.append(f"GET {BUILTIN_HEALTH_PATH} (fal's built-in)")
        return ", ".join(routes) or "(no routes)"
