"""The benchmark workload built the usual cdktf way: the prebuilt provider packages.

``cdktf-cdktf-provider-aws==21.22.1`` and ``cdktf-cdktf-provider-google==16.12.1`` (the ``bench``
extra). Nested blocks become the packages' struct classes (``AutoscalingGroupMixedInstancesPolicy``
and so on), found by the packages' own naming rule, as a cdktf user would write them by hand.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from cdktf import App, LocalBackend, TerraformResourceLifecycle, TerraformStack, Token
from constructs import Construct
from workload import Ref, StackSpec

PACKAGES = {"aws": "cdktf_cdktf_provider_aws", "google": "cdktf_cdktf_provider_google"}


def build(outdir: str, stack_specs: list[StackSpec]) -> App:
    app = App(outdir=outdir)
    for spec in stack_specs:
        stack = TerraformStack(app, spec.name)
        LocalBackend(stack, path="terraform.tfstate")
        provider_module = importlib.import_module(f"{PACKAGES[spec.cloud]}.provider")
        getattr(provider_module, f"{_pascal(spec.cloud)}Provider")(stack, spec.cloud, **spec.provider_arguments)
        for app_name, resources in spec.apps.items():
            scope = Construct(stack, app_name)
            built: dict[str, Any] = {}
            for resource in resources:
                short_name = resource.type_name.split("_", 1)[1]
                module = importlib.import_module(f"{PACKAGES[spec.cloud]}.{short_name}")
                class_name = _pascal(short_name)
                arguments = _struct_arguments(module, class_name, resource.arguments, built)
                lifecycle = (TerraformResourceLifecycle(create_before_destroy=True)
                             if resource.create_before_destroy else None)
                built[resource.construct_id] = getattr(module, class_name)(scope, resource.construct_id,
                                                                           lifecycle=lifecycle, **arguments)
    return app


def _struct_arguments(module: ModuleType, owner: str, arguments: dict[str, Any],
                      built: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in arguments.items():
        struct_name = owner + _pascal(key)
        struct = getattr(module, struct_name, None)
        if struct is not None and isinstance(value, dict):
            result[key] = struct(**_struct_arguments(module, struct_name, value, built))
        elif struct is not None and isinstance(value, list):
            result[key] = [struct(**_struct_arguments(module, struct_name, item, built)) for item in value]
        else:
            result[key] = _resolve(value, built)
    return result


def _resolve(value: Any, built: dict[str, Any]) -> Any:
    if isinstance(value, Ref):
        return Token.as_string(getattr(built[value.construct_id], value.attribute))
    if isinstance(value, list):
        return [_resolve(item, built) for item in value]
    return value


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))
