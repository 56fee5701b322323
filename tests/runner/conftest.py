"""Fixtures of the runner tests: a sandbox answering like a healthy AWS or GCP runner."""

from __future__ import annotations

import pytest

from tests.runner.fake_clouds import AWS_RULES, GCP_RULES
from tests.runner.sandbox import Sandbox


@pytest.fixture
def aws_sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path, list(AWS_RULES))


@pytest.fixture
def gcp_sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path, list(GCP_RULES))
