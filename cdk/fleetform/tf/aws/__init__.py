"""AWS resources and the ``provider "aws"`` block (hashicorp/aws), checked against the pinned schema.

``from fleetform.tf import aws`` then ``aws.<Type>(scope, "Id", argument=...)``; data sources are in
``aws.data``. The classes are made on first use (see :mod:`fleetform.tf.namespace`); their
signatures, for editors and type checkers, are in the generated ``__init__.pyi`` beside this file.
"""

from __future__ import annotations

from fleetform.tf.aws import data as data
from fleetform.tf.namespace import namespace_for

_NAMESPACE = namespace_for("aws", "resource")
__getattr__ = _NAMESPACE.attribute


def __dir__() -> list[str]:
    return ["data", *_NAMESPACE.class_names()]
