"""fleetform's typed Terraform layer: cdktf resources checked against the pinned provider schemas.

Usage::

    from fleetform.tf import App, LocalBackend, TerraformStack, aws

    app = App(outdir="cdktf.out")
    stack = TerraformStack(app, "aws-us-east")
    LocalBackend(stack, path="terraform.tfstate")
    aws.AwsProvider(stack, "aws", region="us-east-1", default_tags={"tags": {"team": "ml"}})
    lt = aws.LaunchTemplate(stack, "Lt", image_id="ami-0abc", instance_type="g5.xlarge")
    aws.AutoscalingGroup(stack, "Asg", min_size=0, max_size=3,
                         launch_template={"id": lt.id, "version": lt.latest_version})
    ami = aws.data.SsmParameter(stack, "Ami", name="/aws/service/ami")  # ami.value is a reference

Every argument is checked when the construct is created (see :mod:`fleetform.tf.validation`);
``lt.nope`` fails at once with the nearest attribute names. The framework (cdktf, or its fork
cdktn) is only imported by :mod:`fleetform.tf._framework`; what other modules need from it is
re-exported here.
"""

from __future__ import annotations

from fleetform.tf._framework import (
    App,
    Construct,
    Fn,
    GcsBackend,
    LocalBackend,
    S3Backend,
    TerraformIterator,
    TerraformLocal,
    TerraformOutput,
    TerraformStack,
    TerraformVariable,
    Testing,
    Token,
    add_warning,
    is_unresolved,
)
from fleetform.tf.deprecation import DeprecatedArgumentWarning
from fleetform.tf.meta_arguments import Lifecycle, add_dependencies
from fleetform.tf.namespace import element_class
from fleetform.tf.provider import Provider
from fleetform.tf.references import NestedReference
from fleetform.tf.resource import DataSource, Resource
from fleetform.tf.schema import SchemaLookupError, provider_schema

# The namespaces import the classes above, so they come last.
# isort: split
from fleetform.tf import aws, google

__all__ = [
    "App",
    "Construct",
    "DataSource",
    "DeprecatedArgumentWarning",
    "Fn",
    "GcsBackend",
    "Lifecycle",
    "LocalBackend",
    "NestedReference",
    "Provider",
    "Resource",
    "S3Backend",
    "SchemaLookupError",
    "TerraformIterator",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
    "Token",
    "add_dependencies",
    "add_warning",
    "aws",
    "element_class",
    "google",
    "is_unresolved",
    "provider_schema",
]
