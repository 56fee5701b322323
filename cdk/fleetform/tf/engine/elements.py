"""The Terraform elements of fleetform's own engine: resources, data sources, providers, backends, outputs.

Each renders the JSON fragment cdktf's element of the same name renders (``toTerraform`` in cdktf's
``terraform-resource.ts``, ``terraform-provider.ts``, ``terraform-backend.ts``, ``terraform-output.ts``),
with the same logical ids, ``//`` metadata and snake-cased meta-arguments, so a stack synthesizes to
the same bytes on either engine. References are plain Terraform expressions (``${aws_lb.x.arn}``)
from the start: the logical id is known as soon as the element is in the tree, so nothing is left
to resolve at synth time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from fleetform.tf.engine.merge import deep_merge, keys_to_snake_case
from fleetform.tf.engine.references import ListReference, MapReference, NumberReference
from fleetform.tf.engine.tree import Construct


class TerraformElement(Construct):
    """Anything that renders into a stack's JSON; its logical id comes from its path below the stack."""

    def __init__(self, scope: Construct, id: str, element_type: str | None = None) -> None:
        super().__init__(scope, id)
        self._element_type = element_type
        self._logical_id_override: str | None = None
        self._friendly_unique_id: str | None = None
        self.raw_overrides: dict[str, Any] = {}

    @property
    def cdktf_stack(self) -> Any:
        """The stack this element belongs to."""
        from fleetform.tf.engine.synthesis import TerraformStack

        return TerraformStack.of(self)

    @property
    def friendly_unique_id(self) -> str:
        """The logical id: the element's name in Terraform (``region_Asg_1A2B3C4D``)."""
        if self._friendly_unique_id is None:
            if self._logical_id_override is not None:
                self._friendly_unique_id = self._logical_id_override
            else:
                self._friendly_unique_id = self.cdktf_stack.get_logical_id(self)
        return self._friendly_unique_id

    def override_logical_id(self, new_logical_id: str) -> None:
        """Use ``new_logical_id`` instead of the generated one."""
        self._logical_id_override = new_logical_id
        self._friendly_unique_id = None

    def reset_override_logical_id(self) -> None:
        """Use the generated logical id again."""
        self._logical_id_override = None
        self._friendly_unique_id = None

    @property
    def fqn(self) -> str:
        """A reference to the element itself (``${aws_lb.region_Lb_1A2B3C4D}``)."""
        return "${" + self._address() + "}"

    def _address(self) -> str:
        if self._element_type is None:
            raise ValueError(f"{self.node.path}: this element cannot be referenced")
        return f"{self._element_type}.{self.friendly_unique_id}"

    def add_override(self, path: str, value: Any) -> None:
        """Set ``path`` (dot-separated) in the element's JSON to ``value``, whatever the element rendered there."""
        set_path(self.raw_overrides, path, value)

    def to_terraform(self) -> dict[str, Any]:
        """The element's fragment of the stack's JSON."""
        return {}

    def to_metadata(self) -> dict[str, Any]:
        """What the element adds to the stack's ``//`` metadata."""
        return {}

    def _node_metadata(self) -> dict[str, Any]:
        return {"metadata": {"path": self.node.path, "uniqueId": self.friendly_unique_id}}


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """``addOverride``'s path semantics: each dot-separated part an object (a non-object is replaced)."""
    parts = path.split(".")
    current = target
    for key in parts[:-1]:
        if not isinstance(current.get(key), dict):
            current[key] = {}
        current = current[key]
    current[parts[-1]] = value


def _address_of(dependency: Any) -> str:
    """How ``depends_on`` names an element: its address, without ``${…}``."""
    if isinstance(dependency, str):
        return dependency.removeprefix("${").removesuffix("}")
    address: str = dependency._address()
    return address


