"""The closed sets of values fal accepts, with fal's spelling (fal SDK 1.83.0).

These are facts about fal, shared by the spec validation, the catalog and the CLI. Machine types are not
here: they are an open, data-driven list kept in ``fleetform.catalog.machines``.
"""

from __future__ import annotations

FAL_REGIONS: tuple[str, ...] = ("us-west", "us-central", "us-east", "eu-north", "eu-west")
"""fal's five regions (``fal/app.py`` ``VALID_REGIONS``)."""

AUTH_MODES: tuple[str, ...] = ("private", "public", "shared")
"""``private``: only the owner/team; ``public``: anyone; ``shared``: any authenticated caller."""

DEPLOYMENT_STRATEGIES: tuple[str, ...] = ("rolling", "recreate")

SKIP_RETRY_CONDITIONS: tuple[str, ...] = ("timeout", "server_error", "connection_error")

HEALTH_CHECK_METHODS: tuple[str, ...] = ("GET", "POST")

CLOUDS: tuple[str, ...] = ("aws", "gcp")
"""The clouds fleetform deploys to; ``gcp`` is served by Terraform's ``google`` provider."""
