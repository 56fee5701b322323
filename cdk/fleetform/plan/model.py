"""The plan: an immutable, cloud-neutral record of everything fleetform builds.

``explain``, ``simulate``, cost reports and the constructs all read these records; none of them
goes back to the spec or the catalog. One :class:`GroupPlan` is one instance group: an app in one
cloud region. A :class:`RegionPlan` gathers the groups of one cloud region (one stack), and
:class:`PlatformPlan` the whole platform, with one :class:`SharedPlan` per cloud.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from fleetform.errors import Problem
from fleetform.plan.capacity import ProvisioningModel
from fleetform.vocabulary import (
    AuthMode,
    Cloud,
    DeploymentStrategy,
    Exposure,
    ImageSource,
    JwtClaimFormat,
    RetryCondition,
    StackRole,
    StateBackendKind,
)

RUNNER_AGENT_PORT = 8079
"""Port of the runner agent's health bridge on every runner (see ``fleetform/runner``)."""



@dataclass(frozen=True)
class MachinePlan:
    """The VM shapes of a group: ``instance_types`` in fallback order (first preferred), as the group carries them."""

    instance_types: tuple[str, ...]
    """Exactly the types the ASG's mixed instances policy / the MIG's template and flexibility policy list."""
    gpus_per_instance: int
    gpu: str | None
    """The cloud's GPU name of the preferred type (``H100``, ``nvidia-h100-80gb``); None for CPU-only."""
    vcpus: int
    memory_gib: float
    root_volume_gib: int
    """Boot disk size: the OS image plus room for the app image and model weights."""
    root_volume_reason: str
    provisioning: ProvisioningModel
    """``on-demand`` or ``spot``: how the cloud sells the group's VMs."""
    provisioning_reason: str
    left_out_types: tuple[tuple[str, str], ...] = ()
    """(type, why) for each resolved fallback type this cloud's group cannot carry."""
    boot_disk_type: str | None = None
    """GCP: the boot disk type the preferred type's family needs; None where the cloud decides (AWS gp3)."""
    nic_type: str | None = None
    """GCP: ``GVNIC`` where the family needs it; None for the default."""
    gpus_in_template: bool = False
    """GCP N1: GPUs are the template's ``guest_accelerator`` rather than part of the machine type."""


@dataclass(frozen=True)
class HostPacking:
    """How one instance type of a group is shared: its runners, their GPUs, and what the host costs."""

    instance_type: str
    gpus: int
    """GPUs of one host of this type (0 for CPU types)."""
    runners: int
    """Runners one host carries: ``gpus // num_gpus`` where the cloud packs, else 1 (at least 1)."""
    gpus_per_runner: int
    """``num_gpus`` (1 for a GPU type that sets none); 0 on CPU hosts, whose one runner gets the whole host."""
    hourly_usd: float | None
    """$/hour of one host at the group's provisioning model; None when the catalog has no price."""

    @property
    def used_gpus(self) -> int:
        """GPUs of each host its runners get (the whole host's on a CPU type: none)."""
        return self.runners * self.gpus_per_runner

    @property
    def idle_gpus(self) -> int:
        """GPUs of each host no runner gets: paid for and unused."""
        return self.gpus - self.used_gpus if self.gpus_per_runner else 0

    @property
    def hourly_usd_per_runner(self) -> float | None:
        """$/hour of one runner: the host's price shared by its runners."""
        return None if self.hourly_usd is None else self.hourly_usd / self.runners

    @property
    def idle_hourly_usd(self) -> float | None:
        """$/hour of each host's idle GPUs (their share of the host's price)."""
        if self.hourly_usd is None or not self.gpus:
            return None
        return self.hourly_usd * self.idle_gpus / self.gpus


