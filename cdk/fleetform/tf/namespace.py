"""The typed classes of one provider, created on first use from the pinned schema.

``fleetform.tf.aws`` (resources and the provider block) and ``fleetform.tf.aws.data`` (data
sources) are modules whose attributes come from here: ``aws.AutoscalingGroup`` is a
:class:`~fleetform.tf.resource.Resource` subclass for ``aws_autoscaling_group``, made once and
cached. Their generated ``.pyi`` stubs declare the same names with full signatures for editors and
type checkers; the names of nested-block dict types resolve to ``dict`` at run time.
"""

from __future__ import annotations

import functools
import types
from typing import Any

from fleetform.errors import Problem
from fleetform.tf.naming import block_dict_names, element_class_name, provider_class_name
from fleetform.tf.provider import Provider
from fleetform.tf.resource import DataSource, Resource, SchemaElement
from fleetform.tf.schema import ElementKind, SchemaLookupError, provider_schema, unknown_type_error


class ProviderNamespace:
    """The classes of one provider for one kind of element, looked up by Python name."""

    def __init__(self, provider_name: str, kind: ElementKind):
        self.provider_name = provider_name
        self.kind: ElementKind = kind
        self.module_name = f"fleetform.tf.{provider_name}" + ("" if kind == "resource" else ".data")
        self._classes: dict[str, type] = {}

    @functools.cached_property
    def _types_by_class_name(self) -> dict[str, str]:
        schema = provider_schema(self.provider_name)
        return {element_class_name(self.provider_name, type_name): type_name for type_name in schema.types(self.kind)}

    @functools.cached_property
    def _block_dict_names(self) -> frozenset[str]:
        schema = provider_schema(self.provider_name)
        taken = frozenset(self.class_names())
        names: set[str] = set()
        for class_name, type_name in self._types_by_class_name.items():
            names.update(block_dict_names(class_name, schema.block(self.kind, type_name), taken).values())
        if self.kind == "resource":
            provider_class = provider_class_name(self.provider_name)
            names.update(block_dict_names(provider_class, schema.provider_block(), taken).values())
        return frozenset(names)

    def class_names(self) -> list[str]:
        """The public class names, sorted (the provider block class first for resources)."""
        names = sorted(self._types_by_class_name)
        return [provider_class_name(self.provider_name), *names] if self.kind == "resource" else names

    def attribute(self, name: str) -> Any:
        """The module attribute ``name``: a typed class, ``dict`` for a block dict type, or an error.

        Raises:
            SchemaLookupError: ``tf/unknown-resource-type`` (also an ``AttributeError``).
        """
        if name.startswith("_"):
            raise AttributeError(f"module {self.module_name!r} has no attribute {name!r}")
        if name not in self._classes:
            self._classes[name] = self._make_class(name)
        return self._classes[name]

    def element_class(self, type_name: str) -> type[SchemaElement]:
        """The class of Terraform type ``type_name`` (``aws_launch_template``)."""
        schema = provider_schema(self.provider_name)
        if type_name not in schema.types(self.kind):
            raise unknown_type_error(schema, self.kind, type_name, where=type_name)
        cls: type[SchemaElement] = self.attribute(element_class_name(self.provider_name, type_name))
        return cls

    def _make_class(self, name: str) -> type:
        if self.kind == "resource" and name == provider_class_name(self.provider_name):
            return self._subclass(name, Provider, {"provider_name": self.provider_name})
        type_name = self._types_by_class_name.get(name)
        if type_name is not None:
            base = Resource if self.kind == "resource" else DataSource
            return self._subclass(name, base, {"provider_name": self.provider_name, "terraform_type": type_name})
        if name in self._block_dict_names:
            return dict
        raise self._unknown(name)

    def _subclass(self, name: str, base: type, attributes: dict[str, Any]) -> type:
        what = attributes.get("terraform_type", f"provider {self.provider_name}")
        body = {
            **attributes,
            "__module__": self.module_name,
            "__qualname__": name,
            "__doc__": f"``{what}``, checked against the pinned schema (arguments: see the .pyi stub).",
        }
        return types.new_class(name, (base,), exec_body=lambda namespace: namespace.update(body))

    def _unknown(self, name: str) -> SchemaLookupError:
        other_kind: ElementKind = "data source" if self.kind == "resource" else "resource"
        other = namespace_for(self.provider_name, other_kind)
        where = f"{self.module_name}.{name}"
        if name in other._types_by_class_name:
            return SchemaLookupError(
                Problem(
                    "tf/unknown-resource-type",
                    where,
                    f"{name} is a {other.kind} type of the {self.provider_name} provider, not a {self.kind} type",
                    fix=f"use {other.module_name}.{name}",
                )
            )
        schema = provider_schema(self.provider_name)
        return unknown_type_error(schema, self.kind, name, where=where, choices=self.class_names())


@functools.cache
def namespace_for(provider_name: str, kind: ElementKind) -> ProviderNamespace:
    """The one namespace of ``provider_name``'s resources (``kind="resource"``) or data sources."""
    return ProviderNamespace(provider_name, kind)


def element_class(type_name: str, kind: ElementKind = "resource") -> type[SchemaElement]:
    """The typed class of a Terraform type given by its Terraform name (``aws_launch_template``).

    For code that picks types at run time; static code uses ``aws.LaunchTemplate``.

    Raises:
        SchemaLookupError: ``tf/unknown-resource-type`` for a type the pinned schemas do not have.
        FleetformError: ``schema/unknown-provider`` for a prefix with no pinned provider.
    """
    return namespace_for(type_name.split("_", 1)[0], kind).element_class(type_name)
