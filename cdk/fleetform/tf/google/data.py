"""Google Cloud data sources (hashicorp/google), checked against the pinned schema.

Signatures, for editors and type checkers, are in the generated ``data.pyi`` beside this file.
"""

from __future__ import annotations

from fleetform.tf.namespace import namespace_for

_NAMESPACE = namespace_for("google", "data source")
__getattr__ = _NAMESPACE.attribute


def __dir__() -> list[str]:
    return _NAMESPACE.class_names()