class _ReferableElement(TerraformElement):
    """What resources and data sources share: meta-arguments, references, the ``//`` path metadata."""

    _block: str
    _address_prefix: str

    def __init__(self, scope: Construct, id: str, config: Mapping[str, Any]) -> None:
        resource_type = config["terraformResourceType"]
        super().__init__(scope, id, f"{self._address_prefix}{resource_type}")
        self.terraform_resource_type: str = resource_type
        self.terraform_generator_metadata: Mapping[str, Any] | None = config.get("terraformGeneratorMetadata")
        dependencies = config.get("dependsOn")
        self.depends_on: list[str] | None = (
            [_address_of(dependency) for dependency in dependencies] if isinstance(dependencies, list) else None)
        self.count: Any = config.get("count")
        self.provider: Any = config.get("provider")
        self.lifecycle: Mapping[str, Any] | None = config.get("lifecycle")
        self.for_each: Any = config.get("forEach")

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return {}

    def interpolation_for_attribute(self, terraform_attribute: str) -> str:
        """``${<address>.<attribute>}``."""
        return "${" + f"{self._address()}.{terraform_attribute}" + "}"

    get_string_attribute = interpolation_for_attribute
    get_boolean_attribute = interpolation_for_attribute

    def get_number_attribute(self, terraform_attribute: str) -> NumberReference:
        """The reference as a float (for number arguments)."""
        return NumberReference(self.interpolation_for_attribute(terraform_attribute))

    def get_list_attribute(self, terraform_attribute: str) -> ListReference:
        """The reference as a list (for list and set arguments)."""
        return ListReference(self.interpolation_for_attribute(terraform_attribute))

    def get_string_map_attribute(self, terraform_attribute: str) -> MapReference:
        """The reference as a dict (for map arguments)."""
        return MapReference(self.interpolation_for_attribute(terraform_attribute))

    get_number_list_attribute = get_list_attribute
    get_number_map_attribute = get_string_map_attribute
    get_boolean_map_attribute = get_string_map_attribute
    get_any_map_attribute = get_string_map_attribute

    @property
    def terraform_meta_arguments(self) -> dict[str, Any]:
        """The meta-arguments as cdktf writes them (before snake-casing)."""
        if self.for_each is not None and self.count is not None:
            raise ValueError(f"forEach and count are both set, but they are mutually exclusive ({self.node.path})")
        return {
            "dependsOn": self.depends_on,
            "count": self.count,
            "provider": None if self.provider is None else self.provider.fqn,
            "lifecycle": _lifecycle(self.lifecycle),
            "forEach": self.for_each,
        }

    def to_terraform(self) -> dict[str, Any]:
        attributes = deep_merge(dict(self._synthesize_attributes()),
                                keys_to_snake_case(self.terraform_meta_arguments), self.raw_overrides)
        attributes["//"] = {**attributes.get("//", {}), **self._node_metadata()}
        return {self._block: {self.terraform_resource_type: {self.friendly_unique_id: attributes}}}

    def to_metadata(self) -> dict[str, Any]:
        if not self.raw_overrides:
            return {}
        return {"overrides": {self.terraform_resource_type: list(self.raw_overrides)}}


