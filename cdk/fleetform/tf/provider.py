"""Provider blocks (``provider "aws" { … }``) checked against the pinned provider-block schemas.

Each provider block also pins its provider in ``required_providers`` to the exact release the
schemas were taken from (``hashicorp/aws`` 6.47.0, ``hashicorp/google`` 6.50.0), so Terraform
validates against the same schema fleetform checked. A second block of the same provider needs an
``alias``; pass that block as ``provider=`` to the resources that should use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from fleetform.tf._framework import (
    CONSTRUCTOR_FRAMES,
    Construct,
    TerraformProvider,
    construct_path,
    create_element,
)
from fleetform.tf.deprecation import warn_deprecated
from fleetform.tf.rendering import render_arguments
from fleetform.tf.schema import provider_schema
from fleetform.tf.validation import Finding, check_arguments
from fleetform.tf.value_types import describe_value

_ALIAS = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Frames between the user's constructor call and ``warnings.warn``: the framework's (jsii's metaclass call)
# and __init__.
_USER_STACKLEVEL = CONSTRUCTOR_FRAMES + 1


class Provider(TerraformProvider):
    """A provider block; subclasses (``aws.AwsProvider``, ``google.GoogleProvider``) name the provider.

    Args:
        scope: the stack to configure the provider in.
        construct_id: its construct id.
        alias: the block's alias; required for every block of a provider after the first.
        **arguments: the provider's arguments by their Terraform names (``region``,
            ``default_tags={"tags": {...}}``, ``project``, ...).

    Raises:
        FleetformError: every problem with the arguments, located at the construct path.
    """

    provider_name: ClassVar[str]

    def __init__(self, scope: Construct, construct_id: str, /, *, alias: str | None = None, **arguments: Any) -> None:
        schema = provider_schema(self.provider_name)
        subject = f"provider {self.provider_name}"
        report = check_arguments(schema.provider_block(), arguments, subject=subject)
        if alias is not None and not (isinstance(alias, str) and _ALIAS.fullmatch(alias)):
            report.findings.append(
                Finding("tf/wrong-type",
                        f"{subject}: alias must be a name (letters, digits, _ and -), got {describe_value(alias)}")
            )
        report.raise_if_findings(lambda: construct_path(scope, construct_id))
        # cdktf's prebuilt providers write every block of a provider block as a list; so does fleetform.
        self._attributes = render_arguments(schema.provider_block(), arguments, single_blocks_as_objects=False)
        self._alias = alias
        create_element(
            self,
            scope,
            construct_id,
            {
                "terraformResourceType": self.provider_name,
                "terraformProviderSource": schema.source,
                "terraformGeneratorMetadata": {"providerName": self.provider_name, "providerVersion": schema.version},
            },
        )
        if report.deprecated:
            warn_deprecated(self, construct_path(scope, construct_id), subject, report.deprecated,
                            stacklevel=_USER_STACKLEVEL + 1)

    @property
    def alias(self) -> str | None:
        """The block's alias, or None for the provider's default block."""
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes
