"""Text placed in a Terraform string verbatim: its template sequences escaped."""

from __future__ import annotations


def terraform_literal(text: str) -> str:
    """``text`` escaped for a Terraform string (``${`` -> ``$${``, ``%{`` -> ``%%{``), for GCP metadata values.

    Terraform reads ``${...}`` and ``%{...}`` in any string as template expressions; a boot script is
    full of bash ``${var}``. Everything else, ``$$`` and lone ``$`` included, Terraform keeps as is.
    """
    return text.replace("${", "$${").replace("%{", "%%{")
