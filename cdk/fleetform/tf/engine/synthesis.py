"""``App`` and ``TerraformStack`` of fleetform's own engine, and the synthesis that writes ``cdktf.out``.

``App.synth()`` writes what cdktf's ``App.synth()`` writes, byte for byte: per stack
``stacks/<stack>/cdk.tf.json`` (every element's fragment merged in tree order, the stack's ``//``
metadata and output map, its overrides) and ``manifest.json`` (each stack's paths, dependencies and
annotations), as ``json-stable-stringify`` lays them out. Like cdktf it adds a local backend to a stack
that has none, refuses resources whose provider has no block in their stack, and stops on an error
annotation. What it leaves out is what fleetform never uses: cross-stack references, aspects, HCL
output, moved/import blocks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fleetform.tf.engine.elements import (
    LocalBackend,
    TerraformBackend,
    TerraformDataSource,
    TerraformElement,
    TerraformOutput,
    TerraformProvider,
    TerraformResource,
    set_path,
)
from fleetform.tf.engine.merge import deep_merge
from fleetform.tf.engine.stable_json import stringify
from fleetform.tf.engine.tree import Construct, make_unique_id, walk

# The cdktf release whose output this engine writes (``version`` in every stack and the manifest).
CDKTF_VERSION = "0.21.0"
MANIFEST_FILE = "manifest.json"
STACKS_FOLDER = "stacks"
STACK_FILE = "cdk.tf.json"
STACK_METADATA_FILE = "metadata.json"
ANNOTATION_LEVELS = ("@cdktf/info", "@cdktf/warn", "@cdktf/error")
_ERROR_LEVEL = "@cdktf/error"
_GLOB_CHARACTERS = "*?[]{}!"
_WHITESPACE = re.compile(r"\s")


class App(Construct):
    """The root of the tree; ``synth()`` writes every stack below it to ``outdir``."""

    def __init__(self, *, outdir: str | None = None, context: Mapping[str, Any] | None = None,
                 skip_validation: bool | None = None, stack_traces: bool | None = None,
                 skip_backend_validation: bool | None = None) -> None:
        super().__init__(None, "")
        self.outdir = outdir or os.environ.get("CDKTF_OUTDIR") or "cdktf.out"
        self.skip_validation = bool(skip_validation)
        self.context: dict[str, Any] = {**(context or {}), "cdktfVersion": CDKTF_VERSION}
        Path(self.outdir).mkdir(exist_ok=True)
        (Path(self.outdir) / STACKS_FOLDER).mkdir(exist_ok=True)

    @staticmethod
    def of(construct: Construct) -> App:
        """The app ``construct`` belongs to."""
        root = construct.node.root
        if not isinstance(root, App):
            raise ValueError(f"No app could be identified for the construct at path '{construct.node.path}'")
        return root

    def synth(self) -> None:
        """Write every stack's ``cdk.tf.json`` and the manifest."""
        stacks = [construct for construct in walk(self) if isinstance(construct, TerraformStack)]
        for stack in stacks:
            stack.ensure_backend_exists()
        manifest: dict[str, Any] = {}
        for stack in stacks:
            manifest[stack.node.id] = stack._synthesize(Path(self.outdir), validate=not self.skip_validation)
        Path(self.outdir, MANIFEST_FILE).write_text(stringify({"version": CDKTF_VERSION, "stacks": manifest}),
                                                     encoding="utf-8")


