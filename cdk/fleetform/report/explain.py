"""What ``fleetform explain`` prints: an app's groups as the plan records them, in JSON or text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from fleetform.plan.clouds import CLOUD_RULES
from fleetform.plan.model import GroupPlan, StackPlan
from fleetform.scaling import describe_policies


def group_json(group: GroupPlan, stacks: Sequence[StackPlan]) -> dict[str, Any]:
    """Every field of the group's plan, plus the costs it implies, the scaling policy per cloud and the
    stacks that hold it (``stacks``: :meth:`~fleetform.plan.model.PlatformPlan.stacks_of`)."""
    data = asdict(group)
    data["stacks"] = [{"name": stack.name, "role": stack.role, "depends_on": list(stack.depends_on)}
                      for stack in stacks]
    data["cost"] = {
        "hourly_usd_per_runner": group.hourly_usd_per_runner,
        "hourly_usd_at_min": _round(group.hourly_usd_at_min),
        "hourly_usd_at_max": _round(group.hourly_usd_at_max),
        "basis": group.price_basis,
        "per_type": [{"instance_type": host.instance_type, "runners_per_host": host.runners,
                      "gpus_used": host.used_gpus, "gpus_idle": host.idle_gpus,
                      "hourly_usd_per_host": _round(host.hourly_usd),
                      "hourly_usd_per_runner": _round(host.hourly_usd_per_runner),
                      "hourly_usd_idle_gpus": _round(host.idle_hourly_usd),
                      "hourly_usd_per_runner_one_per_host": _round(host.hourly_usd)}
                     for host in group.packing.hosts],
    }
    data["secrets_read"] = list(group.secrets_read)
    data["scaling_policy"] = describe_policies(group)
    return data


def group_text(group: GroupPlan, stacks: Sequence[StackPlan]) -> str:
    """A reviewer's summary of one group, one concern per line; ``stacks`` as for :func:`group_json`."""
    machine, scaling, health, route, runner, image = (group.machine, group.scaling, group.health, group.route,
                                                       group.runner, group.image)
    gpus = f"{machine.gpus_per_instance}×{machine.gpu}" if machine.gpu else "no GPU"
    lines = [
        f"{group.app} on {group.cloud} {group.cloud_region} (fal region {group.fal_region})",
        f"  machine:   {' → '.join(machine.instance_types)} ({gpus}, {machine.vcpus} vCPU, "
        f"{machine.memory_gib:g} GiB; root disk {machine.root_volume_gib} GiB)",
        f"  capacity:  {machine.provisioning} ({machine.provisioning_reason})"
        + "".join(f"; without {name}: {why}" for name, why in machine.left_out_types),
        f"  zones:     {', '.join(group.zones)}",
        f"  runners:   min {scaling.min_runners}, max {scaling.max_runners}; {scaling.max_multiplexing} request(s) "
        f"each; buffer {scaling.concurrency_buffer} / {scaling.concurrency_buffer_perc}%; scaling delay "
        f"{scaling.scaling_delay_seconds} s; keep alive {scaling.keep_alive_seconds} s",
        f"  cost:      {_cost(group)}",
        f"  packing:   {_packing(group)}",
        f"  health:    {health.method} {health.path} (LB probes :{health.probe_port}{health.probe_path} every "
        f"{health.interval_seconds} s, timeout {health.timeout_seconds} s, {health.unhealthy_threshold} failures; "
        f"grace {health.grace_seconds} s; {'replaces' if health.replace_unhealthy else 'only gates traffic to'} "
        f"failing runners{'' if health.declared else '; fleetform default'})",
        f"  rollout:   {group.rollout.strategy}; termination grace {group.rollout.termination_grace_seconds} s",
        f"  draining:  {_draining(group)}",
        f"  route:     {route.path_prefix}/* ({route.auth}), timeout {route.request_timeout_seconds} s; "
        f"{_retries(group)}",
        f"  url:       {_url(group)}",
        f"  runner:    port {runner.port}, metrics {runner.metrics_port or 'none'}, secrets "
        f"{', '.join(group.secrets_read) or 'none'}, data {', '.join(runner.data_mounts) or 'none'}, "
        f"logs {'private' if runner.private_logs else 'team-readable'}",
        f"  image:     {image.reference or f'{image.repository}:{image.tag}'} ({image.source})",
        f"  stacks:    {_stacks(stacks)}",
    ]
    return "\n".join(lines + _scaling_lines(group))


