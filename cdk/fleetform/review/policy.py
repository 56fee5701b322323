"""The review policy: which risk is denied, which warns, and the thresholds the cost rules use.

A policy is a small TOML file (``--policy FILE``); every key is optional and the defaults below apply
to what it leaves out::

    [thresholds]
    usd_at_max_increase_percent = 20    # warn when an app's (or the platform's) $/h at max grows more
    gpus_at_max_increase_percent = 20

    [rules]                              # rule = "deny" | "warn" | "info" | "off"
    replace-serving-group = "deny"
    public-auth = "deny"

    [opt_in]
    public_apps = ["transcriber"]        # apps that may become public without a deny

Exit codes follow from the findings: 2 when any is denied, 1 when any warns and the caller asked to
fail on warnings, else 0.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fleetform.errors import FleetformError, Problem, did_you_mean, display_path, format_choices, where_toml

Severity = Literal["deny", "warn", "info", "off"]
SEVERITIES: tuple[Severity, ...] = ("deny", "warn", "info", "off")

RULES: Mapping[str, tuple[Severity, str]] = {
    "replace-serving-group": ("deny", "an instance group serving an app is deleted or replaced, not rolled: "
                                      "its runners stop at once"),
    "public-auth": ("deny", "an app becomes public (anyone on the internet can call it) without an opt-in"),
    "auth-widened": ("warn", "an app admits more callers than before (private -> shared)"),
    "recreate-rollout": ("warn", "a change rolls out with deployment_strategy = recreate: every runner is "
                                 "replaced at once"),
    "scale-to-zero": ("warn", "an app that kept runners warm now scales to zero (cold starts)"),
    "region-dropped": ("warn", "an app stops serving in a cloud region"),
    "app-removed": ("warn", "an app is removed from the platform"),
    "stack-removed": ("warn", "a stack is no longer synthesized: `cdktf deploy` leaves it and what it runs in place "
                              "until `cdktf destroy` of it"),
    "cost-at-max-up": ("warn", "$/h at max grows by more than the threshold"),
    "gpus-at-max-up": ("warn", "GPUs at max grow by more than the threshold"),
    "price-unknown": ("warn", "the catalog has no price for an instance type the change deploys"),
    "scale-settings-kept": ("warn", "scaling numbers changed, but app_scale_settings = false keeps the running "
                                    "group's values"),
    "resource-replaced": ("warn", "Terraform replaces a template, load balancer, listener, registry, secret, "
                                  "bucket or state resource"),
    "resource-deleted": ("warn", "Terraform deletes a template, load balancer, listener, registry, secret, "
                                 "bucket or state resource"),
    "drift": ("warn", "resources were changed outside Terraform since the last apply"),
}
"""Every rule, with its default severity and what it means."""

DEFAULT_INCREASE_PERCENT = 20.0


@dataclass(frozen=True)
class Policy:
    """Severities per rule, cost thresholds and opt-ins; :data:`DEFAULT_POLICY` when no file is given."""

    severities: Mapping[str, Severity] = field(default_factory=lambda: {k: v[0] for k, v in RULES.items()})
    usd_at_max_increase_percent: float = DEFAULT_INCREASE_PERCENT
    gpus_at_max_increase_percent: float = DEFAULT_INCREASE_PERCENT
    public_apps: frozenset[str] = frozenset()
    source: str = "default policy"

    def severity(self, rule: str) -> Severity:
        return self.severities[rule]


DEFAULT_POLICY = Policy()

_TOP_KEYS = ("opt_in", "rules", "thresholds")
_THRESHOLDS = ("gpus_at_max_increase_percent", "usd_at_max_increase_percent")
_OPT_INS = ("public_apps",)


def load_policy(path: Path) -> Policy:
    """The policy in ``path``; every problem in it at once, each with its key path (bad input)."""
    where = display_path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FleetformError.single("review/unreadable-policy", where, f"cannot read the policy: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise FleetformError.single("review/malformed-policy", where, f"not valid TOML: {error}") from None
    problems: list[Problem] = []
    for key in document:
        if key not in _TOP_KEYS:
            problems.append(_unknown(path, (key,), key, _TOP_KEYS))
    severities = dict(DEFAULT_POLICY.severities)
    for rule, severity in _table(document, "rules", path, problems).items():
        if rule not in RULES:
            problems.append(_unknown(path, ("rules", rule), rule, RULES))
        elif severity not in SEVERITIES:
            problems.append(Problem("review/bad-policy-value", where_toml(path, "rules", rule),
                                    f"severity {severity!r} is not one of the severities",
                                    allowed=format_choices(SEVERITIES)))
        else:
            severities[rule] = severity
    thresholds = {name: getattr(DEFAULT_POLICY, name) for name in _THRESHOLDS}
    for name, value in _table(document, "thresholds", path, problems).items():
        if name not in _THRESHOLDS:
            problems.append(_unknown(path, ("thresholds", name), name, _THRESHOLDS))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(Problem("review/bad-policy-value", where_toml(path, "thresholds", name),
                                    f"{value!r} is not a percentage", allowed="a number >= 0, e.g. 20"))
        else:
            thresholds[name] = float(value)
    public_apps: list[str] = []
    for name, value in _table(document, "opt_in", path, problems).items():
        if name not in _OPT_INS:
            problems.append(_unknown(path, ("opt_in", name), name, _OPT_INS))
        elif not isinstance(value, list) or not all(isinstance(app, str) for app in value):
            problems.append(Problem("review/bad-policy-value", where_toml(path, "opt_in", name),
                                    f"{value!r} is not a list of app names", allowed='e.g. ["transcriber"]'))
        else:
            public_apps = value
    if problems:
        raise FleetformError(problems)
    return Policy(severities, thresholds["usd_at_max_increase_percent"], thresholds["gpus_at_max_increase_percent"],
                  frozenset(public_apps), where)


def _table(document: Mapping[str, object], key: str, path: Path, problems: list[Problem]) -> Mapping[str, object]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        problems.append(Problem("review/bad-policy-value", where_toml(path, key), f"{key} must be a table",
                                allowed=f"[{key}] with keys"))
        return {}
    return value


def _unknown(path: Path, key_path: tuple[str, ...], name: str, allowed: Iterable[str]) -> Problem:
    choices = list(allowed)
    return Problem("review/unknown-policy-key", where_toml(path, *key_path),
                   f"unknown key {name!r}{did_you_mean(name, choices)}", allowed=format_choices(choices))
