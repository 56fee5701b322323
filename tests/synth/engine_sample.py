"""An app with what could tell the two engines apart, for ``test_engines.py`` to synthesize on each.

Run as ``python -m tests.synth.engine_sample <outdir>`` (the engine is the process's ``FLEETFORM_FRAMEWORK``):
the typed-layer sample stacks plus one stack of edge cases: construct ids that sort as array indexes,
contain ``/``, are ``Default``/``Resource``, repeat their parent's suffix or exceed 255 characters; JavaScript's
number format; non-ASCII and control characters; empty lists and objects; overrides of resources and of the
stack; S3 and GCS backends; aliased providers, ``depends_on``, ``lifecycle``; typed references; warnings on
nested constructs; a stack without a backend (cdktf adds a local one); stack dependencies.
"""

from __future__ import annotations

import sys

from fleetform.tf import (
    App,
    Construct,
    GcsBackend,
    S3Backend,
    TerraformOutput,
    TerraformStack,
    add_warning,
    aws,
    google,
)
from tests.tf.sample_stacks import build_sample_app


def build(outdir: str) -> App:
    app = build_sample_app(outdir)
    stack = TerraformStack(app, "edge-cases")
    S3Backend(stack, bucket="state", key="edge/terraform.tfstate", region="us-east-1", encrypt=True)
    stack.add_override("terraform.backend.s3.use_lockfile", True)
    aws.AwsProvider(stack, "aws", region="us-east-1")
    west = aws.AwsProvider(stack, "west", alias="west", region="us-west-2")
    for construct_id in ("b", "10", "2", "0", "a/b", "Default"):
        scope = Construct(stack, construct_id)
        add_warning(scope, f"warning on {construct_id}")
        aws.SsmParameter(scope, "Resource", name=f"/{construct_id}", type="String", value="v")
    group = Construct(stack, "AppGroup")
    inner = Construct(group, "Group")
    queue = aws.SqsQueue(inner, "Group", name="q", delay_seconds=60.0, message_retention_seconds=345600,
                         tags={"managed-by": "fleetform", "ünïcode": "✓ \u2028 \x01 \"q\" \\ /"})
    queue.add_override("visibility_timeout_seconds", 30)
    long = Construct(stack, "x" * 300)
    template = aws.LaunchTemplate(long, "Lt", image_id="ami-1", vpc_security_group_ids=[],
                                  lifecycle={"ignore_changes": "all", "prevent_destroy": True})
    aws.AutoscalingGroup(long, "Asg", min_size=template.latest_version, max_size=4, provider=west,
                         vpc_zone_identifier=template.vpc_security_group_ids, depends_on=[queue],
                         availability_zones=["us-east-1a"], tag=[],
                         launch_template={"id": template.id, "version": template.latest_version},
                         lifecycle={"replace_triggered_by": [template], "create_before_destroy": True})
    TerraformOutput(stack, "numbers", value=[0.5, 60.0, 1e21, 1.5e-7, 123456789.125, -2.0, 7, True, [], {}])
    TerraformOutput(inner, "queue_url", value=queue.url, description="é", sensitive=True)
    bare = TerraformStack(app, "no-backend")
    google.GoogleProvider(bare, "google", project="p", region="europe-west4",
                          default_labels={"managed-by": "fleetform", "CamelCase": "x"})
    google.ComputeAddress(bare, "Address", name="a", region="europe-west4")
    gcs = TerraformStack(app, "gcs-backend")
    GcsBackend(gcs, bucket="state", prefix="gcs")
    google.GoogleProvider(gcs, "google", project="p")
    gcs.add_dependency(bare)
    gcs.add_dependency(stack)
    return app


if __name__ == "__main__":
    build(sys.argv[1]).synth()
