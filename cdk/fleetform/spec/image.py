"""Custom container images: ``[tool.fal.apps.<app>.image]`` or a ``ContainerImage`` class attribute.

fleetform builds a Dockerfile image in the platform's own pipeline, or runs an existing image. Credentials
never enter Terraform: registry passwords and build secrets must be ``$SECRET`` references to the
platform's secret store, which the build and the runners read at run time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator, model_validator

from fleetform.spec.requirements import SECRET_PLACEHOLDER

Command = StrictStr | tuple[StrictStr, ...]
"""A Docker ENTRYPOINT/CMD override: shell form (one string) or exec form (list of strings)."""


def secret_name(reference: str) -> str | None:
    """``"$HF_TOKEN"`` or ``"${HF_TOKEN}"`` -> ``"HF_TOKEN"``; anything else -> None."""
    match = SECRET_PLACEHOLDER.match(reference)
    return match.group(1) if match else None


class RegistryCredential(BaseModel):
    """Login for one private registry; the password is a reference to a secret, never a literal."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: StrictStr = Field(min_length=1)
    password: StrictStr = Field(min_length=1, description="A secret reference such as $DOCKERHUB_TOKEN.")

    @field_validator("password")
    @classmethod
    def _password_is_a_secret_reference(cls, value: str) -> str:
        if secret_name(value) is None:
            raise ValueError(
                "registry password must reference a secret ($NAME or ${NAME}), not a literal value: "
                "a literal would be written into Terraform state"
            )
        return value

    @property
    def password_secret(self) -> str:
        name = secret_name(self.password)
        assert name is not None
        return name


class ContainerImageSpec(BaseModel):
    """Exactly one of ``dockerfile`` (a file), ``dockerfile_str`` (inline, from the class) or ``image``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dockerfile: Path | None = Field(None, description="Dockerfile path, resolved from the pyproject folder.")
    dockerfile_str: StrictStr | None = Field(
        None, description="Inline Dockerfile (ContainerImage.from_dockerfile_str)."
    )
    context_dir: Path | None = Field(None, description="Build context; defaults to the pyproject (or app file) folder.")
    image: StrictStr | None = Field(None, min_length=1, description="An existing image reference.")
    build_args: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    registries: dict[StrictStr, RegistryCredential] = Field(default_factory=dict)
    secrets: dict[StrictStr, StrictStr] = Field(
        default_factory=dict, description="Build secrets, id -> $SECRET reference; mounted with --mount=type=secret."
    )
    entrypoint: Command | None = None
    cmd: Command | None = None

    @field_validator("secrets")
    @classmethod
    def _build_secrets_are_references(cls, value: dict[str, str]) -> dict[str, str]:
        literal = sorted(key for key, reference in value.items() if secret_name(reference) is None)
        if literal:
            raise ValueError(
                f"build secret(s) {', '.join(literal)} must reference a secret ($NAME or ${{NAME}}), "
                "not a literal value"
            )
        return value

    @model_validator(mode="after")
    def _one_source(self) -> ContainerImageSpec:
        sources = [name for name in ("dockerfile", "dockerfile_str", "image") if getattr(self, name) is not None]
        if len(sources) != 1:
            raise ValueError(
                "set exactly one of image.dockerfile or image.image"
                + (f" (got {' and '.join(sources)})" if sources else "")
            )
        if self.image is not None:
            only_dockerfile = [key for key in ("build_args", "secrets") if getattr(self, key)]
            if only_dockerfile:
                raise ValueError(f"image key(s) {', '.join(only_dockerfile)} are only supported with image.dockerfile")
        return self

    @property
    def is_build(self) -> bool:
        """True when fleetform must build the image (a Dockerfile), False for an existing image."""
        return self.image is None

    @property
    def secret_names(self) -> tuple[str, ...]:
        """Every secret the build or the pull needs, sorted."""
        names = {secret_name(ref) for ref in self.secrets.values()}
        names |= {cred.password_secret for cred in self.registries.values()}
        return tuple(sorted(name for name in names if name))