def _lifecycle(lifecycle: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not lifecycle:
        return None if lifecycle is None else {}
    rendered = dict(lifecycle)
    triggers = lifecycle.get("replaceTriggeredBy")
    if triggers:
        rendered["replaceTriggeredBy"] = [item if isinstance(item, str) else item.fqn for item in triggers]
    return rendered


class TerraformResource(_ReferableElement):
    """A managed resource (``resource "<type>" "<logical id>"``)."""

    _block = "resource"
    _address_prefix = ""


class TerraformDataSource(_ReferableElement):
    """A data source (``data "<type>" "<logical id>"``)."""

    _block = "data"
    _address_prefix = "data."


class TerraformProvider(TerraformElement):
    """A provider block; it also pins the provider in ``required_providers``."""

    def __init__(self, scope: Construct, id: str, config: Mapping[str, Any]) -> None:
        super().__init__(scope, id)
        self.terraform_resource_type: str = config["terraformResourceType"]
        self.terraform_generator_metadata: Mapping[str, Any] | None = config.get("terraformGeneratorMetadata")
        self.terraform_provider_source: str | None = config.get("terraformProviderSource")

    @property
    def alias(self) -> str | None:
        """The block's alias (subclasses keep it)."""
        return None

    @property
    def fqn(self) -> str:
        """How resources name this block in ``provider =``: ``aws`` or ``aws.<alias>``."""
        alias = self.alias
        return self.terraform_resource_type if alias is None else f"{self.terraform_resource_type}.{alias}"

    @property
    def meta_attributes(self) -> dict[str, Any]:
        """``alias``, when set."""
        alias = self.alias
        return {} if alias is None else {"alias": alias}

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return {}

    def to_terraform(self) -> dict[str, Any]:
        metadata = self.terraform_generator_metadata or {}
        version = metadata.get("providerVersion") or metadata.get("providerVersionConstraint")
        block = deep_merge(keys_to_snake_case(dict(self._synthesize_attributes())), self.raw_overrides,
                           self.meta_attributes)
        return {
            "terraform": {"required_providers": {self.terraform_resource_type: {
                "version": version, "source": self.terraform_provider_source}}},
            "provider": {self.terraform_resource_type: [block]},
        }

    def to_metadata(self) -> dict[str, Any]:
        if not self.raw_overrides:
            return {}
        return {"overrides": {self.terraform_resource_type: list(self.raw_overrides)}}


class TerraformBackend(TerraformElement):
    """Where a stack keeps its state (``terraform { backend "<name>" {…} }``); its construct id is ``backend``."""

    def __init__(self, scope: Construct, name: str, props: Mapping[str, Any]) -> None:
        super().__init__(scope, "backend")
        self.name = name
        self._props = {key: value for key, value in props.items() if value is not None}

    def to_terraform(self) -> dict[str, Any]:
        return {"terraform": {"backend": {self.name: deep_merge(keys_to_snake_case(dict(self._props)),
                                                                self.raw_overrides)}}}

    def to_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {"backend": self.name}
        if self.raw_overrides:
            metadata["overrides"] = {"backend": list(self.raw_overrides)}
        return metadata


class LocalBackend(TerraformBackend):
    """State in a local file; without ``path``, ``terraform.<stack>.tfstate`` in the working directory."""

    def __init__(self, scope: Construct, *, path: str | None = None, workspace_dir: str | None = None) -> None:
        from fleetform.tf.engine.synthesis import TerraformStack

        stack_id = TerraformStack.of(scope).node.id
        super().__init__(scope, "local", {
            "path": path or os.path.join(os.getcwd(), f"terraform.{stack_id}.tfstate"),
            "workspace_dir": workspace_dir,
        })


class S3Backend(TerraformBackend):
    """State in an S3 bucket; the arguments are the backend's own (snake_case)."""

    def __init__(self, scope: Construct, **props: Any) -> None:
        super().__init__(scope, "s3", props)


class GcsBackend(TerraformBackend):
    """State in a GCS bucket; the arguments are the backend's own (snake_case)."""

    def __init__(self, scope: Construct, **props: Any) -> None:
        super().__init__(scope, "gcs", props)


class TerraformOutput(TerraformElement):
    """An output value of the stack; ``static_id=True`` keeps the construct id as the output's name."""

    def __init__(self, scope: Construct, id: str, *, value: Any, description: str | None = None,
                 sensitive: bool | None = None, depends_on: Sequence[TerraformElement] | None = None,
                 static_id: bool | None = None) -> None:
        super().__init__(scope, id)
        self.value = value
        self.description = description
        self.sensitive = sensitive
        self.depends_on = depends_on
        if static_id:
            self.override_logical_id(self.node.id)

    @property
    def static_id(self) -> bool:
        """Whether the output's name is its construct id."""
        return self.friendly_unique_id == self.node.id

    def to_terraform(self) -> dict[str, Any]:
        attributes = {
            "value": _output_value(self.value),
            "description": self.description,
            "sensitive": self.sensitive,
            "depends_on": None if self.depends_on is None else [element.fqn for element in self.depends_on],
        }
        return {"output": {self.friendly_unique_id: deep_merge(attributes, self.raw_overrides)}}

    def to_metadata(self) -> dict[str, Any]:
        return {"overrides": {"output": list(self.raw_overrides)}} if self.raw_overrides else {}


def _output_value(value: Any) -> Any:
    if isinstance(value, TerraformElement):
        return value.fqn
    if isinstance(value, (list, tuple)):
        return [_output_value(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _output_value(item) for key, item in value.items()}
    return value
