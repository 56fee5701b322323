"""Placing Terraform's diagnostics in the stack: file position, Terraform address, construct path."""

from __future__ import annotations

import re
from typing import Any

from fleetform.check.report import Diagnostic
from fleetform.check.source_map import Block, enclosing_block, named_blocks
from fleetform.check.stacks import STACK_FILE, Stack
from fleetform.check.terraform_output import TerraformDiagnostic
from fleetform.errors import display_path
from fleetform.provider_schemas import PROVIDER_SOURCES

MISSING_PROVIDER = "Missing required provider"
_REQUIRED_PROVIDER = re.compile(r"requires provider (?:registry\.terraform\.io/)?([\w.-]+/[\w.-]+)")


def placed_diagnostics(stack: Stack, raw: list[TerraformDiagnostic]) -> tuple[Diagnostic, ...]:
    """Every diagnostic placed in ``stack``; one reported by both validate and plan appears once."""
    blocks = named_blocks(stack.text, stack.config, stack.name)
    placed: dict[Diagnostic, None] = {}
    for diagnostic in raw:
        placed[_place(stack, blocks, diagnostic)] = None
    return tuple(placed)


def _place(stack: Stack, blocks: list[Block], diagnostic: TerraformDiagnostic) -> Diagnostic:
    if diagnostic.summary == MISSING_PROVIDER:
        return _missing_provider(stack, blocks, diagnostic)
    position = diagnostic.position
    block = None
    where = display_path(stack.file)
    if position is not None and position.filename == STACK_FILE:
        where = f"{where}:{position.line}:{position.column}"
        block = enclosing_block(blocks, position.byte)
    elif position is not None:
        where = f"{position.filename}:{position.line}:{position.column}"
    if block is None and diagnostic.address:
        base_address = _base_address(diagnostic.address)
        block = next((candidate for candidate in blocks if candidate.address == base_address), None)
    return Diagnostic(
        severity=diagnostic.severity,
        summary=diagnostic.summary,
        detail=diagnostic.detail,
        where=where,
        address=block.address if block else diagnostic.address,
        construct_path=block.construct_path if block else None,
    )


def _missing_provider(stack: Stack, blocks: list[Block], diagnostic: TerraformDiagnostic) -> Diagnostic:
    """Terraform gives no position for a provider it cannot start: point at the first block using it."""
    match = _REQUIRED_PROVIDER.search(diagnostic.detail)
    source = match.group(1) if match else "?"
    local_name = _local_name(stack.config, source)
    users = sorted((block for block in blocks if _uses_provider(block, local_name)), key=lambda block: block.start)
    block = users[0] if users else None
    served = ", ".join(sorted(PROVIDER_SOURCES.values()))
    return Diagnostic(
        severity=diagnostic.severity,
        summary=diagnostic.summary,
        detail=(
            f"This configuration requires provider {source}, which the offline check does not serve "
            f"(it serves {served}). Remove its use, or check this stack with the real provider."
        ),
        where=f"{display_path(stack.file)}:{block.line}" if block else display_path(stack.file),
        address=block.address if block else None,
        construct_path=block.construct_path if block else None,
    )


def _local_name(config: dict[str, Any], source: str) -> str:
    required = config.get("terraform", {}).get("required_providers", {})
    for local, requirement in required.items():
        declared = requirement.get("source", "") if isinstance(requirement, dict) else ""
        if declared.lower().removeprefix("registry.terraform.io/") == source.lower():
            return local
    return source.rsplit("/", 1)[-1]


def _uses_provider(block: Block, local_name: str) -> bool:
    address = block.address.removeprefix("data.")
    return address.startswith(f"{local_name}_") or address == f"provider.{local_name}"


def _base_address(address: str) -> str:
    """``aws_instance.web[0]`` -> ``aws_instance.web``: the block an instance address comes from."""
    return re.sub(r"\[[^\]]*\]$", "", address)
