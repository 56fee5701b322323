"""``fleetform secrets list|set``: which secrets the platform needs and whether each has a value; set one.

A value comes from an environment variable (``--from-env VAR``) or standard input (``--stdin``),
never from the command line, where it would land in shell history and process listings. It is
never printed or logged, and Terraform never sees it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from fleetform.cloud_clients import gcp_project
from fleetform.errors import FleetformError, did_you_mean, format_choices
from fleetform.plan.model import PlatformPlan
from fleetform.plan.platform import plan_workspace
from fleetform.secrets.stores import AwsSecretStore, GcpSecretStore, SecretStore, ValueState
from fleetform.secrets.usage import SecretUse, secret_uses
from fleetform.spec.workspace import open_workspace

CLOUD_CHOICES = ("aws", "gcp", "both")
CONFIG_HELP = "The platform repo: its pyproject.toml or folder (default: .)."


@click.group(name="secrets")
def command() -> None:
    """List the platform's secrets and whether each has a value; set a value."""


def _stores(plan: PlatformPlan, clouds: tuple[str, ...]) -> dict[str, SecretStore]:
    stores: dict[str, SecretStore] = {}
    for shared in plan.shared:
        if shared.cloud not in clouds:
            continue
        if shared.cloud == "aws":
            stores["aws"] = AwsSecretStore(plan.name, shared.home_region)
        else:
            stores["gcp"] = GcpSecretStore(plan.name, gcp_project(plan.gcp_project))
    return stores


def _clouds(option: str | None, plan: PlatformPlan) -> tuple[str, ...]:
    enabled = tuple(shared.cloud for shared in plan.shared)
    if option is None or option == "both":
        return enabled
    return (option,)


@command.command(name="list")
@click.option("--config", default=".", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--cloud", type=click.Choice(CLOUD_CHOICES), default=None, help="Only this cloud (default: every cloud).")
@click.option("--json", "as_json", is_flag=True, help="Print [{name, runtime_apps, build_apps, clouds: {...}}].")
def list_command(config: Path, cloud: str | None, as_json: bool) -> int:
    """Every secret the platform's apps and builds read, and per cloud whether a value is set (never the value).

    Exit 1 when any secret has no value yet."""
    plan = plan_workspace(open_workspace(config))
    stores = _stores(plan, _clouds(cloud, plan))
    rows = []
    for use in secret_uses(plan):
        states = {name: store.state(use.name).value for name, store in stores.items() if name in use.clouds}
        if states:
            rows.append((use, states))
    missing = [use.name for use, states in rows if any(state != ValueState.SET.value for state in states.values())]
    if as_json:
        click.echo(json.dumps([{"name": use.name, "runtime_apps": list(use.runtime_apps),
                                "build_apps": list(use.build_apps), "clouds": states} for use, states in rows],
                              indent=2, sort_keys=True))
    else:
        for use, states in rows:
            click.echo(_row(use, states))
        click.echo(f"{len(rows)} secret(s); {len(missing)} without a value"
                   + (f": {', '.join(missing)} (set with `fleetform secrets set NAME --from-env VAR`)"
                      if missing else ""))
    return 1 if missing else 0


def _row(use: SecretUse, states: dict[str, str]) -> str:
    readers = [*(f"{app} (runner)" for app in use.runtime_apps), *(f"{app} (build)" for app in use.build_apps)]
    clouds = "  ".join(f"{cloud}: {state}" for cloud, state in sorted(states.items()))
    return f"{use.name:<24} {clouds:<40} read by {', '.join(readers)}"


@command.command(name="set")
@click.argument("name")
@click.option("--config", default=".", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--cloud", type=click.Choice(CLOUD_CHOICES), default=None,
              help="Set it on this cloud only (default: every cloud that holds the secret).")
@click.option("--from-env", "from_env", metavar="VAR", default=None,
              help="Read the value from environment variable VAR.")
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read the value from standard input (one trailing newline is dropped).")
def set_command(name: str, config: Path, cloud: str | None, from_env: str | None, from_stdin: bool) -> int:
    """Set secret NAME's value (a new version) in the platform's secret stores."""
    plan = plan_workspace(open_workspace(config))
    uses = {use.name: use for use in secret_uses(plan)}
    if name not in uses:
        raise FleetformError.single("secrets/unknown", name, f"no app or build of the platform reads a secret {name!r}"
                                    f"{did_you_mean(name, list(uses))}", allowed=format_choices(sorted(uses)))
    value = _value(name, from_env, from_stdin)
    clouds = tuple(c for c in _clouds(cloud, plan) if c in uses[name].clouds)
    if not clouds:
        raise FleetformError.single("secrets/not-on-cloud", f"--cloud {cloud}", f"{name} is not used on {cloud}",
                                    allowed=format_choices(uses[name].clouds))
    stores = _stores(plan, clouds)
    for cloud_name in clouds:
        stores[cloud_name].set_value(name, value)
    click.echo(f"{name}: value set on {', '.join(clouds)} ({len(value)} characters)")
    return 0


def _value(name: str, from_env: str | None, from_stdin: bool) -> str:
    if (from_env is None) == (not from_stdin):
        raise FleetformError.single("secrets/value-source", name, "give exactly one of --from-env VAR and --stdin",
                                    fix=f"`fleetform secrets set {name} --from-env {name}` or "
                                        f"`... | fleetform secrets set {name} --stdin`")
    if from_env is not None:
        value = os.environ.get(from_env)
        if value is None:
            raise FleetformError.single("secrets/unset-variable", f"--from-env {from_env}",
                                        f"environment variable {from_env} is not set")
    else:
        value = sys.stdin.read()
        value = value[:-1] if value.endswith("\n") else value
    if not value:
        raise FleetformError.single("secrets/empty-value", name, "the value is empty",
                                    fix="an empty secret would stop runners' boots; pass the real value")
    return value
