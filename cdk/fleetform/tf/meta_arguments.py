"""Terraform's meta-arguments (``depends_on``, ``lifecycle``, ``provider``, ``count``, ``for_each``).

They are checked like ordinary arguments (unknown ``lifecycle`` keys, ``ignore_changes`` naming
an attribute the resource does not have, a provider of the wrong kind) and handed to the
framework, which writes them into the resource's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

from fleetform.errors import did_you_mean, format_choices
from fleetform.tf._framework import (
    TerraformElement,
    TerraformIterator,
    TerraformProvider,
    TerraformResource,
    is_unresolved,
)
from fleetform.tf.schema import Block
from fleetform.tf.validation import ArgumentReport, Finding
from fleetform.tf.value_types import describe_value


class Lifecycle(TypedDict, total=False):
    """A resource's ``lifecycle`` block.

    Attributes:
        create_before_destroy: create the replacement before destroying the old object.
        prevent_destroy: refuse any plan that would destroy the object.
        ignore_changes: arguments (top-level names or paths) whose drift Terraform ignores, or ``"all"``.
        replace_triggered_by: resources, or their addresses (``"aws_launch_template.x.id"``), whose
            change replaces this one.
    """

    create_before_destroy: bool
    prevent_destroy: bool
    ignore_changes: Sequence[str] | Literal["all"]
    replace_triggered_by: Sequence[str | TerraformResource]


_LIFECYCLE_KEYS = {
    "create_before_destroy": "createBeforeDestroy",
    "prevent_destroy": "preventDestroy",
    "ignore_changes": "ignoreChanges",
    "replace_triggered_by": "replaceTriggeredBy",
}


def meta_argument_config(
    report: ArgumentReport,
    block: Block,
    *,
    subject: str,
    provider_name: str,
    depends_on: Sequence[TerraformElement] | None = None,
    lifecycle: Lifecycle | None = None,
    provider: TerraformProvider | None = None,
    count: float | str | None = None,
    for_each: TerraformIterator | None = None,
) -> dict[str, Any]:
    """The framework's (camelCase) config for the given meta-arguments; problems go to ``report``."""
    checker = _MetaChecker(report, subject)
    config: dict[str, Any] = {}
    if depends_on is not None:
        config["dependsOn"] = checker.depends_on(depends_on)
    if lifecycle is not None:
        config["lifecycle"] = checker.lifecycle(lifecycle, block)
    if provider is not None:
        config["provider"] = checker.provider(provider, provider_name)
    if count is not None and for_each is not None:
        checker.add("tf/conflicting-meta-arguments", "count and for_each cannot both be set", fix="keep one of them")
    if count is not None:
        config["count"] = checker.count(count)
    if for_each is not None:
        config["forEach"] = checker.for_each(for_each)
    return config


