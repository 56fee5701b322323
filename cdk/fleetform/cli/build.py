"""``fleetform build``: each app's build context and content key; build locally with Docker or in the clouds.

``--dry-run`` prints per app the key (the tag), the image reference and whether a build is needed
(the image is not in the local daemon, or with ``--cloud`` not in the cloud's registry);
``--context-out DIR`` writes each context to ``DIR/<app>/``; ``--local`` builds with the local
Docker daemon and tags ``<platform>/<app>:<key>`` (the repository and tag runners pull, without the
registry host); ``--cloud`` submits to CodeBuild / Cloud Build (``fleetform.cli.build_cloud``).
Image apps build nothing: they are pulled as given.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import click

from fleetform.cli.progress import StatusLine
from fleetform.errors import FleetformError, Problem, did_you_mean, display_path, format_choices
from fleetform.images.context import BuildContext, build_context
from fleetform.images.docker_build import (
    DockerCli,
    LocalBuild,
    build_locally,
    daemon_running,
    find_docker,
    image_exists,
)
from fleetform.images.key import content_key
from fleetform.plan.model import GroupPlan, PlatformPlan, RegistryLogin, docker_auth_key
from fleetform.plan.platform import plan_workspace_outcome
from fleetform.spec.workspace import open_workspace
from fleetform.vocabulary import CLOUDS

EXIT_BUILD_FAILED = 1
CLOUD_CHOICES = (*CLOUDS, "both")
CLOUD_JOBS = 4
"""Cloud builds in flight at once by default (``fleetform.cloud_build.submit.DEFAULT_JOBS``)."""


@dataclass(frozen=True)
class AppImage:
    """One app's image as the plan has it, with its build context (None for an image app)."""

    app: str
    image: str
    """The reference runners pull: ``<platform>/<app>:<key>`` for built images, the app's own otherwise."""
    key: str
    context: BuildContext | None
    registries: tuple[RegistryLogin, ...] = ()
    """The registries a build logs in to before it pulls base images (``image.registries``)."""


@click.command(name="build")
@click.argument("apps", nargs=-1)
@click.option("--config", "config", default=".", type=click.Path(path_type=Path),
              help="The platform repo: its pyproject.toml or folder (default: .).")
@click.option("--local", "local", is_flag=True, help="Build with the local Docker daemon.")
@click.option("--cloud", "cloud", type=click.Choice(CLOUD_CHOICES), help="Build in CodeBuild / Cloud Build.")
@click.option("--dry-run", "dry_run", is_flag=True, help="Print each key, image and whether it needs a build.")
@click.option("--context-out", "context_out", type=click.Path(file_okay=False, path_type=Path),
              help="Write each build context (Dockerfile and files) to DIR/<app>/.")
@click.option("--jobs", "jobs", type=click.IntRange(min=1), default=None,
              help=f"Builds at once (default: 1 locally, {CLOUD_JOBS} in the clouds).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def command(apps: tuple[str, ...], config: Path, local: bool, cloud: str | None, dry_run: bool,
            context_out: Path | None, jobs: int | None, as_json: bool) -> int:
    """Build the images of APPS (default: every app that has one to build)."""
    if local and cloud:
        raise click.UsageError("choose one of --local and --cloud")
    if not (local or cloud or dry_run or context_out):
        raise click.UsageError("say what to do: --local, --cloud aws|gcp|both, --dry-run or --context-out DIR")
    workspace = open_workspace(config)
    outcome = plan_workspace_outcome(workspace)
    if outcome.plan is None:
        raise FleetformError(list(outcome.problems))
    plan = outcome.plan
    images = app_images(plan, outcome.apps, workspace.platform, apps)
    if context_out is not None:
        for image in images:
            if image.context is not None:
                target = context_out / image.app
                shutil.rmtree(target, ignore_errors=True)
                image.context.write(target)
    buildable = [image for image in images if image.context is not None]
    if dry_run:
        return _dry_run(plan, images, cloud, as_json, context_out)
    if cloud:
        from fleetform.cli.build_cloud import run_cloud_builds  # the cloud clients load only for --cloud

        return run_cloud_builds(plan, [(image.app, image.context) for image in buildable], cloud,
                                jobs=jobs or CLOUD_JOBS, as_json=as_json)
    if not local:
        click.echo(f"{len(buildable)} build context(s) written to {display_path(context_out or Path('.'))}",
                   err=as_json)
        return 0
    return _build_local(buildable, jobs or 1, as_json)


def app_images(plan: PlatformPlan, resolved, settings, names: tuple[str, ...]) -> list[AppImage]:
    """The apps asked for (all when ``names`` is empty) with their contexts, in plan order."""
    groups: dict[str, list[GroupPlan]] = {}
    for group in plan.groups():
        groups.setdefault(group.app, []).append(group)
    unknown = [name for name in names if name not in groups]
    if unknown:
        raise FleetformError([Problem("build/unknown-app", name, f"no app named {name!r} on this platform"
                                      + did_you_mean(name, groups), allowed=format_choices(sorted(groups)))
                              for name in unknown])
    by_name = {app.spec.name: app for app in resolved}
    images = []
    for name in names or tuple(groups):
        image = groups[name][0].image
        accelerated = any(group.machine.gpus_per_instance for group in groups[name])
        context = build_context(by_name[name], settings.images, accelerated=accelerated)
        if context is None:
            images.append(AppImage(name, image.reference or "", "", None))
            continue
        key = content_key(context)
        assert key == image.tag, f"{name}: the plan's tag {image.tag} is not the context's key {key}"
        images.append(AppImage(name, f"{image.repository}:{key}", key, context, image.build_registries))
    return images


