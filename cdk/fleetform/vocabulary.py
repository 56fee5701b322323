"""The closed sets of values fleetform and fal accept, each defined once (fal's spelling, fal SDK 1.83.0).

Every layer (catalog, spec, plan, constructs, CLI) takes its types and allowed values from here, so a
value cannot be spelled two ways. Each set is a ``Literal`` type for the type checker and a tuple of
its values (in fal's order) for validation and messages. Machine types are not here: they are an
open, data-driven list kept in ``fleetform.catalog.machines``.
"""

from __future__ import annotations

from typing import Literal, get_args

Cloud = Literal["aws", "gcp"]
CLOUDS: tuple[Cloud, ...] = get_args(Cloud)
"""The clouds fleetform deploys to; ``gcp`` is served by Terraform's ``google`` provider."""

FalRegion = Literal["us-west", "us-central", "us-east", "eu-north", "eu-west"]
FAL_REGIONS: tuple[FalRegion, ...] = get_args(FalRegion)
"""fal's five regions (``fal/app.py`` ``VALID_REGIONS``)."""

AuthMode = Literal["private", "public", "shared"]
AUTH_MODES: tuple[AuthMode, ...] = get_args(AuthMode)
"""``private``: only the owner/team; ``public``: anyone; ``shared``: any authenticated caller."""

Exposure = Literal["internal", "external"]
"""Which load balancer serves an app: ``internal`` (VPC only) for private apps, ``external`` otherwise."""

DeploymentStrategy = Literal["rolling", "recreate"]
DEPLOYMENT_STRATEGIES: tuple[DeploymentStrategy, ...] = get_args(DeploymentStrategy)

RetryCondition = Literal["timeout", "server_error", "connection_error"]
RETRY_CONDITIONS: tuple[RetryCondition, ...] = get_args(RetryCondition)
"""fal's retry conditions; ``skip_retry_conditions`` names a subset of them."""

HealthCheckMethod = Literal["GET", "POST"]
HEALTH_CHECK_METHODS: tuple[HealthCheckMethod, ...] = get_args(HealthCheckMethod)

ImageSource = Literal["image", "dockerfile", "requirements"]
"""Where a runner's image comes from: the app's own reference, its Dockerfile, or fal's requirements."""

JwtClaimFormat = Literal["single-string", "string-array", "space-separated-values"]
JWT_CLAIM_FORMATS: tuple[JwtClaimFormat, ...] = get_args(JwtClaimFormat)
"""How a JWT claim's value is written, as the ALB's jwt-validation action reads it."""

StackRole = Literal["shared", "app-shared", "base", "app", "routes"]
"""What a stack holds: a cloud's ``shared`` resources, one app's share of them (``app-shared``: its image
repositories, where a cloud keeps one per app), a region's ``base`` (network, load balancers, /data), one
``app``'s groups in a region, or a region's ``routes`` (where a cloud routes every app in one resource)."""

StateBackendKind = Literal["local", "s3", "gcs"]
STATE_BACKENDS: tuple[StateBackendKind, ...] = get_args(StateBackendKind)


def exposure_of(auth: AuthMode) -> Exposure:
    """A private app is reachable from inside the network only; public and shared apps from the internet."""
    return "internal" if auth == "private" else "external"
