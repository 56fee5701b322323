"""Finding and reading the synthesized stacks of a cdktf output folder.

cdktf writes ``<out>/stacks/<stack>/cdk.tf.json``; a single stack folder (holding
``cdk.tf.json``) is accepted too. Anything else is bad input, reported with where it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleetform.errors import FleetformError, Problem, ProblemCollector, display_path

STACK_FILE = "cdk.tf.json"


@dataclass(frozen=True)
class Stack:
    """One synthesized stack: its name, its file, the exact text and the parsed configuration."""

    name: str
    file: Path
    text: str
    config: dict[str, Any]


def find_stack_files(out_dir: Path) -> list[Path]:
    """The stack files under a cdktf output folder (or the one in a stack folder), sorted by stack name."""
    if not out_dir.is_dir():
        raise FleetformError.single(
            "check/missing-dir",
            display_path(out_dir),
            f"{display_path(out_dir)} is not a directory",
            fix="run `cdktf synth` (or `fleetform synth`) first, or pass the cdktf output folder, e.g. cdktf.out",
        )
    if (out_dir / STACK_FILE).is_file():
        return [out_dir / STACK_FILE]
    files = sorted((out_dir / "stacks").glob(f"*/{STACK_FILE}"))
    if not files:
        raise FleetformError.single(
            "check/no-stacks",
            display_path(out_dir),
            f"no synthesized stacks in {display_path(out_dir)}",
            allowed=f"a cdktf output folder with stacks/<stack>/{STACK_FILE}, or a folder holding {STACK_FILE}",
            fix="run `cdktf synth` (or `fleetform synth`) first",
        )
    return files


def load_stacks(files: list[Path]) -> list[Stack]:
    """Read every stack file, reporting all unreadable or malformed ones together."""
    problems = ProblemCollector()
    stacks = []
    for file in files:
        try:
            stacks.append(load_stack(file))
        except FleetformError as error:
            problems.extend(error)
    problems.raise_if_any()
    return stacks


def load_stack(file: Path) -> Stack:
    """One stack file; its name is its folder's name, as cdktf lays them out."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FleetformError.single("check/unreadable-stack", display_path(file),
                                    f"cannot read the stack file: {error}") from error
    return parse_stack(file.parent.name, file, text)


def parse_stack(name: str, file: Path, text: str) -> Stack:
    """A stack from its text; malformed JSON is reported at ``file:line:column``."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise FleetformError(
            Problem(
                "check/malformed-json",
                f"{display_path(file)}:{error.lineno}:{error.colno}",
                f"the stack file is not valid JSON: {error.msg}",
                fix="re-run synth; if the file was edited by hand, fix the JSON at that position",
            )
        ) from None
    if not isinstance(config, dict):
        raise FleetformError.single(
            "check/malformed-json",
            f"{display_path(file)}:1:1",
            f"the stack file must hold a JSON object (a Terraform configuration), not {type(config).__name__}",
        )
    return Stack(name=name, file=file, text=text, config=config)
