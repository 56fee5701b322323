"""One Terraform check per root module per test session, however many pytest-xdist workers share the tests.

A module-scoped fixture runs once in every worker that runs one of its tests, and the tests of a
file are often split between workers; the checks are the slow part of these tests, so each one
runs in the first worker that needs it and the others read its result.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from tests.modules.roots import CheckOnce

T = TypeVar("T")


@pytest.fixture(scope="session")
def check_once(tmp_path_factory: pytest.TempPathFactory) -> CheckOnce:
    """``check_once(key, run)``: ``run(folder)``'s result, computed once per session under ``key``.

    ``folder`` is a fresh folder every worker can read (for roots and saved plans); the result must
    pickle.
    """
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "module-checks"
    shared.mkdir(exist_ok=True)

    def once(key: str, run: Callable[[Path], T]) -> T:
        cached = shared / f"{key}.pickle"
        with _exclusive(shared / f"{key}.lock"):
            if not cached.exists():
                cached.write_bytes(pickle.dumps(run(shared / key)))
            return pickle.loads(cached.read_bytes())

    return once


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
