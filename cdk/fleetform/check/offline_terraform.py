"""Pointing real Terraform at the offline provider, with no ``terraform init`` and no network.

A CLI configuration (``TF_CLI_CONFIG_FILE``) declares ``dev_overrides`` for ``hashicorp/aws``
and ``hashicorp/google`` into a folder of launcher scripts, one ``terraform-provider-<name>``
per provider, each exec-ing this interpreter on ``fleetform.check.provider``. Terraform then
starts the offline provider wherever it would start the real one. There is no other
installation method, so a configuration needing any other provider fails with Terraform's own
"Missing required provider" instead of reaching for the registry.

The same launchers also form a filesystem mirror (``provider_installation { filesystem_mirror }``) at the
pinned versions, so ``terraform init`` finds them too: Terraform 1.15's init installs the providers a
*state* records separately from the configuration's, and that second pass does not honour
``dev_overrides``, so without the mirror an init next to a non-empty state fails offline.

The environment also names a ``terraform`` launcher (:mod:`fleetform.check.terraform_cli`) in
``TERRAFORM_BINARY_NAME``, the variable cdktf-cli reads, so ``cdktf deploy`` in that environment runs
the bundled Terraform against the offline provider too.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

import fleetform
from fleetform.provider_schemas import PROVIDER_SOURCES, PROVIDER_VERSIONS

# Inherited variables that would change what Terraform does (TF_CLI_ARGS, TF_VAR_*, TF_WORKSPACE...).
_TERRAFORM_ENV_PREFIXES = ("TF_", "CHECKPOINT_")

# `platform.machine()` spellings of the architectures Terraform builds for.
_TERRAFORM_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def prepare(root: Path) -> dict[str, str]:
    """Write launchers and a CLI configuration under ``root``; return the environment to run Terraform in."""
    providers_dir = root / "providers"
    home = root / "home"
    providers_dir.mkdir(parents=True, exist_ok=True)
    home.mkdir(exist_ok=True)
    mirror_dir = root / "mirror"
    for name, source in PROVIDER_SOURCES.items():
        _write_launcher(providers_dir / f"terraform-provider-{name}", name, home)
        package = mirror_dir / "registry.terraform.io" / source / PROVIDER_VERSIONS[name] / _terraform_platform()
        package.mkdir(parents=True, exist_ok=True)
        _write_launcher(package / f"terraform-provider-{name}_v{PROVIDER_VERSIONS[name]}", name, home)
    terraform = root / "bin" / "terraform"
    terraform.parent.mkdir(exist_ok=True)
    _write_script(terraform, f"exec {shlex.quote(sys.executable)} -m fleetform.check.terraform_cli \"$@\"\n")
    cli_config = root / "terraform.rc"
    cli_config.write_text(cli_configuration(providers_dir, mirror_dir), encoding="utf-8")
    return {**terraform_environment(os.environ, cli_config), "TERRAFORM_BINARY_NAME": str(terraform)}


def cli_configuration(providers_dir: Path, mirror_dir: Path) -> str:
    """The CLI configuration: every pinned provider overridden by its launcher, nothing else installable."""
    overrides = "\n".join(
        f"    {json.dumps(source)} = {json.dumps(str(providers_dir))}" for source in PROVIDER_SOURCES.values()
    )
    return (f"provider_installation {{\n  dev_overrides {{\n{overrides}\n  }}\n"
            f"  filesystem_mirror {{\n    path = {json.dumps(str(mirror_dir))}\n  }}\n}}\n"
            "disable_checkpoint = true\n")


def _terraform_platform() -> str:
    """This machine as Terraform names platforms in a mirror (``linux_amd64``, ``darwin_arm64``)."""
    machine = platform.machine().lower()
    return f"{sys.platform}_{_TERRAFORM_ARCHITECTURES.get(machine, machine)}"


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
    _write_script(path, f"HOME={shlex.quote(str(home))} exec {shlex.quote(sys.executable)} "
                        f"-m fleetform.check.provider {name} \"$@\"\n")


def _write_script(path: Path, command: str) -> None:
    path.write_text("#!/bin/sh\n" + command, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