def _url(group: GroupPlan) -> str:
    """Where callers reach the app: its URL on the load balancer's DNS name, or why only the address is known."""
    if group.route.url:
        return group.route.url
    if group.route.exposure == "internal":
        return (f"<internal load balancer>{group.route.path_prefix} (stack output {group.app}_url; internal load "
                "balancers get no DNS record)")
    return (f"<load balancer address>{group.route.path_prefix} (stack output {group.app}_url; a "
            f"{CLOUD_RULES[group.cloud].dns_service} in [tool.fleetform.{group.cloud}] dns_zone would name it)")


def _draining(group: GroupPlan) -> str:
    """How a leaving runner finishes its requests (``plan.rollout.draining``)."""
    drain = group.rollout.draining
    protection = (f"busy runners protected from scale-in until idle {drain.protection_idle_seconds} s; "
                  if drain.protect_busy_runners and group.runner.metrics_port is not None else "")
    return (f"{protection}load balancer drains {drain.load_balancer_draining_seconds} s; the runner waits up to "
            f"{drain.request_wait_seconds} s for requests in flight, then stops the app "
            f"({drain.stop_timeout_seconds} s grace), bounded by {drain.bound}")


def _retries(group: GroupPlan) -> str:
    """The app's retries per fal condition, and what this cloud's load balancer does with them."""
    route = group.route
    asked = "retries " + ", ".join(f"{condition} {count}" for condition, count in route.retry_counts)
    rules = CLOUD_RULES[group.cloud]
    if rules.load_balancer_retries is None:
        return f"{asked}: none here ({rules.no_retries_reason})"
    if not route.retry_conditions:
        return f"{asked}: never retried"
    return (f"{asked}: {rules.load_balancer_retries} retries {', '.join(route.retry_conditions)} up to "
            f"{route.retries} time(s) (one count per route: the smallest)")


def _scaling_lines(group: GroupPlan) -> list[str]:
    """fal's target, how this group's cloud policy reaches it, and where the cloud cannot follow fal."""
    described = describe_policies(group)
    boot = described["boot"]["seconds"]
    lines = [f"  scaling:   target = {described['target']}; boot ≈ {boot} s",
             "             runners for in-flight requests: " + ", ".join(
                 f"{example['in_flight']} → {example['runners']}" for example in described["examples"])]
    lines += [f"             differs from fal: {difference}" for difference in described[group.cloud]["differences"]]
    return lines


def _stacks(stacks: Sequence[StackPlan]) -> str:
    """``aws-us-east--captioner (after aws-shared, aws-us-east)``: each stack and what it is applied after."""
    return "; ".join(f"{stack.name} (after {', '.join(stack.depends_on)})" if stack.depends_on else stack.name
                     for stack in stacks)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _cost(group: GroupPlan) -> str:
    if group.hourly_usd_per_runner is None or group.hourly_usd_at_min is None or group.hourly_usd_at_max is None:
        return group.price_basis
    return (f"${group.hourly_usd_per_runner:,.2f}/h per runner; ${group.hourly_usd_at_min:,.2f}/h at min, "
            f"${group.hourly_usd_at_max:,.2f}/h at max ({group.price_basis})")


def _packing(group: GroupPlan) -> str:
    """Per instance type: runners per host, GPUs used and idle, and $/h per runner packed vs one per host."""
    packing = group.packing
    parts = []
    for host in packing.hosts:
        if not host.gpus:
            parts.append(f"{host.instance_type} 1 runner per host (CPU)")
            continue
        text = (f"{host.instance_type} {host.runners} runner{'s' if host.runners > 1 else ''} per host, "
                f"{host.used_gpus} of {host.gpus} GPUs used")
        if host.idle_gpus:
            idle_cost = "" if host.idle_hourly_usd is None else f", ${host.idle_hourly_usd:,.2f}/h"
            text += f", {host.idle_gpus} idle{idle_cost}"
        if host.hourly_usd is not None and host.runners > 1:
            text += (f": ${host.hourly_usd_per_runner:,.2f}/h per runner packed vs ${host.hourly_usd:,.2f}/h "
                     "with one runner per host")
        elif host.hourly_usd is not None:
            text += f": ${host.hourly_usd:,.2f}/h per runner"
        parts.append(text)
    return "; ".join(parts) + ("" if packing.packs else f" ({packing.reason})")
