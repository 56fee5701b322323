"""Reading pyproject.toml files: finding them, parsing TOML, and the ``[tool.fleetform]`` table.

fal reads ``[tool.fal.apps]`` with top-level ``tool.fal`` keys normalised (``--`` dropped, ``-`` to
``_``) and app keys taken as written; fleetform does the same so that a project means the same thing
to both.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fleetform.catalog.regions import known_cloud_regions
from fleetform.errors import FleetformError, Problem, did_you_mean, display_path, format_choices, where_toml
from fleetform.spec.platform import PlatformSettings
from fleetform.spec.problems import problems_from_validation_error, unknown_key_problems
from fleetform.spec.toml_syntax import toml_syntax_problem


@dataclass(frozen=True)
class Pyproject:
    """A parsed pyproject.toml and its folder (the base of every relative path in it)."""

    path: Path
    data: dict[str, Any]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def fal(self) -> dict[str, Any] | None:
        """``[tool.fal]`` with fal's top-level key normalisation, or None."""
        table = self.data.get("tool", {}).get("fal") if isinstance(self.data.get("tool"), dict) else None
        if not isinstance(table, dict):
            return None
        return {key.replace("--", "").replace("-", "_"): value for key, value in table.items()}

    @property
    def fleetform(self) -> dict[str, Any] | None:
        tool = self.data.get("tool")
        table = tool.get("fleetform") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else None


def find_pyproject(path: Path) -> Path:
    """``path`` itself when it is a file, else ``path/pyproject.toml``; an error when neither exists."""
    candidate = path / "pyproject.toml" if path.is_dir() else path
    if not candidate.is_file():
        raise FleetformError.single(
            "spec/no-pyproject", display_path(path),
            f"no pyproject.toml at {display_path(candidate)}",
            fix="pass a pyproject.toml or a folder that holds one",
        )
    return candidate.resolve()


def read_pyproject(path: Path) -> Pyproject:
    """Parse a pyproject.toml; a TOML syntax error names the file, line and column."""
    file = find_pyproject(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise FleetformError.single("spec/toml-encoding", display_path(file), f"not UTF-8 text: {error}") from None
    except OSError as error:
        raise FleetformError.single("spec/unreadable", display_path(file), f"cannot read the file: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FleetformError([toml_syntax_problem(file, text, error)]) from None
    return Pyproject(path=file, data=data)


def load_platform_settings(project: Pyproject) -> PlatformSettings:
    """``[tool.fleetform]`` as settings; every problem in the table is reported at once."""
    table = project.fleetform or {}

    def where_for(loc: tuple[str | int, ...]) -> str:
        return where_toml(project.path, "tool", "fleetform", *loc)

    problems: list[Problem] = unknown_key_problems(table, PlatformSettings, where_for, code_prefix="platform")
    settings = None
    try:
        settings = PlatformSettings.model_validate(_as_tuples(table))
    except ValidationError as error:
        unknown = {problem.where for problem in problems}  # pydantic's extra_forbidden, said better above
        problems += [problem for problem in problems_from_validation_error(error, where_for, code_prefix="platform")
                     if problem.where not in unknown]
    certificates, certificate_problems = _ca_certificates(_ca_certificate_paths(table), project.folder, where_for)
    problems += certificate_problems
    if settings is not None:
        problems += _region_override_problems(settings, where_for)
    if problems or settings is None:
        raise FleetformError(problems)
    return settings.model_copy(update={"images": settings.images.model_copy(
        update={"ca_certificates": certificates})})


def _ca_certificate_paths(table: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``images.ca_certificates`` strings of the raw table, so their files are checked even when another
    setting fails validation (a wrong type there is the validation's problem)."""
    images = table.get("images")
    paths = images.get("ca_certificates") if isinstance(images, Mapping) else None
    return tuple(path for path in paths if isinstance(path, str)) if isinstance(paths, list) else ()


PEM_CERTIFICATE_MARKER = b"-----BEGIN CERTIFICATE-----"


def _ca_certificates(paths: Sequence[str], folder: Path, where_for) -> tuple[tuple[Path, ...], list[Problem]]:
    """``images.ca_certificates`` resolved from the platform's folder; each must be a PEM certificate file."""
    resolved, problems = [], []
    for index, path in enumerate(paths):
        where = where_for(("images", "ca_certificates", index))
        file = (folder / path).resolve()
        resolved.append(file)
        try:
            pem = file.read_bytes()
        except OSError as error:
            problems.append(Problem("platform/ca-certificate-unreadable", where,
                                    f"cannot read {display_path(file)}: {error.strerror or error}",
                                    allowed="PEM files, relative to this pyproject.toml"))
            continue
        if PEM_CERTIFICATE_MARKER not in pem:
            problems.append(Problem("platform/ca-certificate-not-pem", where,
                                    f"{display_path(file)} has no PEM certificate block",
                                    allowed="PEM files, relative to this pyproject.toml"))
    return tuple(resolved), problems


def _region_override_problems(settings: PlatformSettings, where_for) -> list[Problem]:
    problems = []
    for cloud, overrides in settings.regions.items():
        known = known_cloud_regions(cloud)
        for fal_region, cloud_region in overrides.items():
            if cloud_region not in known:
                problems.append(Problem(
                    "platform/unknown-cloud-region", where_for(("regions", cloud, fal_region)),
                    f"{cloud} region {cloud_region!r} is not in the catalog" + did_you_mean(cloud_region, known),
                    allowed=format_choices(known),
                ))
    return problems


def _as_tuples(value: Any) -> Any:
    """TOML arrays as tuples, so frozen models hold immutable values."""
    if isinstance(value, list):
        return tuple(_as_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _as_tuples(item) for key, item in value.items()}
    return value
