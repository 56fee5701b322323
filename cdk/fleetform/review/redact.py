"""Keeping secret values out of a review.

A review shows attribute values only where they explain a replacement. A value is never shown when
Terraform marks it sensitive (``before_sensitive``/``after_sensitive``), when its attribute name is on
the denylist (passwords, tokens, keys, credentials), or when it is a boot script (``user_data``,
``startup-script``): scripts are shown as their SHA-256 and length, never decoded. As a last guard the
finished text is scrubbed of the values of secret-looking environment variables of the process.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

SENSITIVE = "(sensitive)"
REDACTED = "(redacted)"

SCRIPT_NAMES = re.compile(r"(^|_|-)(user_data(_base64)?|startup[-_]script|metadata_startup_script)$", re.IGNORECASE)
DENYLIST = re.compile(
    r"(password|passwd|secret|token|private_key|api_key|access_key|credential|auth_key|client_key|"
    r"certificate_body|private_key_pem|secret_string|secret_data)", re.IGNORECASE)
SECRET_ENV_NAMES = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL)", re.IGNORECASE)
MIN_SCRUBBED_LENGTH = 6
"""Environment values shorter than this are too common to scrub without mangling ordinary text."""


def redact_value(value: Any, sensitive: Any, path: Sequence[Any]) -> Any:
    """``value`` as a review may show it: sensitive or denylisted values replaced, scripts hashed."""
    if _marked(sensitive):
        return SENSITIVE
    name = next((str(step) for step in reversed(path) if isinstance(step, str)), "")
    if SCRIPT_NAMES.search(name):
        return script_digest(value)
    if DENYLIST.search(name):
        return REDACTED if value is not None else None
    if isinstance(value, Mapping):
        by_key: Mapping[str, Any] = sensitive if isinstance(sensitive, Mapping) else {}
        return {key: redact_value(item, by_key.get(key), [*path, key]) for key, item in value.items()}
    if isinstance(value, list):
        by_index: list[Any] = sensitive if isinstance(sensitive, list) else []
        return [redact_value(item, by_index[i] if i < len(by_index) else None, [*path, i])
                for i, item in enumerate(value)]
    return value


def script_digest(value: Any) -> str | None:
    """A boot script as ``sha256:<12 hex> (<n> bytes)``: enough to see that it changed, nothing of its text."""
    if value is None:
        return None
    data = str(value).encode()
    return f"sha256:{hashlib.sha256(data).hexdigest()[:12]} ({len(data)} bytes)"


def scrub(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with the value of every secret-looking environment variable replaced by ``(redacted)``."""
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if SECRET_ENV_NAMES.search(name) and len(value) >= MIN_SCRUBBED_LENGTH and value in text:
            text = text.replace(value, REDACTED)
    return text


def _marked(sensitive: Any) -> bool:
    return sensitive is True
