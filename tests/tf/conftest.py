"""Fixtures for the typed Terraform layer: an app in a temporary folder, a stack, a scope below it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fleetform.tf import App, Construct, LocalBackend, TerraformStack, aws, google


@pytest.fixture
def app(tmp_path: Path) -> App:
    return App(outdir=str(tmp_path / "cdktf.out"))


@pytest.fixture
def stack(app: App) -> TerraformStack:
    """A stack with a relative local backend and both providers configured."""
    stack = TerraformStack(app, "aws-us-east")
    LocalBackend(stack, path="terraform.tfstate")
    aws.AwsProvider(stack, "aws", region="us-east-1")
    google.GoogleProvider(stack, "google", project="fleetform-test", region="us-central1")
    return stack


@pytest.fixture
def scope(stack: TerraformStack) -> Construct:
    """The scope an app's constructs live in: construct paths read ``aws-us-east/app-sd/<Id>``."""
    return Construct(stack, "app-sd")


def synth(app: App, stack_name: str = "aws-us-east") -> dict[str, Any]:
    """Synthesize the app and return one stack's Terraform JSON."""
    app.synth()
    return json.loads((Path(app.outdir) / "stacks" / stack_name / "cdk.tf.json").read_text(encoding="utf-8"))


def resource(config: dict[str, Any], type_name: str, construct_path: str) -> dict[str, Any]:
    """The one resource of ``type_name`` whose construct path is ``construct_path``."""
    return _by_path(config["resource"][type_name], construct_path)


def data_source(config: dict[str, Any], type_name: str, construct_path: str) -> dict[str, Any]:
    """The one data source of ``type_name`` whose construct path is ``construct_path``."""
    return _by_path(config["data"][type_name], construct_path)


def _by_path(elements: dict[str, Any], construct_path: str) -> dict[str, Any]:
    matches = [body for body in elements.values() if body["//"]["metadata"]["path"] == construct_path]
    assert len(matches) == 1, f"{construct_path}: {len(matches)} matches among {list(elements)}"
    return matches[0]