@dataclass(frozen=True)
class PackingPlan:
    """How many runners share a host, per instance type of the group (:mod:`fleetform.plan.packing`).

    A group's capacity (``min_runners``, ``max_runners``, every scaling number) counts runners; a host
    of type T adds ``hosts[T].runners`` of them.
    """

    packs: bool
    """Whether this cloud runs several runners per host (AWS); False: one runner per host (GCP)."""
    reason: str
    hosts: tuple[HostPacking, ...]
    """One entry per instance type, in the group's fallback order."""

    @property
    def preferred(self) -> HostPacking:
        return self.hosts[0]

    def runners_per_host(self, instance_type: str) -> int:
        return next(host.runners for host in self.hosts if host.instance_type == instance_type)

    @property
    def max_runners_per_host(self) -> int:
        """The most runners any type carries: the runner slots a boot script may start."""
        return max(host.runners for host in self.hosts)

    def hosts_for(self, runners: int) -> int:
        """Hosts of the preferred type that carry ``runners`` runners."""
        return -(-runners // self.preferred.runners)


@dataclass(frozen=True)
class HealthPlan:
    """How the load balancer and the group decide a runner is healthy.

    ``path``/``method`` are what the app declares (or fal's default ``GET /health``). Load balancers
    only send GET, so a POST health endpoint is probed through the runner agent's bridge
    (``probe_port``/``probe_path``), which calls the app with the right method; a GET endpoint is
    probed on the app port directly.
    """

    path: str
    method: Literal["GET", "POST"]
    probe_port: int
    probe_path: str
    interval_seconds: int
    timeout_seconds: int
    unhealthy_threshold: int
    healthy_threshold: int
    grace_seconds: int
    """Runner age before failed probes count: fal's max(start_period_seconds, startup_timeout)."""
    success_codes: str
    """HTTP codes that count as healthy (``200-399``; ``200-499`` for an image's own server without a check)."""
    declared: bool
    """False when the app declared no health check and fleetform chose the default."""
    replace_unhealthy: bool
    """Whether failing probes replace the runner; fal's ``call_regularly = false`` only gates traffic."""


@dataclass(frozen=True)
class DrainPlan:
    """How a leaving runner finishes its requests (:mod:`fleetform.plan.draining`)."""

    request_timeout_seconds: int
    stop_timeout_seconds: int
    """``termination_grace_period_seconds``: the app's SIGTERM-to-SIGKILL window (``docker stop``'s timeout)."""
    load_balancer_draining_seconds: int
    """AWS deregistration delay / GCP connection draining: ``request_timeout`` up to the cloud's cap."""
    request_wait_seconds: int
    """How long the runner's drain waits for the app's in-flight requests to end before it stops the app."""
    hook_heartbeat_seconds: int | None
    """AWS: the termination lifecycle hook's heartbeat timeout (wait + stop + polling + margin); None elsewhere."""
    shutdown_window_seconds: int | None
    """GCP: how long Compute Engine lets the shutdown script run; None elsewhere."""
    protect_busy_runners: bool
    """Whether the agent sets scale-in protection while requests are in flight (AWS)."""
    protection_idle_seconds: int
    poll_seconds: int
    bound: str
    """What bounds the drain, for ``explain``."""

    @property
    def longest_drain_seconds(self) -> int:
        """The longest a runner's drain takes: the wait, one more poll, and the app's stop."""
        return self.request_wait_seconds + self.poll_seconds + self.stop_timeout_seconds


@dataclass(frozen=True)
class RolloutPlan:
    """How a new revision replaces runners, and how a runner stops."""

    strategy: DeploymentStrategy
    termination_grace_seconds: int
    startup_seconds: int
    """Time a runner may take from boot to healthy (startup_timeout): warmup and update pacing."""
    draining: DrainPlan


@dataclass(frozen=True)
class ScalingPlan:
    """fal's scaling fields for one group (fal-semantics.md §1), with units in the names.

    ``fleetform.scaling`` derives fal's reference rules and both clouds' policies from this one record.
    """

    min_runners: int
    """``min_concurrency``: runners always alive."""
    max_runners: int
    """``max_concurrency``: never more runners than this."""
    max_multiplexing: int
    """Concurrent requests one runner serves."""
    concurrency_buffer: int
    """Runners kept warm above demand; also the buffer's floor when ``concurrency_buffer_perc`` is set."""
    concurrency_buffer_perc: int
    """Buffer as a percentage of demand (in runners)."""
    scaling_delay_seconds: int
    """How long unmet demand waits before fal starts runners for it."""
    keep_alive_seconds: int
    """How long an idle runner above the target stays before it is drained."""
    startup_seconds: int
    """Upper bound of a runner's start-up (fal's max(start_period_seconds, startup_timeout))."""
    reset_on_deploy: bool = False
    """fal's ``app_scale_settings``: True re-applies these numbers on every deploy; False keeps runtime-tuned values."""

    @property
    def floor_runners(self) -> int:
        """Runners fal keeps at zero traffic: the larger of ``min_concurrency`` and ``concurrency_buffer``."""
        return min(self.max_runners, max(self.min_runners, self.concurrency_buffer))

    @property
    def can_reach_zero(self) -> bool:
        """True when no traffic means no runner, so the group needs a way back from zero capacity."""
        return self.floor_runners == 0

    @property
    def drops_unused_new_runners(self) -> bool:
        """fal's exception: without min or buffer, a new runner that never serves goes after 10 s, not keep_alive."""
        return self.min_runners == 0 and self.concurrency_buffer == 0


@dataclass(frozen=True)
class RegistryLogin:
    """A private registry the runner logs in to before pulling; the password is a secret's name."""

    host: str
    username: str
    password_secret: str


@dataclass(frozen=True)
class ImagePlan:
    """The container image a runner pulls.

    For ``image`` the reference is the app's own; for ``dockerfile`` and ``requirements`` fleetform's
    build pipeline pushes to the platform's repository ``repository`` with tag ``tag`` (a hash of the
    build inputs, so a change of inputs is a new tag and a rollout). ``registries`` are logins for
    pulling (and building).
    """

    source: ImageSource
    reference: str | None
    """The full reference for ``source == "image"``; None when the platform's registry hosts it."""
    repository: str
    """Repository name in the platform registry, ``<platform>/<app>``."""
    tag: str
    registries: tuple[RegistryLogin, ...]
    entrypoint: tuple[str, ...] | str | None
    cmd: tuple[str, ...] | str | None
    build_secrets: tuple[str, ...]
    """Secrets the build reads (``${NAME}`` in requirements, Dockerfile build secrets); never the runner."""

    @property
    def runtime_registries(self) -> tuple[RegistryLogin, ...]:
        """The logins a runner does before it pulls: only for the registry the app's own ``image`` lives on.

        A built image lives in the platform's registry, which runners reach with their own cloud
        identity; ``image.registries`` then serve the build only (base images), so an unreachable
        build-time registry or an unset build credential never stops a runner's boot.
        """
        if self.source != "image" or self.reference is None:
            return ()
        host = registry_host(self.reference)
        return tuple(login for login in self.registries if normalized_host(login.host) == host)

    @property
    def build_registries(self) -> tuple[RegistryLogin, ...]:
        """The logins a build does before it pulls base images: all of ``image.registries``; none for ``image``."""
        return () if self.source == "image" else self.registries

    @property
    def build_secrets_read(self) -> tuple[str, ...]:
        """Every secret a build of this image reads: its build secrets and its registries' passwords, sorted."""
        return tuple(sorted({*self.build_secrets, *(login.password_secret for login in self.build_registries)}))


DOCKER_HUB = "docker.io"
_DOCKER_HUB_ALIASES = ("index.docker.io", "registry-1.docker.io", "registry.hub.docker.com")


def normalized_host(host: str) -> str:
    """A registry login host as Docker compares it: no scheme or path, Docker Hub's aliases as ``docker.io``."""
    bare = host.split("://", 1)[-1].split("/", 1)[0].lower()
    return DOCKER_HUB if bare in _DOCKER_HUB_ALIASES else bare


DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/"


def docker_auth_key(host: str) -> str:
    """Where a Docker client's ``config.json`` keeps a registry's login: its host, Docker Hub's under its
    historical index URL."""
    bare = normalized_host(host)
    return DOCKER_HUB_AUTH_KEY if bare == DOCKER_HUB else bare


def registry_host(reference: str) -> str:
    """The registry an image reference pulls from (Docker's rule: a first component with ``.`` or ``:``, or
    ``localhost``, is a host; anything else is on Docker Hub)."""
    first, _, rest = reference.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return normalized_host(first)
    return DOCKER_HUB


@dataclass(frozen=True)
class RoutePlan:
    """How requests reach the group: ``https://<lb>/<app>/...`` with the prefix stripped."""

    path_prefix: str
    auth: AuthMode
    exposure: Exposure
    """``internal`` (the region's internal load balancer) or ``external`` (its internet-facing one)."""
    request_timeout_seconds: int
    retry_conditions: tuple[RetryCondition, ...]
    """fal's retry conditions the load balancer retries (``plan.retries``): not skipped, count above 0."""
    retries: int
    """The route's one retry count, the smallest of ``retry_conditions``' counts (0: never retried)."""
    listener_priority: int
    """The app's stable ALB listener-rule priority (1..50000), the same in every region."""
    retry_counts: tuple[tuple[RetryCondition, int], ...]
    """Each fal condition's retries as the app's fields give them, before the route's one count."""
    url: str | None = None
    """The app's base URL when the plan knows the load balancer's name (a DNS zone,
    ``https://us-east-1.gpu.acme.example/<app>``); None: the load balancer's own address, known after apply."""


@dataclass(frozen=True)
class RunnerPlan:
    """What the boot script does on each runner besides pulling the image."""

    port: int
    metrics_port: int | None
    """Where the runner serves Prometheus metrics (fal's ``http_requests_in_progress``); None: no scraping."""
    secrets: tuple[str, ...]
    """Secrets exposed to the app as environment variables of the same names."""
    data_mounts: tuple[str, ...]
    """Paths of the region's shared ``/data`` volume mounted into the container."""
    private_logs: bool
    python_version: str


@dataclass(frozen=True)
class GroupPlan:
    """One instance group: one app in one cloud region."""

    app: str
    """The deployed app name (fal's name): every resource id and name of the group derives from it."""
    team: str | None
    source: str
    """``path/pyproject.toml: tool.fal.apps.<key>``, for messages."""
    cloud: Cloud
    fal_region: str
    cloud_region: str
    zones: tuple[str, ...]
    """AWS AZ IDs or GCP zones where the group runs: each offers at least one of its types and, with a
    configured AWS VPC, has the subnets its load balancer reaches."""
    machine: MachinePlan
    scaling: ScalingPlan
    health: HealthPlan
    rollout: RolloutPlan
    route: RoutePlan
    runner: RunnerPlan
    image: ImagePlan
    packing: PackingPlan
    hourly_usd_per_runner: float | None
    """$/hour of one runner on the preferred type at the group's provisioning model (the host's price over
    the runners it carries); None when unknown."""
    price_basis: str
    """What the price is (``on-demand list price``) or why it is unknown."""

    @property
    def hourly_usd_at_min(self) -> float | None:
        """$/hour of the hosts (preferred type) that carry ``min_runners``: a host is billed whole."""
        return self._hourly_usd_for(self.scaling.min_runners)

    @property
    def hourly_usd_at_max(self) -> float | None:
        """$/hour of the hosts (preferred type) that carry ``max_runners``."""
        return self._hourly_usd_for(self.scaling.max_runners)

    def _hourly_usd_for(self, runners: int) -> float | None:
        host = self.packing.preferred.hourly_usd
        return None if host is None else host * self.packing.hosts_for(runners)

    @property
    def secrets_read(self) -> tuple[str, ...]:
        """Every secret a runner of this group reads: the app's and its runtime registry passwords, sorted."""
        registries = (login.password_secret for login in self.image.runtime_registries)
        return tuple(sorted({*self.runner.secrets, *registries}))


@dataclass(frozen=True)
class AwsNetworkPlan:
    """Where AWS runners and load balancers go; ``vpc_id`` None means the account's default VPC."""

    vpc_id: str | None
    private_subnets: tuple[tuple[str, str], ...]
    """(AZ ID, subnet id) pairs; empty with the default VPC (its default subnets are looked up)."""
    public_subnets: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class GcpNetworkPlan:
    """Where GCP runners go; ``network`` None means the project's ``default`` network."""

    network: str | None
    subnetwork: str | None


@dataclass(frozen=True)
class JwtClaimPlan:
    """A claim the ALB's jwt-validation requires of every caller's token (``aud`` first)."""

    name: str
    format: JwtClaimFormat
    values: tuple[str, ...]


@dataclass(frozen=True)
class DnsPlan:
    """The record naming a region's internet-facing load balancer in the platform's zone (:mod:`fleetform.plan.dns`)."""

    zone: str
    """The zone's domain (``gpu.acme.example``)."""
    lookup: str
    """What the stack finds the zone by: its domain (Route 53) or the managed zone's name (Cloud DNS)."""
    host: str
    """The load balancer's name: ``<cloud region>.<zone>``."""


@dataclass(frozen=True)
class IngressPlan:
    """A region's load balancers: one per auth mode its apps use."""

    auth_modes: tuple[AuthMode, ...]
    certificate: str | None
    """ACM certificate ARN / GCP SSL certificate for HTTPS on internet-facing LBs; None: HTTP only."""
    jwt_issuer: str | None
    jwks_url: str | None
    shared_members: tuple[str, ...]
    """GCP IAP members allowed on ``shared`` apps."""
    jwt_claims: tuple[JwtClaimPlan, ...] = ()
    """AWS: the audience and membership claims a shared app's caller must carry."""
    dns: DnsPlan | None = None
    """The internet-facing load balancer's DNS record; None without a zone (the load balancer's own address)."""


APP_STACK_SEPARATOR = "--"


@dataclass(frozen=True)
class StackPlan:
    """One Terraform stack (one state) of the platform: its name, what it holds and what it is applied after."""

    name: str
    role: StackRole
    cloud: Cloud
    cloud_region: str
    app: str | None
    """The app of an ``app`` stack, else None."""
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class RegionPlan:
    """One cloud region: one stack, its network, its load balancers and its groups (sorted by app)."""

    cloud: Cloud
    cloud_region: str
    fal_regions: tuple[str, ...]
    network: AwsNetworkPlan | GcpNetworkPlan
    ingress: IngressPlan
    groups: tuple[GroupPlan, ...]
    routes_stack: bool = False
    """Whether the region's routing (one resource naming every app) is a stack of its own, after the app stacks."""

    @property
    def stack_name(self) -> str:
        """``aws-us-east``, ``gcp-us-central``: the region's base stack, named by the cloud and the (first) fal
        region the cloud region serves (the name the one-stack-per-region layout gave the whole region)."""
        return f"{self.cloud}-{self.fal_regions[0]}"

    def app_stack_name(self, app: str) -> str:
        """``aws-us-east--image-generator``: one app's stack in this region (``--`` cannot end a base name)."""
        return f"{self.stack_name}{APP_STACK_SEPARATOR}{app}"

    @property
    def routes_stack_name(self) -> str:
        """``gcp-us-central-routes``: the region's routing stack, when the cloud has one."""
        return f"{self.stack_name}-routes"

    def stacks(self, shared: SharedPlan | None) -> tuple[StackPlan, ...]:
        """The region's stacks in deploy order: base, one per app, then routes (when the cloud has them).

        Each depends on the stacks it finds resources of by name, so ``cdktf deploy '*'`` applies them in order:
        the base after the cloud's shared stack, the apps after the base and their own repositories' stack
        (where the cloud has one), the routes after every app.
        """
        shared_stacks = {} if shared is None else {stack.app: stack.name for stack in shared.stacks}
        base = StackPlan(self.stack_name, "base", self.cloud, self.cloud_region, None,
                         tuple(name for app, name in shared_stacks.items() if app is None))
        apps = tuple(StackPlan(self.app_stack_name(group.app), "app", self.cloud, self.cloud_region, group.app,
                               (*base.depends_on, *((shared_stacks[group.app],) if group.app in shared_stacks
                                                    else ()), base.name)) for group in self.groups)
        routes = (StackPlan(self.routes_stack_name, "routes", self.cloud, self.cloud_region, None,
                            (base.name, *(app.name for app in apps))),) if self.routes_stack and apps else ()
        return (base, *apps, *routes)

    @property
    def needs_data_volume(self) -> bool:
        return any(group.runner.data_mounts for group in self.groups)


@dataclass(frozen=True)
class ProjectService:
    """A cloud API the platform's project must have enabled (``compute.googleapis.com``), and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class SharedPlan:
    """What a cloud holds once for the platform: secret containers, image repositories, log buckets."""

    cloud: Cloud
    home_region: str
    regions: tuple[str, ...]
    """Every cloud region with groups: secrets and images are replicated there."""
    secrets: tuple[str, ...]
    """Every secret name any app or build reads (values are set outside Terraform)."""
    repositories: tuple[str, ...]
    """Image repositories of the apps whose image the platform builds."""
    build_secrets: tuple[str, ...]
    """The secrets builds read (build secrets, base-image registry passwords): the build role may read these only."""
    private_log_apps: tuple[str, ...]
    dns_zone: str | None = None
    """The cloud's DNS zone (``plan.dns``): a platform setting, so its API does not come and go with the apps."""
    project_services: tuple[ProjectService, ...] = ()
    """APIs the shared stack enables in the project (:mod:`fleetform.plan.apis`); none on AWS."""
    builds: bool = False
    """Whether the platform builds images on this cloud: the shared stack holds the build pipeline."""
    private_logs: bool = False
    """Whether any app keeps private logs: the shared stack holds their restricted storage."""
    repository_stacks: bool = False
    """Whether each built app's repositories are a stack of their own (``CloudRules.repository_stacks``)."""

    @property
    def stack_name(self) -> str:
        return shared_stack_name(self.cloud)

    @property
    def stacks(self) -> tuple[StackPlan, ...]:
        """The shared stack, then (where the cloud keeps them apart) one stack per built app's repositories."""
        shared = StackPlan(self.stack_name, "shared", self.cloud, self.home_region, None, ())
        if not self.repository_stacks:
            return (shared,)
        return (shared, *(StackPlan(repository_stack_name(self.cloud, repository), "app-shared", self.cloud,
                                    self.home_region, repository_app(repository), (shared.name,))
                          for repository in self.repositories))

    def of_stack(self, stack: StackPlan) -> SharedPlan:
        """What ``stack`` (one of :attr:`stacks`) renders of this plan, and all its synth key hashes.

        An ``app-shared`` stack holds its app's repositories only; the shared stack renders nothing per app (the
        build role pushes to the platform's repository prefix, the private-logs filter matches the platform's
        private log prefix), so adding, changing or removing an app leaves its key and its file alone.
        """
        if stack.role == "app-shared":
            return replace(self, secrets=(), build_secrets=(), private_log_apps=(), project_services=(),
                           dns_zone=None, repositories=tuple(repository for repository in self.repositories
                                                             if repository_app(repository) == stack.app))
        return replace(self, repositories=(), private_log_apps=())


def repository_app(repository: str) -> str:
    """``acme/image-generator`` -> ``image-generator``: the app whose images a repository holds."""
    return repository.split("/", 1)[1]


def shared_stack_name(cloud: str) -> str:
    """``aws-shared``: the cloud's shared stack."""
    return f"{cloud}-shared"


def repository_stack_name(cloud: str, repository: str) -> str:
    """``aws-shared--image-generator``: the stack of one app's repositories (where the cloud has them)."""
    return f"{shared_stack_name(cloud)}{APP_STACK_SEPARATOR}{repository_app(repository)}"


STATE_OBJECT_NAME_LIMIT = 1024
"""Bytes (UTF-8) of an S3 object key and of a Cloud Storage object name: the most either store accepts."""


@dataclass(frozen=True)
class StatePlan:
    """Where every stack keeps its state: one object per stack under ``prefix`` (S3, GCS) or a local file."""

    backend: StateBackendKind
    bucket: str | None
    prefix: str
    region: str | None
    use_lockfile: bool
    dynamodb_table: str | None
    kms_key_id: str | None

    def key(self, stack: str) -> str:
        """The stack's backend key: S3's ``key`` (``<prefix>/<stack>.tfstate``), GCS's ``prefix``
        (``<prefix>/<stack>``)."""
        return f"{self.prefix}/{stack}" + (".tfstate" if self.backend == "s3" else "")

    def longest_object(self, stack: str) -> str:
        """The longest object name Terraform writes for the stack's default workspace: S3's lock file
        (``<key>.tflock``) or GCS's ``<prefix>/default.tfstate``; what must fit the store's name limit."""
        return self.key(stack) + (".tflock" if self.backend == "s3" else "/default.tfstate")


@dataclass(frozen=True)
class PlatformPlan:
    """Everything one platform repo deploys."""

    name: str
    clouds: tuple[Cloud, ...]
    regions: tuple[RegionPlan, ...]
    shared: tuple[SharedPlan, ...]
    state: StatePlan
    tags: tuple[tuple[str, str], ...]
    aws_account_ids: tuple[str, ...]
    gcp_project: str | None
    warnings: tuple[Problem, ...] = field(default=())

    def groups(self, app: str | None = None) -> tuple[GroupPlan, ...]:
        """Every group, or those of one app, in stack order."""
        return tuple(group for region in self.regions for group in region.groups if app is None or group.app == app)

    def region(self, cloud: str, cloud_region: str) -> RegionPlan | None:
        return next((r for r in self.regions if r.cloud == cloud and r.cloud_region == cloud_region), None)

    @property
    def stacks(self) -> tuple[StackPlan, ...]:
        """Every stack in deploy order: each cloud's shared and app-shared stacks, then per region its base, app
        and routes stacks.

        No stack grows with the number of apps but the routes stack's one routing resource, and a change to one
        app changes that app's stacks (plus its region's base or routes where it changes what they hold).
        """
        shared = tuple(stack for item in self.shared for stack in item.stacks)
        regional = (stack for region in self.regions for stack in region.stacks(self.shared_for(region.cloud)))
        return (*shared, *regional)

    def stacks_of(self, group: GroupPlan) -> tuple[StackPlan, ...]:
        """The stacks holding ``group``'s resources: its app's repositories (where the cloud keeps them in a stack
        of their own), its app's stack in its region, and that region's routes stack."""
        return tuple(stack for stack in self.stacks if stack.cloud == group.cloud and (
            (stack.role == "app-shared" and stack.app == group.app)
            or (stack.cloud_region == group.cloud_region and (stack.app == group.app or stack.role == "routes"))))

    def shared_for(self, cloud: str) -> SharedPlan | None:
        return next((s for s in self.shared if s.cloud == cloud), None)
