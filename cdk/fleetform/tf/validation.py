"""Check a resource's arguments against its block schema, the way Terraform will.

Every finding names the element (``aws_autoscaling_group``) and the argument with its nested path
as the user wrote it (``mixed_instances_policy.launch_template.override[1].instance_typ``); the
caller adds where it is (the construct path). Values Terraform only knows at plan time (references,
function calls) skip the type check, but their argument must still exist.

Codes (stable, public):

- ``tf/unknown-attribute``: no argument or block of that name (top level or nested).
- ``tf/computed-only``: the provider sets this attribute; configuration cannot.
- ``tf/wrong-type``: the value does not convert to the attribute's type, or a block is not a dict.
- ``tf/missing-required``: a required argument is not set.
- ``tf/missing-block``: a block with ``min_items`` >= 1 is absent.
- ``tf/too-few-blocks`` / ``tf/too-many-blocks``: block count outside ``min_items``..``max_items``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fleetform.errors import FleetformError, Problem, did_you_mean, format_choices, near_matches
from fleetform.tf.schema import Attribute, Block, NestedBlock
from fleetform.tf.value_types import describe_value, find_mismatch, is_reference


@dataclass(frozen=True)
class Finding:
    """One problem with an argument; becomes a :class:`fleetform.errors.Problem` once located."""

    code: str
    message: str
    allowed: str | None = None
    fix: str | None = None


@dataclass
class ArgumentReport:
    """What checking one element's arguments found: problems, and deprecated arguments in use."""

    findings: list[Finding] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)

    def raise_if_findings(self, where: Callable[[], str]) -> None:
        """Raise every finding at once, located by ``where()`` (only called when there are findings)."""
        if self.findings:
            location = where()
            raise FleetformError([Problem(f.code, location, f.message, f.allowed, f.fix) for f in self.findings])


def check_arguments(block: Block, arguments: Mapping[str, Any], *, subject: str) -> ArgumentReport:
    """Check ``arguments`` (Python names and values, ``None`` meaning unset) against ``block``.

    ``subject`` names the element in messages: ``aws_autoscaling_group``, ``provider aws``.
    """
    report = ArgumentReport()
    _BlockChecker(subject, report).check(block, arguments, prefix="")
    return report


@dataclass
class _BlockChecker:
    subject: str
    report: ArgumentReport

    def check(self, block: Block, arguments: Mapping[str, Any], *, prefix: str) -> None:
        for name, value in arguments.items():
            if value is None:
                continue
            path = prefix + name
            if name in block.attributes:
                self._check_attribute(block.attributes[name], value, path)
            elif name in block.blocks:
                continue  # counted and checked below, with the absent blocks
            else:
                self._unknown(block, name, path)
        for name, attribute in block.attributes.items():
            if attribute.required and arguments.get(name) is None:
                self._missing(name, prefix)
        for name, nested in block.blocks.items():
            self._check_nested(nested, arguments.get(name), prefix + name)

    def _add(self, code: str, message: str, *, allowed: str | None = None, fix: str | None = None) -> None:
        self.report.findings.append(Finding(code, f"{self.subject}: {message}", allowed, fix))

    def _unknown(self, block: Block, name: str, path: str) -> None:
        choices = block.argument_names
        self._add(
            "tf/unknown-attribute",
            f"unknown argument {path!r}{did_you_mean(name, choices)}",
            allowed=None if near_matches(name, choices) else format_choices(choices),
        )

    def _missing(self, name: str, prefix: str) -> None:
        where = f"to the {prefix[:-1]!r} block" if prefix else "to the constructor"
        self._add("tf/missing-required", f"required argument {prefix + name!r} is missing",
                  fix=f"pass {name}=... {where}")

    def _check_attribute(self, attribute: Attribute, value: Any, path: str) -> None:
        if attribute.computed_only:
            self._add(
                "tf/computed-only",
                f"{path!r} is computed by the provider and cannot be set",
                fix=f"remove it; to use its value, reference it as an attribute (.{attribute.name})",
            )
            return
        mismatch = find_mismatch(attribute.type, value)
        if mismatch and mismatch.unknown_key is not None:
            self._add(
                "tf/unknown-attribute",
                f"unknown attribute {path + mismatch.path!r} in an object value"
                + did_you_mean(mismatch.unknown_key, mismatch.choices),
                allowed=format_choices(mismatch.choices),
            )
        elif mismatch and mismatch.missing:
            self._add(
                "tf/wrong-type",
                f"{path + mismatch.path!r} ({mismatch.expected}) is missing: "
                "Terraform's object type needs every attribute",
                fix="give an empty value ('', [] or false) for the attributes you do not use",
            )
        elif mismatch:
            self._add("tf/wrong-type",
                      f"{path + mismatch.path!r} must be {mismatch.expected}, got {describe_value(mismatch.value)}")
        if attribute.deprecated:
            self.report.deprecated.append(path)

    def _check_nested(self, nested: NestedBlock, value: Any, path: str) -> None:
        if is_reference(value):
            return  # a dynamic block or reference: Terraform knows the count
        items = self._items(nested, value, path)
        if items is None:
            return
        self._check_count(nested, len(items), path)
        if items and nested.block.deprecated:
            self.report.deprecated.append(path)
        for suffix, item in items:
            if is_reference(item):
                continue
            if not isinstance(item, Mapping):
                self._add("tf/wrong-type",
                          f"each {path!r} block must be a dict of its arguments, got {describe_value(item)}")
                continue
            self.check(nested.block, item, prefix=f"{path}{suffix}.")

    def _items(self, nested: NestedBlock, value: Any, path: str) -> list[tuple[str, Any]] | None:
        """The blocks given, each with its path suffix; None (after a finding) if the shape is wrong."""
        if value is None:
            return []
        if nested.nesting == "map":
            if isinstance(value, Mapping):
                return [(f"[{json.dumps(label)}]", item) for label, item in value.items()]
            self._add("tf/wrong-type", f"{path!r} must be a dict of blocks by label, got {describe_value(value)}")
            return None
        if isinstance(value, Mapping):
            return [("", value)]
        if isinstance(value, (list, tuple)):
            return [(f"[{index}]", item) for index, item in enumerate(value)]
        shape = "a dict of its arguments" if nested.is_single else "a list of dicts (one per block)"
        self._add("tf/wrong-type", f"block {path!r} must be {shape}, got {describe_value(value)}")
        return None

    def _check_count(self, nested: NestedBlock, count: int, path: str) -> None:
        limit = nested.limit
        if count == 0 and nested.min_items > 0:
            self._add(
                "tf/missing-block",
                f"block {path!r} is required (at least {nested.min_items}), none given",
                fix=f"pass {nested.name}={{...}}",
            )
        elif count < nested.min_items:
            self._add("tf/too-few-blocks", f"{path!r} needs at least {nested.min_items} blocks, {count} given")
        elif limit is not None and count > limit:
            self._add("tf/too-many-blocks",
                      f"{path!r} allows at most {limit} block{'s' if limit > 1 else ''}, {count} given")
