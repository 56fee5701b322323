"""Which pyproject files a command works on: an app project, or a platform repo and the apps it lists.

A platform repo's ``[tool.fleetform] apps`` holds globs of app projects' pyproject.toml files, relative
to the platform's pyproject; their apps are resolved with the platform's settings. A pyproject with only
``[tool.fal.apps]`` is resolved with the default platform settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fleetform.errors import FleetformError, Problem, where_toml
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.pyproject import Pyproject, load_platform_settings, read_pyproject


@dataclass(frozen=True)
class Workspace:
    """The platform settings in force and the app projects to read, in a stable order."""

    platform: PlatformSettings
    platform_file: Path | None
    app_projects: tuple[Pyproject, ...]
    problems: tuple[Problem, ...] = ()
    """App projects that could not be read (bad TOML, no match for a glob): reported with everything else."""


def open_workspace(path: Path) -> Workspace:
    """Read ``path`` (a pyproject.toml or its folder) as a platform repo or an app project."""
    project = read_pyproject(path)
    if project.fleetform is None:
        if project.fal is None:
            raise FleetformError.single(
                "spec/nothing-to-do", where_toml(project.path, "tool"),
                "this pyproject.toml has neither [tool.fal.apps] nor [tool.fleetform]",
                fix="point at an app project (with [tool.fal.apps]) or a platform repo (with [tool.fleetform])",
            )
        return Workspace(platform=PlatformSettings(), platform_file=None, app_projects=(project,))
    platform = load_platform_settings(project)
    apps: list[Pyproject] = [project] if project.fal is not None else []
    problems: list[Problem] = []
    for index, pattern in enumerate(platform.apps):
        matches = sorted(match.resolve() for match in project.folder.glob(pattern) if match.is_file())
        if not matches:
            problems.append(Problem("platform/no-app-projects",
                                    where_toml(project.path, "tool", "fleetform", "apps", index),
                                    f"{pattern!r} matches no file below {project.folder}",
                                    fix="globs are relative to this pyproject.toml, e.g. \"../apps/*/pyproject.toml\""))
        for match in matches:
            if match != project.path and all(match != seen.path for seen in apps):
                try:
                    apps.append(read_pyproject(match))
                except FleetformError as error:
                    problems.extend(error.problems)
    return Workspace(platform=platform, platform_file=project.path, app_projects=tuple(apps), problems=tuple(problems))