class _MetaChecker:
    def __init__(self, report: ArgumentReport, subject: str):
        self.report = report
        self.subject = subject

    def add(self, code: str, message: str, *, allowed: str | None = None, fix: str | None = None) -> None:
        self.report.findings.append(Finding(code, f"{self.subject}: {message}", allowed, fix))

    def depends_on(self, depends_on: Sequence[TerraformElement]) -> list[TerraformElement]:
        if isinstance(depends_on, (str, Mapping)) or not isinstance(depends_on, Sequence):
            self.add("tf/wrong-type",
                     f"depends_on must be a list of resources or data sources, got {describe_value(depends_on)}")
            return []
        for index, item in enumerate(depends_on):
            if not isinstance(item, TerraformElement):
                self.add(
                    "tf/wrong-type",
                    f"depends_on[{index}] must be a resource or data source object, got {describe_value(item)}",
                    fix="pass the construct itself, not its name",
                )
        return list(depends_on)

    def lifecycle(self, lifecycle: Lifecycle, block: Block) -> dict[str, Any]:
        if not isinstance(lifecycle, Mapping):
            self.add("tf/wrong-type", f"lifecycle must be a dict, got {describe_value(lifecycle)}")
            return {}
        config: dict[str, Any] = {}
        for key, value in lifecycle.items():
            if key not in _LIFECYCLE_KEYS:
                self.add(
                    "tf/unknown-attribute",
                    f"unknown lifecycle argument {key!r}{did_you_mean(key, _LIFECYCLE_KEYS)}",
                    allowed=format_choices(_LIFECYCLE_KEYS),
                )
            elif key == "replace_triggered_by" and value is not None:
                config[_LIFECYCLE_KEYS[key]] = self._replace_triggers(value)
            elif value is not None:
                self._lifecycle_value(key, value, block)
                config[_LIFECYCLE_KEYS[key]] = list(value) if isinstance(value, (list, tuple)) else value
        return config

    def _lifecycle_value(self, key: str, value: Any, block: Block) -> None:
        if key in ("create_before_destroy", "prevent_destroy"):
            if not isinstance(value, bool) and not is_unresolved(value):
                self.add("tf/wrong-type", f"lifecycle.{key} must be a bool, got {describe_value(value)}")
        elif key == "ignore_changes":
            self._ignore_changes(value, block)

    def _ignore_changes(self, value: Any, block: Block) -> None:
        if value == "all":
            return
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add("tf/wrong-type", "lifecycle.ignore_changes must be a list of argument names or 'all', "
                                      f"got {describe_value(value)}")
            return
        for index, path in enumerate(value):
            name = str(path).split(".")[0].split("[")[0]
            if name not in block.referable_names:
                self.add(
                    "tf/unknown-attribute",
                    f"lifecycle.ignore_changes[{index}] names unknown argument {path!r}"
                    + did_you_mean(name, block.argument_names),
                )

    def _replace_triggers(self, value: Any) -> list[str]:
        """Bare resource addresses: Terraform's JSON syntax reads them as references, not ``${…}`` templates."""
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add("tf/wrong-type", f"lifecycle.replace_triggered_by must be a list, got {describe_value(value)}")
            return []
        addresses: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, TerraformResource):
                addresses.append(f"{item.terraform_resource_type}.{item.friendly_unique_id}")
            elif isinstance(item, str) and not is_unresolved(item):
                addresses.append(item)
            else:
                self.add(
                    "tf/wrong-type",
                    f"lifecycle.replace_triggered_by[{index}] must be a resource or its address, "
                    f"got {describe_value(item)}",
                    fix="pass the resource object, or write its address (\"aws_launch_template.x.id\")",
                )
        return addresses

    def provider(self, provider: TerraformProvider, provider_name: str) -> TerraformProvider:
        if not isinstance(provider, TerraformProvider):
            self.add("tf/wrong-provider", f"provider must be a provider block, got {type(provider).__name__}")
            return provider
        given = getattr(provider, "provider_name", provider.terraform_resource_type)
        if given != provider_name:
            self.add(
                "tf/wrong-provider",
                f"provider must be a block of the {provider_name} provider, "
                f"got one of the {given} provider ({type(provider).__name__})",
                fix=f"pass the {provider_name} provider block this resource should use (e.g. an aliased one)",
            )
        return provider

    def count(self, count: float | str) -> float | str:
        if is_unresolved(count):
            return count
        if isinstance(count, bool) or not isinstance(count, (int, float)) or not float(count).is_integer() or count < 0:
            self.add("tf/wrong-type", f"count must be a whole number >= 0 or a reference, got {describe_value(count)}")
        return count

    def for_each(self, for_each: TerraformIterator) -> TerraformIterator:
        if not isinstance(for_each, TerraformIterator):
            self.add(
                "tf/wrong-type",
                f"for_each must be an iterator (TerraformIterator.from_list/from_map), got {describe_value(for_each)}",
            )
        return for_each


def add_dependencies(element: TerraformResource, dependencies: Sequence[TerraformResource]) -> None:
    """Adds ``dependencies`` to ``element``'s ``depends_on`` after it was created.

    For a construct that must make every resource under it wait for others it did not create (the
    GCP shared stack waits for its project's APIs). Written as the constructor's ``depends_on``
    writes them: ``"<type>.<logical id>"``, not a ``${…}`` reference.
    """
    names = [f"{dependency.terraform_resource_type}.{dependency.friendly_unique_id}" for dependency in dependencies]
    element.depends_on = sorted(set(element.depends_on or []) | set(names))
