"""Answering data source reads offline: per-cloud known readers over generic typed fakes.

A cloud (``aws_fakes``, ``google_fakes``) describes its fake account (settings taken from the
provider block), how its identifiers look, and readers for the data sources whose values the
stacks actually compute with (an AMI id, a policy JSON, zone names). Everything a reader leaves
out is filled by ``FakeValues``. Only attributes the configuration left null are ever filled, so a
result always agrees with its configuration; a reader may fill an optional one the way the real
provider does (``google_project.project_id`` defaults to the provider's project).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
        reader = self.readers.get(type_name)
        if reader is not None:
            attributes = block.get("attributes", {})
            for name, value in reader(config, settings).items():
                if name in attributes and state.get(name) is None:
                    state[name] = value
        fake = FakeValues(type_name, config, self.named_string(settings))
        return with_computed_filled(block, state, fake)


def known(config: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """A configuration value, or ``default`` when it is null or unknown."""
    value = config.get(name)
    return default if value is None or is_unknown(value) else value

