"""The ``health_check`` table: how the platform decides a runner is healthy (fal SDK defaults)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator


class HealthCheckSpec(BaseModel):
    """fal's ``health_check``: ``[tool.fal.apps.<app>.health_check]`` or ``@fal.endpoint(health_check=...)``.

    With ``call_regularly = false`` fal probes only on demand, so ``failure_threshold`` and
    ``start_period_seconds`` have no effect there; fleetform then uses the path for readiness only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: StrictStr = Field(description="Health endpoint path, starting with '/'; required.")
    start_period_seconds: StrictInt = Field(
        30, ge=0, description="Runner age before failures count; fal raises it to startup_timeout when lower."
    )
    timeout_seconds: StrictInt = Field(5, ge=1, description="Timeout of one probe.")
    failure_threshold: StrictInt = Field(3, ge=1, description="Consecutive failures before the runner is replaced.")
    call_regularly: StrictBool = Field(True, description="Probe every 15 s (fal's interval); false: only on demand.")
    method: Literal["GET", "POST"] | None = Field(
        None, description="HTTP method; fal endpoints are POST, image-only apps default to GET."
    )

    @field_validator("path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"health_check.path {value!r} must start with '/', like \"/{value}\"")
        return value

    PROBE_INTERVAL_SECONDS: ClassVar[int] = 15
    """fal probes a runner every 15 s when ``call_regularly`` is on."""
