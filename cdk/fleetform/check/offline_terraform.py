"""Pointing real Terraform at the offline provider, with no ``terraform init`` and no network.

A CLI configuration (``TF_CLI_CONFIG_FILE``) declares ``dev_overrides`` for ``hashicorp/aws``
and ``hashicorp/google`` into a folder of launcher scripts, one ``terraform-provider-<name>``
per provider, each exec-ing this interpreter on ``fleetform.check.provider``. Terraform then
starts the offline provider wherever it would start the real one. There is no other
installation method, so a configuration needing any other provider fails with Terraform's own
"Missing required provider" instead of reaching for the registry.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

import fleetform
from fleetform.provider_schemas import PROVIDER_SOURCES

# Inherited variables that would change what Terraform does (TF_CLI_ARGS, TF_VAR_*, TF_WORKSPACE...).
_TERRAFORM_ENV_PREFIXES = ("TF_", "CHECKPOINT_")


def prepare(root: Path) -> dict[str, str]:
    """Write launchers and a CLI configuration under ``root``; return the environment to run Terraform in."""
    providers_dir = root / "providers"
    home = root / "home"
    providers_dir.mkdir(parents=True, exist_ok=True)
    home.mkdir(exist_ok=True)
    for name in PROVIDER_SOURCES:
        _write_launcher(providers_dir / f"terraform-provider-{name}", name, home)
    cli_config = root / "terraform.rc"
    cli_config.write_text(cli_configuration(providers_dir), encoding="utf-8")
    return terraform_environment(os.environ, cli_config)


def cli_configuration(providers_dir: Path) -> str:
    """The CLI configuration: every pinned provider overridden by its launcher, nothing else installable."""
    overrides = "\n".join(
        f"    {json.dumps(source)} = {json.dumps(str(providers_dir))}" for source in PROVIDER_SOURCES.values()
    )
    return f"provider_installation {{\n  dev_overrides {{\n{overrides}\n  }}\n}}\ndisable_checkpoint = true\n"


def terraform_environment(inherited: Mapping[str, str], cli_config: Path) -> dict[str, str]:
    """``inherited`` without Terraform settings of its own, plus the offline CLI configuration.

    ``PYTHONPATH`` leads with fleetform's own source root, so the worker and provider processes
    import this fleetform even when it runs from a source tree rather than an installation.
    """
    env = {key: value for key, value in inherited.items() if not key.startswith(_TERRAFORM_ENV_PREFIXES)}
    package_root = str(Path(fleetform.__file__).resolve().parent.parent)
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, (package_root, inherited.get("PYTHONPATH")))),
        }
    )
    return env


def _write_launcher(path: Path, name: str, home: Path) -> None:
    # `tf` caches its TLS certificate under $HOME/.cache, so HOME must be writable.
    script = (
        "#!/bin/sh\n"
        f"HOME={shlex.quote(str(home))} exec {shlex.quote(sys.executable)} -m fleetform.check.provider {name} \"$@\"\n"
    )
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
