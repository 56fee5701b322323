"""Fixtures of the review tests: a BASE platform repo and a HEAD copy a test edits like a pull request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.review.platforms import app_toml, platform_repo

BASE_APPS = {
    "generator": {"machine": "GPU-H100", "min": 1, "max": 4},
    "tagger": {"machine": "M", "min": 1, "max": 2, "auth": "shared"},
    "upscaler": {"machine": "GPU-L40", "min": 0, "max": 2},
}


@pytest.fixture
def base_and_head(tmp_path) -> Callable[..., tuple[Path, Path]]:
    """``base_and_head(generator={"max": 8}, upscaler=None)``: BASE with BASE_APPS, HEAD with those edits.

    ``None`` removes the app; a name not in BASE_APPS adds one; ``base_edits`` changes BASE (and HEAD).
    """

    def make(*, clouds: str = '["aws"]', regions: str = '["us-east"]', head_regions: str | None = None,
             base_edits: dict[str, dict] | None = None, **edits: dict | None) -> tuple[Path, Path]:
        base_apps = {name: {**fields, **(base_edits or {}).get(name, {})} for name, fields in BASE_APPS.items()}
        base = platform_repo(tmp_path / "base", [app_toml(name, **fields) for name, fields in base_apps.items()],
                             clouds=clouds, regions=regions)
        apps = {name: dict(fields) for name, fields in base_apps.items()}
        for name, change in edits.items():
            if change is None:
                apps.pop(name)
            else:
                apps[name] = {**apps.get(name, {}), **change}
        head = platform_repo(tmp_path / "head", [app_toml(name, **fields) for name, fields in apps.items()],
                             clouds=clouds, regions=head_regions or regions)
        return base, head

    return make
