"""Where things are inside a synthesized ``cdk.tf.json``: blocks by byte range, construct paths.

Terraform reports a diagnostic as a byte range in the file it read. The check hands Terraform
the stack's own bytes (only the backend blanked out, every offset kept), so a range maps
straight back to the stack file, and from there to the enclosing block (``resource``,
``data``, ``output``, ``provider``...) and the construct path cdktf recorded for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NOT_NEWLINE = re.compile(r"[^\n]")
_DECODER = json.JSONDecoder()

# Top-level keys whose members are named blocks, and how deep their names go:
# resource.<type>.<name>, data.<type>.<name>, output.<name>, ...
_BLOCK_DEPTH = {"resource": 2, "data": 2, "output": 1, "variable": 1, "module": 1, "locals": 1, "provider": 1}
# Terraform settings a local check must not use: they would reach a remote backend or need ``init``.
_REMOTE_SETTINGS = ("backend", "cloud")


@dataclass(frozen=True)
class Block:
    """A named block of the configuration and what a user needs to find it."""

    address: str  # aws_autoscaling_group.web_asg, data.aws_ami.gpu, output.url, provider.aws
    construct_path: str | None
    start: int
    end: int
    line: int


def object_members(text: str, start: int) -> list[tuple[str, int, int, int]]:
    """The members of the JSON object at character ``start``: ``(key, key_start, value_start, value_end)``."""
    members: list[tuple[str, int, int, int]] = []
    index = _skip(text, start)
    if text[index] != "{":
        return members
    index = _skip(text, index + 1)
    if text[index] == "}":
        return members
    while True:
        key_start = index
        key, index = _DECODER.raw_decode(text, index)  # a member's key: a JSON string
        index = _skip(text, _skip(text, index) + 1)  # past ':'
        value_start = index
        _, value_end = _DECODER.raw_decode(text, value_start)
        members.append((key, key_start, value_start, value_end))
        index = _skip(text, value_end)
        if text[index] == "}":
            return members
        index = _skip(text, index + 1)  # past ','


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def without_remote_settings(text: str) -> str:
    """``text`` with ``terraform.backend`` and ``terraform.cloud`` blanked out, every other offset unchanged.

    The member (and one neighbouring comma) is overwritten with spaces, newlines kept, so line,
    column and byte positions of everything else stay what they are in the stack file.
    """
    root = object_members(text, 0)
    for key, _, value_start, _ in root:
        if key != "terraform":
            continue
        settings = object_members(text, value_start)
        for position, (name, member_start, _, member_end) in reversed(list(enumerate(settings))):
            if name in _REMOTE_SETTINGS:
                start, end = _member_span_with_comma(text, settings, position, member_start, member_end)
                text = text[:start] + _NOT_NEWLINE.sub(" ", text[start:end]) + text[end:]
                settings = object_members(text, value_start)
    return text


def _member_span_with_comma(
    text: str, members: list[tuple[str, int, int, int]], position: int, start: int, end: int
) -> tuple[int, int]:
    if position + 1 < len(members):  # a comma follows: blank up to the next key
        return start, members[position + 1][1]
    if position > 0:  # the last member: blank from the end of the previous value
        return members[position - 1][3], end
    return start, end


def named_blocks(text: str, config: dict[str, Any], stack_name: str) -> list[Block]:
    """Every named block of the configuration with its byte range, address and construct path.

    A resource or data source type with a single block also gets a block for the whole type
    (Terraform places "Invalid resource type" on the type's key, outside the named block).
    Construct paths start at the stack name cdktf recorded, else at ``stack_name``.
    """
    root = config.get("//", {}).get("metadata", {}).get("stackName") or stack_name
    encoded = _ByteOffsets(text)
    blocks = []
    for key, _, value_start, _ in object_members(text, 0):
        depth = _BLOCK_DEPTH.get(key)
        if depth is None:
            continue
        for names, start, end in _named_spans(text, value_start, depth):
            blocks.append(
                Block(
                    address=_address(key, names),
                    construct_path=_construct_path(config, key, names, root),
                    start=encoded.byte(start),
                    end=encoded.byte(end),
                    line=text.count("\n", 0, start) + 1,
                )
            )
    return blocks


def _named_spans(text: str, start: int, depth: int) -> list[tuple[tuple[str, ...], int, int]]:
    spans: list[tuple[tuple[str, ...], int, int]] = []
    for key, key_start, value_start, value_end in object_members(text, start):
        if key == "//":
            continue
        if depth == 1:
            spans.append(((key,), key_start, value_end))
            continue
        below = [((key, *names), s, e) for names, s, e in _named_spans(text, value_start, depth - 1)]
        if len(below) == 1:
            spans.append((below[0][0], key_start, value_end))
        spans.extend(below)
    return spans


def _address(kind: str, names: tuple[str, ...]) -> str:
    if kind == "resource":
        return ".".join(names)
    if kind == "locals":
        return f"local.{names[0]}"
    if kind == "variable":
        return f"var.{names[0]}"
    return ".".join((kind, *names))


def _construct_path(config: dict[str, Any], kind: str, names: tuple[str, ...], stack_name: str) -> str | None:
    if kind in ("resource", "data"):
        body = config.get(kind, {}).get(names[0], {}).get(names[1], {})
        metadata = body.get("//", {}).get("metadata", {}) if isinstance(body, dict) else {}
        return metadata.get("path")
    if kind == "output":
        return _output_construct_path(config, names[0], stack_name)
    return None


def _output_construct_path(config: dict[str, Any], output_name: str, stack_name: str) -> str | None:
    """cdktf records outputs as ``"//": {"outputs": {stack: {construct id: {... : output name}}}}``."""
    tree = config.get("//", {}).get("outputs", {}).get(stack_name)
    found = _find_leaf(tree, output_name)
    return "/".join((stack_name, *found)) if found is not None else None


def _find_leaf(tree: Any, leaf: str) -> tuple[str, ...] | None:
    if not isinstance(tree, dict):
        return None
    for key, value in tree.items():
        if value == leaf:
            return (key,)
        below = _find_leaf(value, leaf)
        if below is not None:
            return (key, *below)
    return None


def enclosing_block(blocks: list[Block], byte_offset: int) -> Block | None:
    """The innermost named block whose range holds ``byte_offset``."""
    holding = [block for block in blocks if block.start <= byte_offset < block.end]
    return min(holding, key=lambda block: block.end - block.start, default=None)


class _ByteOffsets:
    """Character offsets to UTF-8 byte offsets (they differ once a file has non-ASCII text)."""

    def __init__(self, text: str):
        self._text = text
        self._ascii = text.isascii()

    def byte(self, index: int) -> int:
        return index if self._ascii else len(self._text[:index].encode("utf-8"))