def _dry_run(plan: PlatformPlan, images: list[AppImage], cloud: str | None, as_json: bool,
             context_out: Path | None) -> int:
    needed = _needed(plan, images, cloud)
    rows = [{"app": image.app, "key": image.key or None, "image": image.image,
             "kind": image.context.kind if image.context else "image",
             "build_needed": needed.get(image.app) if image.context else False,
             "files": len(image.context.files) if image.context else 0,
             "context": str(context_out / image.app) if context_out and image.context else None}
            for image in images]
    if as_json:
        click.echo(json.dumps({"images": rows}, indent=2, sort_keys=True))
    else:
        for image, row in zip(images, rows, strict=True):
            state = _state(needed.get(image.app)) if image.context else "pulled as given"
            click.echo(f"{row['app']}: {row['image']} ({row['kind']}, {row['files']} files) {state}")
    count = sum(1 for row in rows if row["build_needed"])
    unknown = sum(1 for row in rows if row["build_needed"] is None)
    click.echo(f"{len(rows)} app(s): {count} to build, {unknown} unknown, "
               f"{sum(1 for row in rows if row['kind'] == 'image')} pulled as given (dry run)", err=True)
    return 0


def _state(needed: bool | None) -> str:
    return "unknown" if needed is None else ("build needed" if needed else "up to date")


def _needed(plan: PlatformPlan, images: list[AppImage], cloud: str | None) -> dict[str, bool | None]:
    """Per built app: True when its image is missing where it would be built, None when that cannot be asked."""
    buildable = [image for image in images if image.context is not None]
    if cloud:
        from fleetform.cli.build_cloud import chosen_clouds
        from fleetform.cloud_build.from_plan import cloud_builders, cloud_requests

        clouds = chosen_clouds(cloud, plan)
        builders = cloud_builders(plan, clouds, echo=lambda _line: None)
        with tempfile.TemporaryDirectory(prefix="fleetform-contexts-") as scratch:
            requests = cloud_requests(plan, [(i.app, i.context) for i in buildable], clouds, Path(scratch))
        found: dict[str, bool | None] = {}
        for name, per_cloud in requests.items():
            for request in per_cloud:
                missing = not builders[name].tag_exists(request)
                found[request.app] = bool(found.get(request.app)) or missing
        return found
    try:
        cli = find_docker()
    except FleetformError:
        return {image.app: None for image in buildable}
    if not daemon_running(cli):
        return {image.app: None for image in buildable}
    return {image.app: not image_exists(cli, image.image) for image in buildable}


def _build_local(images: list[AppImage], jobs: int, as_json: bool) -> int:
    cli: DockerCli = find_docker()
    missing = [Problem("build/secret-unset", f"${secret.secret}",
                       f"{image.app} builds with secret {secret.secret!r}, which is not set in the environment",
                       fix=f"export {secret.secret}=... (local builds read build secrets from the environment)")
               for image in images for secret in image.context.secrets if secret.secret not in os.environ]  # type: ignore[union-attr]
    missing += [Problem("build/secret-unset", f"${login.password_secret}",
                        f"{image.app} pulls base images from {login.host} as {login.username} with secret "
                        f"{login.password_secret!r}, which is not set in the environment",
                        fix=f"export {login.password_secret}=... (local builds read registry passwords from the "
                            "environment)")
                for image in images for login in image.registries if login.password_secret not in os.environ]
    if missing:
        raise FleetformError(missing)
    running: set[str] = set()
    lock = threading.Lock()
    done: list[LocalBuild] = []

    def status() -> str:
        with lock:
            return f"building {len(done)}/{len(images)}: {', '.join(sorted(running))}"

    with StatusLine.on_stderr(status, quiet=as_json) as line:
        def one(image: AppImage) -> LocalBuild:
            assert image.context is not None
            with lock:
                running.add(image.app)
            line.refresh()
            result = build_locally(cli, image.context, image.image,
                                   echo=functools.partial(_echo_build_line, image.app),
                                   secret_values={s.id: os.environ[s.secret] for s in image.context.secrets},
                                   logins={docker_auth_key(login.host): (login.username,
                                                                         os.environ[login.password_secret])
                                           for login in image.registries})
            with lock:
                running.discard(image.app)
                done.append(result)
            if not as_json:
                line.echo(_result_line(result))
            return result

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, images))
    failed = [result for result in results if not result.ok]
    if as_json:
        click.echo(json.dumps({"builds": [{"app": r.app, "image": r.image, "ok": r.ok, "seconds": r.seconds,
                                           "failed_step": r.failed_step, "steps": r.steps,
                                           "cached_steps": r.cached_steps, "log_tail": list(r.log_tail)}
                                          for r in results]}, indent=2, sort_keys=True))
    for result in failed:
        click.echo(f"error: {result.app}: build failed at {result.failed_step}", err=True)
        for tail in result.log_tail:
            click.echo(f"  {result.app} | {tail}", err=True)
    click.echo(f"{len(results)} local build(s): {len(results) - len(failed)} built, {len(failed)} failed in "
               f"{sum(r.seconds for r in results):.1f} s", err=as_json or bool(failed))
    return EXIT_BUILD_FAILED if failed else 0


def _echo_build_line(app: str, line: str) -> None:
    click.echo(f"{app} | {line}", err=True)


def _result_line(result: LocalBuild) -> str:
    if not result.ok:
        return f"{result.app}: {result.image} FAILED at {result.failed_step}"
    return (f"{result.app}: {result.image} built in {result.seconds:.1f} s "
            f"({result.cached_steps}/{result.steps} steps cached)")
