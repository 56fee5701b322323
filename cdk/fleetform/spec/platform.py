"""``[tool.fleetform]``: what a platform team decides once for every app (clouds, regions, networks, state).

Read from the platform repository's pyproject.toml. App teams never set these; an app's own fields win
where both exist (an app's ``regions`` over ``default_regions``, its ``max_concurrency`` over
``defaults.max_concurrency``).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from fleetform.catalog.regions import DEFAULT_CLOUD_REGIONS
from fleetform.vocabulary import CLOUDS, FAL_REGIONS, Cloud, FalRegion, JwtClaimFormat, StateBackendKind

AzId = StrictStr


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AppDefaults(_Settings):
    """Values for fields fal leaves to its server; used when an app does not set them."""

    max_concurrency: StrictInt = Field(10, ge=1, description="Runner limit of apps that set no max_concurrency.")
    request_timeout: StrictInt = Field(
        3600, ge=1, le=4000, description="Seconds; the ALB idle timeout caps it at 4000."
    )
    python_version: StrictStr = Field("3.11", pattern=r"^3\.\d{1,2}$", description="Runtime Python of apps.")
    retries: StrictInt = Field(
        2, ge=0, le=10, description="Load-balancer retries of server_error and connection_error for apps whose "
        "retry_config names neither (fal's SDK leaves it to fal's server; its queue makes up to 10 attempts).")


class AwsNetwork(_Settings):
    """An existing VPC in one AWS region (e.g. the ``aws-network`` module's outputs)."""

    vpc_id: StrictStr = Field(pattern=r"^vpc-[0-9a-f]{8,17}$")
    private_subnets: dict[AzId, StrictStr] = Field(
        min_length=1, description="AZ ID (use1-az4) -> subnet id for runners; AZ IDs are stable across accounts."
    )
    public_subnets: dict[AzId, StrictStr] = Field(
        default_factory=dict, description="AZ ID -> subnet id for internet-facing load balancers."
    )

    @model_validator(mode="after")
    def _ids_have_aws_shapes(self) -> AwsNetwork:
        for az_id, subnet in {**self.private_subnets, **self.public_subnets}.items():
            if not _is_az_id(az_id):
                raise ValueError(f"{az_id!r} is not an AZ ID (like use1-az4); AZ names differ between accounts")
            if not subnet.startswith("subnet-"):
                raise ValueError(f"{subnet!r} is not a subnet id (subnet-...)")
        return self


class GcpNetwork(_Settings):
    """An existing VPC network and subnetwork in one GCP region."""

    network: StrictStr = Field(min_length=1, description="Network name or self link.")
    subnetwork: StrictStr = Field(min_length=1, description="Subnetwork name or self link in that region.")


class Networks(_Settings):
    """Networks per cloud region; a region without an entry gets the default network (for trying it out)."""

    aws: dict[StrictStr, AwsNetwork] = Field(default_factory=dict)
    gcp: dict[StrictStr, GcpNetwork] = Field(default_factory=dict)


class StateBackend(_Settings):
    """Where Terraform keeps state: ``local`` (trying it out), ``s3`` or ``gcs``."""

    backend: StateBackendKind = "local"
    bucket: StrictStr | None = Field(None, min_length=3)
    prefix: StrictStr = Field("fleetform", description="Key prefix; each stack adds /<stack>.tfstate.")
    region: StrictStr | None = Field(None, description="S3 bucket region.")
    use_lockfile: StrictBool = Field(True, description="S3 native locking (Terraform >= 1.10).")
    dynamodb_table: StrictStr | None = Field(None, description="S3 legacy lock table.")
    kms_key_id: StrictStr | None = Field(None, description="KMS key for S3 state encryption.")

    @model_validator(mode="after")
    def _bucket_when_remote(self) -> StateBackend:
        if self.backend != "local" and not self.bucket:
            raise ValueError(f"state backend {self.backend!r} needs a bucket")
        if self.backend == "s3" and not self.region:
            raise ValueError("state backend 's3' needs the bucket's region")
        if self.backend == "local" and (self.bucket or self.region or self.dynamodb_table):
            raise ValueError("bucket, region and dynamodb_table only apply to the s3 and gcs backends")
        return self


class AwsAccount(_Settings):
    allowed_account_ids: tuple[StrictStr, ...] = Field((), description="Refuse to run against any other account.")
    home_region: StrictStr | None = Field(
        None, description="Region of the shared stack (secrets, image repositories); default: the first region used."
    )
    certificates: dict[StrictStr, StrictStr] = Field(
        default_factory=dict, description="Region -> ACM certificate ARN for HTTPS on internet-facing load balancers."
    )
    dns_zone: StrictStr | None = Field(
        None, description="Route 53 public hosted zone (its domain, gpu.acme.example): each region's internet-facing "
                          "load balancer gets <region>.<zone>, an alias record to it; the certificates must cover it.")

    @model_validator(mode="after")
    def _arns(self) -> AwsAccount:
        for region, arn in self.certificates.items():
            if not arn.startswith("arn:aws") or ":acm:" not in arn:
                raise ValueError(f"certificates.{region} {arn!r} is not an ACM certificate ARN (arn:aws:acm:...)")
        return self


class GcpProject(_Settings):
    project: StrictStr | None = Field(None, pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
    home_region: StrictStr | None = Field(None, description="Region of the shared stack's regional resources.")
    certificates: dict[StrictStr, StrictStr] = Field(
        default_factory=dict, description="Region -> regional SSL certificate (name or self link) for HTTPS."
    )
    dns_zone: StrictStr | None = Field(
        None, description="Cloud DNS public zone's DNS name (gpu.acme.example): each region's external load "
                          "balancer gets <region>.<zone>, an A record to its address; the certificates must cover it.")
    dns_managed_zone: StrictStr | None = Field(
        None, description="The Cloud DNS managed zone (its name, not its DNS name) holding dns_zone's records.")


JWT_DEFAULT_CLAIMS = ("exp", "iss", "nbf", "iat")
"""Claims the ALB always validates: they cannot be configured."""
JWT_MAX_CLAIMS = 10
JWT_MAX_VALUES = 10
JWT_MAX_VALUE_LENGTH = 256


class JwtClaim(_Settings):
    """A claim every caller's token must carry (AWS ALB ``additional_claim``), e.g. the platform's group."""

    name: StrictStr = Field(pattern=r"^\S+$", description="The claim's name (groups, scp, tenant, ...).")
    format: JwtClaimFormat = Field(description="How the token writes the claim's value.")
    values: tuple[StrictStr, ...] = Field(min_length=1, max_length=JWT_MAX_VALUES,
                                          description="Accepted values (at most 10, each at most 256 characters).")

    @model_validator(mode="after")
    def _allowed(self) -> JwtClaim:
        if self.name in (*JWT_DEFAULT_CLAIMS, "aud"):
            raise ValueError(f"claim {self.name!r} cannot be listed: the ALB validates exp, iss, nbf and iat itself, "
                             "and aud is jwt_audience")
        for value in self.values:
            if len(value) > JWT_MAX_VALUE_LENGTH:
                raise ValueError(f"claim {self.name!r}: a value is longer than {JWT_MAX_VALUE_LENGTH} characters")
            if self.format == "space-separated-values" and " " in value:
                raise ValueError(f"claim {self.name!r}: space-separated values cannot contain spaces ({value!r})")
        return self


class AuthSettings(_Settings):
    """How ``auth = "shared"`` apps authenticate callers: "any authenticated user" of the platform's identity
    provider."""

    jwt_issuer: StrictStr | None = Field(None, pattern=r"^https://", description="AWS: JWT issuer the ALB checks.")
    jwks_url: StrictStr | None = Field(None, pattern=r"^https://", description="AWS: the issuer's JWKS endpoint.")
    jwt_audience: tuple[StrictStr, ...] = Field(
        (), max_length=JWT_MAX_VALUES,
        description="AWS: accepted `aud` values (the platform's API); required with jwt_issuer for shared apps.")
    jwt_audience_format: JwtClaimFormat = Field(
        "single-string", description="AWS: how the issuer writes `aud` (string-array when it issues a list).")
    jwt_claims: tuple[JwtClaim, ...] = Field(
        (), description="AWS: further claims every token must carry, e.g. the platform's group membership.")
    shared_members: tuple[StrictStr, ...] = Field(
        ("allAuthenticatedUsers",), min_length=1,
        description="GCP: IAP members allowed on shared apps (domain:acme.com, group:ml@acme.com, ...).",
    )

    @model_validator(mode="after")
    def _issuer_with_jwks(self) -> AuthSettings:
        if (self.jwt_issuer is None) != (self.jwks_url is None):
            raise ValueError("jwt_issuer and jwks_url go together")
        if len(self.jwt_claims) + bool(self.jwt_audience) > JWT_MAX_CLAIMS:
            raise ValueError(f"at most {JWT_MAX_CLAIMS} claims: jwt_audience and {len(self.jwt_claims)} jwt_claims")
        if len({claim.name for claim in self.jwt_claims}) != len(self.jwt_claims):
            raise ValueError("each jwt_claims name once")
        return self


DEFAULT_CPU_BASES: dict[str, str] = {
    "3.10": "docker.io/library/python:3.10-slim-bookworm"
            "@sha256:68d914ec641a0b69267ce65184d000a2bc3a9ee2590ab702b82250ab2385735a",
    "3.11": "docker.io/library/python:3.11-slim-bookworm"
            "@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91",
    "3.12": "docker.io/library/python:3.12-slim-bookworm"
            "@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254",
    "3.13": "docker.io/library/python:3.13-slim-bookworm"
            "@sha256:01f42367a0a94ad4bc17111776fd66e3500c1d87c15bbd6055b7371d39c124fb",
}
"""Slim Debian bookworm Python images, pinned by digest, per ``python_version``."""
DEFAULT_GPU_BASES: dict[str, str] = {
    "3.11": "docker.io/pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime"
            "@sha256:2b59b1b91885677814f78be1f8df48a25d5dc952eb6580eaecfefca510f9afd3",
}
"""A CUDA 12.6 / cuDNN 9 runtime with Python 3.11 (PyTorch's runtime image), pinned by digest."""
_PYTHON_VERSION_KEY = r"^3\.\d{1,2}$"


class ImageSettings(_Settings):
    """How requirements apps are built: base images per Python version, CAs trusted by build steps.

    A base must carry ``python<version>`` with ``venv`` (the generated Dockerfile makes a virtual
    environment from it); platforms that mirror base images point these at their mirror.
    """

    cpu_base: dict[StrictStr, StrictStr] = Field(
        default_factory=lambda: dict(DEFAULT_CPU_BASES),
        description="python_version -> base image of apps on CPU machine types (pin by digest).")
    gpu_base: dict[StrictStr, StrictStr] = Field(
        default_factory=lambda: dict(DEFAULT_GPU_BASES),
        description="python_version -> base image of apps on GPU machine types (a CUDA runtime; pin by digest).")
    ca_certificates: tuple[Path, ...] = Field(
        (), description="PEM files build steps trust (pip, VCS, downloads), e.g. a TLS-intercepting proxy's "
                        "CA; relative to this pyproject.toml. Bind-mounted into build steps, never into the image.")

    @model_validator(mode="after")
    def _versions_are_python_versions(self) -> ImageSettings:
        for table in ("cpu_base", "gpu_base"):
            for version, reference in getattr(self, table).items():
                if not re.match(_PYTHON_VERSION_KEY, version):
                    raise ValueError(f"{table} key {version!r} is not a Python version such as \"3.11\"")
                if not reference.strip() or any(ch.isspace() for ch in reference):
                    raise ValueError(f"{table}.{version} {reference!r} is not an image reference")
        return self

    def base_for(self, python_version: str, *, accelerated: bool) -> str | None:
        """The base image of an app on this Python, on GPUs or not; None when the platform names none."""
        return (self.gpu_base if accelerated else self.cpu_base).get(python_version)


class PlatformSettings(_Settings):
    """Everything ``[tool.fleetform]`` holds; every key is optional so that ``fleetform validate`` works alone."""

    name: StrictStr = Field("fleetform", pattern=r"^[a-z][a-z0-9-]{0,19}$", description="Prefix of resource names.")
    clouds: tuple[Cloud, ...] = Field(CLOUDS, min_length=1, description="Clouds apps are deployed to.")
    apps: tuple[StrictStr, ...] = Field((), description="Globs of app projects' pyproject.toml, from this file.")
    default_regions: tuple[FalRegion, ...] = Field(
        ("us-east",), min_length=1, description="fal regions of apps that set no regions."
    )
    regions: dict[Cloud, dict[FalRegion, StrictStr]] = Field(
        default_factory=dict, description="Overrides of the cloud region behind a fal region."
    )
    networks: Networks = Field(default_factory=Networks)
    state: StateBackend = Field(default_factory=StateBackend)
    aws: AwsAccount = Field(default_factory=AwsAccount)
    gcp: GcpProject = Field(default_factory=GcpProject)
    defaults: AppDefaults = Field(default_factory=AppDefaults)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    tags: dict[StrictStr, StrictStr] = Field(default_factory=dict, description="Tags/labels on every resource.")
    served_regions: tuple[FalRegion, ...] | None = Field(
        None, min_length=1,
        description="fal regions the platform serves; default: default_regions plus the fal regions under regions.",
    )
    images: ImageSettings = Field(default_factory=ImageSettings)
    allow_plain_http: StrictBool = Field(
        False, description="Serve public apps over plain HTTP in regions without a certificate (trying out only)."
    )

    @property
    def served_fal_regions(self) -> tuple[FalRegion, ...]:
        """The fal regions apps may ask for: ``served_regions``, else the regions this file names."""
        if self.served_regions is not None:
            return self.served_regions
        named = {fal_region for per_cloud in self.regions.values() for fal_region in per_cloud}
        return tuple(region for region in FAL_REGIONS if region in named or region in self.default_regions)

    def account(self, cloud: Cloud) -> AwsAccount | GcpProject:
        """The cloud's own table: ``[tool.fleetform.aws]`` or ``[tool.fleetform.gcp]``."""
        accounts: dict[Cloud, AwsAccount | GcpProject] = {"aws": self.aws, "gcp": self.gcp}
        return accounts[cloud]

    @model_validator(mode="after")
    def _gcs_state_needs_gcp(self) -> PlatformSettings:
        if self.state.backend == "gcs" and "gcp" not in self.clouds:
            raise ValueError("state backend 'gcs' needs 'gcp' in clouds")
        return self

    def cloud_region(self, cloud: Cloud, fal_region: FalRegion) -> str:
        """The cloud region behind a fal region: the override here, else the catalog's default."""
        return self.regions.get(cloud, {}).get(fal_region) or DEFAULT_CLOUD_REGIONS[cloud][fal_region]


_AZ_ID = re.compile(r"^[a-z]{2,5}\d-az\d{1,2}$")


def _is_az_id(value: str) -> bool:
    return _AZ_ID.match(value) is not None
