"""Group plans for the runner tests: one realistic base per cloud, varied one aspect at a time."""

from __future__ import annotations

from dataclasses import replace

from fleetform.plan.draining import plan_draining
from fleetform.plan.health import AGENT_HEALTH_PATH
from fleetform.plan.model import (
    RUNNER_AGENT_PORT,
    GroupPlan,
    HealthPlan,
    HostPacking,
    ImagePlan,
    MachinePlan,
    PackingPlan,
    RegistryLogin,
    RolloutPlan,
    RoutePlan,
    RunnerPlan,
    ScalingPlan,
)

PLATFORM = "acme"
REGIONS = {"aws": "us-east-1", "gcp": "us-central1"}
GPU_MACHINES = {
    "aws": MachinePlan(("g6e.xlarge", "g6e.2xlarge"), 1, "L40S", 4, 32.0, 100, "test", "on-demand", "test"),
    "gcp": MachinePlan(("g2-standard-8",), 1, "nvidia-l4", 8, 32.0, 100, "test", "on-demand", "test"),
}
CPU_MACHINES = {
    "aws": MachinePlan(("m7i.xlarge",), 0, None, 4, 16.0, 50, "test", "on-demand", "test"),
    "gcp": MachinePlan(("n2-standard-4",), 0, None, 4, 16.0, 50, "test", "on-demand", "test"),
}
POST_HEALTH = HealthPlan("/health", "POST", RUNNER_AGENT_PORT, AGENT_HEALTH_PATH, 15, 5, 3, 2, 600, "200-399",
                         True, True)
GET_HEALTH = HealthPlan("/health", "GET", 8080, "/health", 15, 5, 3, 2, 600, "200-399", False, True)
BUILT_IMAGE = ImagePlan("requirements", None, "acme/image-gen", "in-0123456789abcdef", (), None, None, ())


def group(cloud: str = "aws") -> GroupPlan:
    """A GPU app with secrets, /data mounts, metrics and a POST health check: the busiest runner."""
    return GroupPlan(
        app="image-gen",
        team=None,
        source="apps/pyproject.toml: tool.fal.apps.image-gen",
        cloud=cloud,  # type: ignore[arg-type]
        fal_region="us-east" if cloud == "aws" else "us-central",
        cloud_region=REGIONS[cloud],
        zones=("use1-az1", "use1-az2") if cloud == "aws" else ("us-central1-a", "us-central1-b"),
        machine=GPU_MACHINES[cloud],
        scaling=ScalingPlan(0, 4, 1, 0, 0, 0, 60, 600, False),
        health=POST_HEALTH,
        rollout=RolloutPlan("rolling", 30, 600, plan_draining(cloud, request_timeout=3600, grace=30,  # type: ignore[arg-type]
                                                              provisioning=GPU_MACHINES[cloud].provisioning)),
        route=RoutePlan("/image-gen", "private", "internal", 3600, ("timeout",), 2, 1,
                        (("timeout", 2), ("server_error", 0), ("connection_error", 0))),
        runner=RunnerPlan(8080, 9090, ("HF_TOKEN", "OPENAI_API_KEY"), ("/data", "/data/.cache"), False, "3.11"),
        image=BUILT_IMAGE,
        packing=one_runner_per_host(GPU_MACHINES[cloud]),
        hourly_usd_per_runner=1.86,
        price_basis="on-demand list price",
    )


def one_runner_per_host(machine: MachinePlan, gpus_per_runner: int = 1) -> PackingPlan:
    """Every type of ``machine`` carrying one runner of ``gpus_per_runner`` GPUs (0 on CPU machines)."""
    per_runner = gpus_per_runner if machine.gpus_per_instance else 0
    return PackingPlan(False, "test", tuple(HostPacking(name, machine.gpus_per_instance, 1, per_runner, 1.86)
                                            for name in machine.instance_types))


def packed(types: tuple[tuple[str, int], ...], gpus_per_runner: int, memory_gib: float = 1152.0) -> GroupPlan:
    """The AWS base app on hosts of ``types`` ((instance type, GPUs)), each carrying GPUs // gpus_per_runner
    runners (``plan.packing``), the first type preferred."""
    base = group("aws")
    machine = replace(base.machine, instance_types=tuple(name for name, _ in types), gpus_per_instance=types[0][1],
                      memory_gib=memory_gib)
    hosts = tuple(HostPacking(name, gpus, gpus // gpus_per_runner, gpus_per_runner, 20.0) for name, gpus in types)
    return replace(base, machine=machine, packing=PackingPlan(True, "test", hosts))


def cpu_image_app(cloud: str = "aws") -> GroupPlan:
    """A CPU app running its own image (a private registry login and exec-form overrides), nothing else."""
    base = group(cloud)
    return replace(
        base,
        app="web-ui",
        machine=CPU_MACHINES[cloud],
        packing=one_runner_per_host(CPU_MACHINES[cloud]),
        health=GET_HEALTH,
        runner=RunnerPlan(8000, None, (), (), True, "3.11"),
        image=ImagePlan(
            "image", "ghcr.io/acme/web-ui:1.4.2", "acme/web-ui", "",
            (RegistryLogin("ghcr.io", "acme-bot", "GHCR_TOKEN"),),
            ("python", "-m", "web_ui"), ("--port", "8000"), (),
        ),
    )


def variants() -> dict[str, GroupPlan]:
    """Every kind of runner the boot script must handle, by a readable name (both clouds)."""
    cases: dict[str, GroupPlan] = {}
    for cloud in ("aws", "gcp"):
        base = group(cloud)
        cases[f"{cloud}-gpu-requirements-everything"] = base
        cases[f"{cloud}-cpu-image-private-registry"] = cpu_image_app(cloud)
        cases[f"{cloud}-dockerfile-no-secrets-get-health"] = replace(
            base, health=GET_HEALTH, image=replace(BUILT_IMAGE, source="dockerfile"),
            runner=replace(base.runner, secrets=()),
        )
        cases[f"{cloud}-shell-form-overrides-private-logs"] = replace(
            base, image=replace(BUILT_IMAGE, source="dockerfile", entrypoint="exec python serve.py", cmd="ignored"),
            runner=replace(base.runner, private_logs=True),
        )
        cases[f"{cloud}-no-metrics-cache-mount-only"] = replace(
            base, runner=replace(base.runner, metrics_port=None, data_mounts=("/data/.cache",)),
        )
        eight_gpus = replace(base.machine, gpus_per_instance=8, memory_gib=2048.0)
        cases[f"{cloud}-8-gpus-no-data"] = replace(
            base, machine=eight_gpus, packing=one_runner_per_host(eight_gpus, 8),
            runner=replace(base.runner, data_mounts=()),
        )
        if cloud == "aws":
            cases["aws-packed-two-gpu-runners"] = packed((("p4d.24xlarge", 8), ("p5.48xlarge", 8)), 2)
            cases["aws-packed-mixed-hosts"] = packed((("p5.4xlarge", 1), ("p4d.24xlarge", 8)), 1, 256.0)
        native = (
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/models/sdxl:v3" if cloud == "aws"
            else "europe-docker.pkg.dev/acme-models/models/sdxl:v3"
        )
        cases[f"{cloud}-cloud-registry-image"] = replace(
            base, image=replace(BUILT_IMAGE, source="image", reference=native, tag=""),
        )
    return cases
