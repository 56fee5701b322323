"""Groups pin their built images by digest: the offline check serves the registry reads, and a plan for an
app whose image was never built fails naming the app, before any group changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleetform.check import check_stacks
from fleetform.check.registry_images import IMAGES_VARIABLE, image_digest
from fleetform.constructs.platform import platform_plan
from fleetform.synth import synth_platform
from tests.conftest import EXAMPLES
from tests.constructs.aws.synthesized import read_regions

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def example_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pinned") / "cdktf.out"
    synth_platform(EXAMPLES / "platform", out)
    return out


def built_images() -> dict[str, str]:
    """``app -> <repository>:<tag>`` for every app the example platform builds."""
    return {g.app: f"{g.image.repository}:{g.image.tag}" for g in platform_plan(EXAMPLES / "platform").groups()
            if g.image.source != "image"}


def test_templates_carry_the_digest_read_from_the_registry(example_out):
    stacks = read_regions(example_out)  # each region's base and app stacks as one view
    aws, gcp = stacks["aws-us-east"], stacks["gcp-us-east"]
    image = aws.data("aws_ecr_image", "region/captioner/InstanceGroup/Image")
    assert image == {"repository_name": "acme/captioner", "image_tag": built_images()["captioner"].split(":")[1]}
    template = aws.resource("aws_launch_template", "region/captioner/InstanceGroup/LaunchTemplate")
    (instance,) = [spec for spec in template["tag_specifications"] if spec["resource_type"] == "instance"]
    assert instance["tags"]["fleetform:image-digest"] == aws.ref(
        "aws_ecr_image", "region/captioner/InstanceGroup/Image", "image_digest", kind="data")
    assert template["metadata_options"]["instance_metadata_tags"] == "enabled"
    gcp_image = gcp.data("google_artifact_registry_docker_image", "region/image-generator/Image")
    assert gcp_image == {"location": "us", "repository_id": "acme",
                         "image_name": "image-generator:" + built_images()["image-generator"].split(":")[1]}
    metadata = gcp.resource("google_compute_instance_template", "region/image-generator/Template")["metadata"]
    assert metadata["fleetform-image"] == gcp.ref("google_artifact_registry_docker_image",
                                                  "region/image-generator/Image", "self_link", kind="data")


def test_the_plan_pins_the_digest_of_the_built_tag(example_out, tmp_path):
    report = check_stacks(example_out / "stacks" / "aws-us-east--captioner", plan_json_dir=tmp_path)
    assert report.ok, report.render()
    plan = json.loads((tmp_path / "aws-us-east--captioner.plan.json").read_text())
    template = next(change for change in plan["resource_changes"] if change["address"].startswith(
        "aws_launch_template.region_captioner"))
    tags = next(spec["tags"] for spec in template["change"]["after"]["tag_specifications"]
                if spec["resource_type"] == "instance")
    repository, tag = built_images()["captioner"].split(":")
    assert tags["fleetform:image-digest"] == image_digest(repository, tag)


def test_a_plan_for_an_app_whose_image_is_missing_fails_naming_the_app(example_out, tmp_path, monkeypatch):
    images = built_images()
    registry = tmp_path / "images.json"
    registry.write_text(json.dumps([reference for app, reference in images.items()
                                    if app not in ("captioner", "image-generator")]))
    monkeypatch.setenv(IMAGES_VARIABLE, str(registry))
    reports = {app: check_stacks(example_out / "stacks" / f"aws-us-east--{app}")
               for app in ("captioner", "image-generator", "upscaler")}
    assert [app for app, report in reports.items() if not report.ok] == ["captioner", "image-generator"]
    errors = [diagnostic for report in reports.values() for stack in report.stacks for diagnostic in stack.errors]
    assert {error.summary for error in errors} == {"Image not found"}
    assert {error.construct_path: error.detail.split(": ", 1)[1] for error in errors} == {
        f"aws-us-east--{app}/region/{app}/InstanceGroup/Image": f"app {app} has not been built with these inputs "
        "(run `fleetform build --cloud ...` before deploying)" for app in ("captioner", "image-generator")}
    gcp = check_stacks(example_out / "stacks" / "gcp-us-east--image-generator")
    assert [e.detail.split(": app")[0] for s in gcp.stacks for e in s.errors] == [
        f"no image acme/image-generator:{images['image-generator'].split(':')[1]} in Artifact Registry repository acme "
        "in us"]


def test_every_image_built_plans_green(example_out, tmp_path, monkeypatch):
    registry = tmp_path / "images.json"
    registry.write_text(json.dumps(sorted(built_images().values())))
    monkeypatch.setenv(IMAGES_VARIABLE, str(registry))
    assert check_stacks(example_out / "stacks" / "gcp-us-east").ok