class TerraformStack(Construct):
    """One Terraform configuration (one state): ``stacks/<id>/cdk.tf.json``."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        for character in _GLOB_CHARACTERS:
            if character in id:
                raise ValueError(f"Stack name '{id}' contains '{character}', which is not allowed in stack names")
        if _WHITESPACE.search(id):
            raise ValueError(f"Stack name '{id}' contains whitespace, which is not allowed in stack names")
        self.dependencies: list[TerraformStack] = []
        self._raw_overrides: dict[str, Any] = {}

    @staticmethod
    def of(construct: Construct) -> TerraformStack:
        """The stack ``construct`` belongs to."""
        for scope in reversed(construct.node.scopes):
            if isinstance(scope, TerraformStack):
                return scope
        raise ValueError(f"No stack could be identified for the construct at path '{construct.node.path}'")

    def add_override(self, path: str, value: Any) -> None:
        """Set ``path`` (dot-separated) of the stack's JSON to ``value``."""
        set_path(self._raw_overrides, path, value)

    def add_dependency(self, dependency: TerraformStack) -> None:
        """Deploy ``dependency`` before this stack (the manifest's ``dependencies``)."""
        if dependency.depends_on(self):
            raise ValueError(f"Cannot add dependency from {self.node.path} to {dependency.node.path}: "
                             "it would create a circular dependency")
        if dependency not in self.dependencies:
            self.dependencies.append(dependency)

    def depends_on(self, stack: TerraformStack) -> bool:
        """Whether this stack depends on ``stack``, directly or not."""
        return stack in self.dependencies or any(item.depends_on(stack) for item in self.dependencies)

    def get_logical_id(self, element: TerraformElement) -> str:
        """cdktf's logical id of ``element``: from its path below this stack."""
        scopes = element.node.scopes
        below = scopes[scopes.index(self) + 1:]
        return make_unique_id([scope.node.id for scope in below]) if below else ""

    def ensure_backend_exists(self) -> TerraformBackend:
        """The stack's backend; a local one (``terraform.<stack>.tfstate`` in the working directory) if it has none."""
        for construct in walk(self):
            if isinstance(construct, TerraformBackend):
                return construct
        return LocalBackend(self)

    def to_terraform(self) -> dict[str, Any]:
        """The stack's Terraform JSON, as cdktf's ``toTerraform`` builds it."""
        elements = list(_elements(self))
        metadata: dict[str, Any] = {"version": CDKTF_VERSION, "stackName": self.node.id, "backend": "local"}
        if self._raw_overrides:
            metadata["overrides"] = {"stack": list(self._raw_overrides)}
        for element in elements:
            deep_merge(metadata, element.to_metadata())
        outputs: dict[str, Any] = {}
        for element in elements:
            if isinstance(element, TerraformOutput):
                branch: dict[str, Any] = {}
                for part in reversed(element.node.path.split("/")):
                    branch = {part: branch or element.friendly_unique_id}
                deep_merge(outputs, branch)
        tf: dict[str, Any] = {"//": {"metadata": metadata, "outputs": outputs}}
        for element in elements:
            deep_merge(tf, element.to_terraform())
        deep_merge(tf, self._raw_overrides)
        return tf

    def _synthesize(self, outdir: Path, *, validate: bool) -> dict[str, Any]:
        if validate:
            self._validate_provider_presence()
        name = self.node.id
        working_directory = f"{STACKS_FOLDER}/{name}"
        (outdir / working_directory).mkdir(exist_ok=True)
        annotations = [{"constructPath": construct.node.path, "level": entry.type, "message": entry.data}
                       for construct in walk(self) for entry in construct.node.metadata
                       if entry.type in ANNOTATION_LEVELS]
        errors = [annotation for annotation in annotations if annotation["level"] == _ERROR_LEVEL]
        if errors:
            listed = "\n".join(f"[{error['constructPath']}] {error['message']}" for error in errors)
            raise ValueError(f"Encountered Annotations with level \"ERROR\":\n{listed}")
        (outdir / working_directory / STACK_FILE).write_text(stringify(self.to_terraform()), encoding="utf-8")
        return {
            "name": name,
            "constructPath": self.node.path,
            "workingDirectory": working_directory,
            "synthesizedStackPath": f"{working_directory}/{STACK_FILE}",
            "stackMetadataPath": f"{working_directory}/{STACK_METADATA_FILE}",
            "annotations": annotations,
            "dependencies": [dependency.node.path for dependency in self.dependencies],
        }

    def _validate_provider_presence(self) -> None:
        needed: dict[str, None] = {}
        found: set[str] = set()
        for construct in walk(self):
            if isinstance(construct, (TerraformResource, TerraformDataSource)):
                provider = (construct.terraform_generator_metadata or {}).get("providerName")
                if provider and provider != "terraform":
                    needed[provider] = None
            elif isinstance(construct, TerraformProvider):
                found.add((construct.terraform_generator_metadata or {}).get("providerName", ""))
        missing = [name for name in needed if name not in found]
        if missing:
            raise ValueError(
                "Validation failed with the following errors:\n  "
                f"[{self.node.path}] Found resources without a matching provider construct. Please make sure to add "
                f"provider constructs [e.g. new RandomProvider(...)] to your stack '{self.node.id}' for the "
                f"following providers: {', '.join(missing)}")


def _elements(construct: Construct) -> Any:
    """The stack's elements in tree order, not descending into nested stacks."""
    if isinstance(construct, TerraformElement):
        yield construct
    for child in construct.node.children:
        if not isinstance(child, TerraformStack):
            yield from _elements(child)
