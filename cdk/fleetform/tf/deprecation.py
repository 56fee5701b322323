"""Warnings for deprecated arguments: allowed, but said out loud in two places.

A deprecated argument (or block, or resource type) still works, so fleetform does not reject it.
It warns twice: a Python :class:`DeprecatedArgumentWarning` (visible by default, filterable with
``warnings.filterwarnings``, and turned into an error with ``-W error::fleetform.tf.DeprecatedArgumentWarning``),
and a warning annotation on the construct, which ``cdktf synth`` prints and writes into the
manifest.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from fleetform.tf._framework import IConstruct, add_warning


class DeprecatedArgumentWarning(UserWarning):
    """A deprecated argument, block or element type of the pinned provider schema is in use."""


def warn_deprecated(construct: IConstruct, path: str, subject: str, arguments: Sequence[str], *,
                    stacklevel: int) -> None:
    """Warn about each deprecated argument of ``subject`` that ``construct`` (at ``path``) sets."""
    for argument in arguments:
        message = f"{path}: {subject}: {argument!r} is deprecated in the pinned provider schema"
        warnings.warn(message, DeprecatedArgumentWarning, stacklevel=stacklevel + 1)
        add_warning(construct, message)
