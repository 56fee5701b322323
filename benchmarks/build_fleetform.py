"""The benchmark workload built with fleetform's typed layer (``fleetform.tf``)."""

from __future__ import annotations

from typing import Any

from workload import Ref, StackSpec

from fleetform.tf import App, Construct, LocalBackend, TerraformStack, aws, element_class, google

PROVIDERS = {"aws": aws.AwsProvider, "google": google.GoogleProvider}


def build(outdir: str, stack_specs: list[StackSpec]) -> App:
    app = App(outdir=outdir)
    for spec in stack_specs:
        stack = TerraformStack(app, spec.name)
        LocalBackend(stack, path="terraform.tfstate")
        PROVIDERS[spec.cloud](stack, spec.cloud, **spec.provider_arguments)
        for app_name, resources in spec.apps.items():
            scope = Construct(stack, app_name)
            built: dict[str, Any] = {}
            for resource in resources:
                cls = element_class(resource.type_name)
                lifecycle = {"create_before_destroy": True} if resource.create_before_destroy else None
                arguments = _resolve(resource.arguments, built)
                built[resource.construct_id] = cls(scope, resource.construct_id, lifecycle=lifecycle, **arguments)  # type: ignore[call-arg]
    return app


def _resolve(value: Any, built: dict[str, Any]) -> Any:
    if isinstance(value, Ref):
        return getattr(built[value.construct_id], value.attribute)
    if isinstance(value, dict):
        return {key: _resolve(item, built) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, built) for item in value]
    return value
