"""Answering data source reads offline: per-cloud known readers over generic typed fakes.

A cloud (``aws_fakes``, ``google_fakes``) describes its fake account (settings taken from the
provider block), how its identifiers look, and readers for the data sources whose values the
stacks actually compute with (an AMI id, a policy JSON, zone names). Everything a reader leaves
out is filled by ``FakeValues``. Only attributes the configuration left null are ever filled, so a
result always agrees with its configuration; a reader may fill an optional one the way the real
provider does (``google_project.project_id`` defaults to the provider's project). A lookup of an
object another stack deployed is answered first from the deployed objects
(``fleetform.check.deployed_objects``), when the offline cloud has any.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fleetform.check.deployed_objects import deployed_object
from fleetform.check.fake_values import FakeValues, NamedString
from fleetform.check.schema_values import Block, is_unknown, with_computed_filled

Settings = Mapping[str, str]


class ReadError(ValueError):
    """A data source read the real provider would fail: ``summary`` is its diagnostic's summary."""

    summary = "Error reading data source"
# (data source configuration, provider settings) -> values for some of its computed attributes.
Reader = Callable[[dict[str, Any], Settings], dict[str, Any]]


@dataclass(frozen=True)
class CloudFakes:
    """How one cloud's offline provider makes up what it would otherwise read from the cloud."""

    defaults: Settings
    named_string: Callable[[Settings], NamedString]
    readers: Mapping[str, Reader] = field(default_factory=dict)
    identities: Mapping[str, Reader] = field(default_factory=dict)
    """Per resource type, the computed attributes the real provider derives from its configuration (a
    resource ``id`` in the format other stacks spell it), applied instead of fakes."""

    def settings(self, provider_config: Mapping[str, Any] | None) -> dict[str, str]:
        """The defaults, overridden by whatever the provider block sets to a known string."""
        settings = dict(self.defaults)
        for key in self.defaults:
            value = (provider_config or {}).get(key)
            if isinstance(value, str) and value:
                settings[key] = value
        return settings

    def read(self, type_name: str, block: Block, config: dict[str, Any], settings: Settings) -> dict[str, Any]:
        """The state of one data source: its configuration with every computed null filled in."""
        state = dict(config)
        attributes = block.get("attributes", {})
        for name, value in (deployed_object(type_name, config, settings.get("region")) or {}).items():
            if name in attributes and state.get(name) is None and _plain(attributes[name].get("type"), value):
                state[name] = value
        reader = self.readers.get(type_name)
        if reader is not None:
            attributes = block.get("attributes", {})
            for name, value in reader(config, settings).items():
                if name in attributes and state.get(name) is None:
                    state[name] = value
        fake = FakeValues(type_name, config, self.named_string(settings))
        return with_computed_filled(block, state, fake)


PRIMITIVES: Mapping[str, tuple[type, ...]] = {"string": (str,), "number": (int, float), "bool": (bool,)}


def _plain(cty_type: Any, value: Any) -> bool:
    """Whether ``value`` is a primitive, or a list, set or map of primitives, of ``cty_type``: a deployed
    resource's attribute a data source of the same name can carry (nested objects, and attributes whose
    shape differs between a resource and its data source, are left to the fakes)."""
    def primitive(kind: Any, item: Any) -> bool:
        return isinstance(kind, str) and kind in PRIMITIVES and isinstance(item, PRIMITIVES[kind]) \
            and not (kind == "number" and isinstance(item, bool))

    if value is None or primitive(cty_type, value):
        return True
    if not (isinstance(cty_type, list) and len(cty_type) == 2):
        return False
    collection, element = cty_type
    if collection in ("list", "set"):
        return isinstance(value, list) and all(primitive(element, item) for item in value)
    return collection == "map" and isinstance(value, dict) and all(primitive(element, item) for item in value.values())


def known(config: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """A configuration value, or ``default`` when it is null or unknown."""
    value = config.get(name)
    return default if value is None or is_unknown(value) else value

