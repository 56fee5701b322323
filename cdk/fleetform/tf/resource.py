"""Resources and data sources checked against the pinned provider schemas when constructed.

A typed class per type (``aws.AutoscalingGroup``, ``google.data.ComputeImage``) is a subclass of
:class:`Resource` or :class:`DataSource` naming its provider and type; ``fleetform.tf.aws`` and
``fleetform.tf.google`` create them on first use (see :mod:`fleetform.tf.namespace`) and their
generated ``.pyi`` stubs give editors every argument. Construction checks all arguments and
meta-arguments at once and raises one :class:`~fleetform.errors.FleetformError` listing every
problem, located at the construct path; nothing is added to the construct tree then.

The arguments are written into the synthesized JSON by overriding the framework's
``synthesizeAttributes`` (no ``addOverride``, so no "overrides" metadata), in the shape cdktf's
prebuilt providers emit (see :mod:`fleetform.tf.rendering`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, cast

from fleetform.tf._framework import (
    CONSTRUCTOR_FRAMES,
    Construct,
    IConstruct,
    TerraformDataSource,
    TerraformElement,
    TerraformIterator,
    TerraformProvider,
    TerraformResource,
    construct_path,
    create_element,
)
from fleetform.tf.deprecation import warn_deprecated
from fleetform.tf.meta_arguments import Lifecycle, meta_argument_config
from fleetform.tf.references import reference
from fleetform.tf.rendering import render_arguments
from fleetform.tf.schema import Block, ElementKind, provider_schema
from fleetform.tf.validation import check_arguments

# Frames between the user's constructor call and ``warnings.warn``: the framework's (jsii's metaclass call),
# __init__, _build.
_USER_STACKLEVEL = CONSTRUCTOR_FRAMES + 2


class SchemaElement:
    """What resources and data sources share: the schema check, the JSON body, references.

    Subclasses set :attr:`provider_name` and :attr:`terraform_type`.
    """

    provider_name: ClassVar[str]
    terraform_type: ClassVar[str]
    element_kind: ClassVar[ElementKind]

    _attributes: dict[str, Any]
    _references: dict[str, Any]

    @classmethod
    def schema(cls) -> Block:
        """The pinned schema block of this element type."""
        return provider_schema(cls.provider_name).block(cls.element_kind, cls.terraform_type)

    @property
    def subject(self) -> str:
        """How messages name this element: its Terraform type."""
        return self.terraform_type

    def _build(
        self, scope: Construct, construct_id: str, arguments: Mapping[str, Any], meta: Mapping[str, Any],
        base_config: Mapping[str, Any],
    ) -> None:
        block = self.schema()
        report = check_arguments(block, arguments, subject=self.terraform_type)
        config = meta_argument_config(report, block, subject=self.terraform_type, provider_name=self.provider_name,
                                      **meta)
        report.raise_if_findings(lambda: construct_path(scope, construct_id))
        self._attributes = render_arguments(block, arguments)
        self._references = {}
        schema = provider_schema(self.provider_name)
        create_element(
            self,
            scope,
            construct_id,
            {
                **base_config,
                **config,
                "terraformGeneratorMetadata": {"providerName": self.provider_name, "providerVersion": schema.version},
            },
        )
        if report.deprecated:
            path = construct_path(scope, construct_id)
            warn_deprecated(cast(IConstruct, self), path, self.terraform_type, report.deprecated,
                            stacklevel=_USER_STACKLEVEL + 1)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: the framework's own members always win.
        if name.startswith("_"):
            raise AttributeError(name)
        return self.ref(name)

    def ref(self, name: str) -> Any:
        """A reference to attribute or block ``name`` (``resource.ref("arn")`` is ``resource.arn``).

        Use it for names that are also Python members of the framework's element class.

        Raises:
            SchemaLookupError: ``tf/unknown-reference`` when the type has no such attribute.
        """
        cache = self.__dict__.setdefault("_references", {})
        if name not in cache:
            cache[name] = reference(self, self.schema(), name, name)
        return cache[name]


class Resource(SchemaElement, TerraformResource):
    """A managed resource (``resource "aws_autoscaling_group" …``) checked against the pinned schema.

    Args:
        scope: the construct to add the resource to.
        construct_id: its id; part of the resource's Terraform address, so renaming replaces it.
        depends_on: resources or data sources to create first (beyond those it references).
        lifecycle: the ``lifecycle`` block, see :class:`~fleetform.tf.meta_arguments.Lifecycle`.
        provider: a non-default (aliased) provider block of the same provider.
        count: how many instances (references to this resource then need an index in Terraform).
        for_each: a ``TerraformIterator`` to create one instance per element.
        **arguments: the type's arguments and blocks by their Terraform names; a block is a dict,
            several blocks a list of dicts.

    Raises:
        FleetformError: every problem with the arguments, located at the construct path.
    """

    element_kind: ClassVar[ElementKind] = "resource"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        depends_on: Sequence[TerraformElement] | None = None,
        lifecycle: Lifecycle | None = None,
        provider: TerraformProvider | None = None,
        count: float | str | None = None,
        for_each: TerraformIterator | None = None,
        **arguments: Any,
    ) -> None:
        meta = {"depends_on": depends_on, "lifecycle": lifecycle, "provider": provider, "count": count,
                "for_each": for_each}
        self._build(scope, construct_id, arguments, meta, {"terraformResourceType": self.terraform_type})


class DataSource(SchemaElement, TerraformDataSource):
    """A data source (``data "aws_ssm_parameter" …``) checked against the pinned schema.

    Takes the same arguments as :class:`Resource`, without ``lifecycle``.
    """

    element_kind: ClassVar[ElementKind] = "data source"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        depends_on: Sequence[TerraformElement] | None = None,
        provider: TerraformProvider | None = None,
        count: float | str | None = None,
        for_each: TerraformIterator | None = None,
        **arguments: Any,
    ) -> None:
        meta = {"depends_on": depends_on, "provider": provider, "count": count, "for_each": for_each}
        self._build(scope, construct_id, arguments, meta, {"terraformResourceType": self.terraform_type})
