"""The offline Terraform provider: the pinned aws/google schemas, served over plugin protocol v6.

Real Terraform launches it in place of ``hashicorp/aws`` or ``hashicorp/google`` (see
``fleetform.check.offline_terraform``) and does all the checking that matters itself: it decodes
the configuration against the served schemas (unknown arguments, wrong types, missing required
arguments, block counts) and evaluates every reference. The provider adds what only a provider
can: it rejects read-only attributes that are set, warns on deprecated ones, plans unset computed
attributes as unknown (inside nested blocks too), and answers data source reads with
deterministic fakes.

It also applies, into local state only: an apply makes every unknown known (from the now-known
configuration, else a deterministic fake of the attribute's type, seeded by the resource type,
its configuration and the attribute path), a refresh reads state back unchanged, and an update
plans exactly the proposed state, so a plan right after an apply plans no change and a changed
argument plans an in-place update. The pinned JSON schemas carry no ForceNew, so the provider
never asks for a replacement; Terraform still replaces for ``replace_triggered_by`` and ``-replace``.

Run as ``python -m fleetform.check.provider aws|google``; ``tf.runner`` does the go-plugin
handshake, TLS and gRPC serving.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import grpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc
from tf.utils import read_dynamic_value, to_dynamic_value

from fleetform.check.aws_fakes import AWS
from fleetform.check.data_sources import CloudFakes, ReadError
from fleetform.check.fake_values import FakeValues
from fleetform.check.google_fakes import GOOGLE
from fleetform.check.protocol_schema import schema_message
from fleetform.check.replacement import forcing_attributes
from fleetform.check.schema_values import (
    AttributePath,
    Block,
    is_read_only,
    is_unknown,
    set_attributes,
    with_computed_unknown,
    with_unknowns_resolved,
)
from fleetform.provider_schemas import PROVIDER_SOURCES, PROVIDER_VERSIONS, load_provider_schema, registry_address

CLOUDS: dict[str, CloudFakes] = {"aws": AWS, "google": GOOGLE}

READ_ONLY_SUMMARY = "Invalid Configuration for Read-Only Attribute"
DEPRECATED_SUMMARY = "Argument is deprecated"


class OfflineProviderServicer(rpc.ProviderServicer):
    """Answers Terraform's provider RPCs from one provider's pinned schema."""

    def __init__(self, name: str):
        schema = load_provider_schema(name)
        self._name = name
        self._cloud = CLOUDS[name]
        self._provider_block: Block = schema["provider"]["block"]
        self._resources: dict[str, Any] = schema["resource_schemas"]
        self._data_sources: dict[str, Any] = schema["data_source_schemas"]
        self._settings = self._cloud.settings(None)
        self._schema_response: pb.GetProviderSchema.Response | None = None

    # --- schema -------------------------------------------------------------------------------
    def GetMetadata(self, request: pb.GetMetadata.Request, context: grpc.ServicerContext) -> Any:
        return pb.GetMetadata.Response(
            server_capabilities=self._capabilities(),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=name) for name in sorted(self._resources)],
            data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=name) for name in sorted(self._data_sources)],
        )

    def GetProviderSchema(self, request: pb.GetProviderSchema.Request, context: grpc.ServicerContext) -> Any:
        if self._schema_response is None:
            empty = {"version": 0, "block": {}}
            self._schema_response = pb.GetProviderSchema.Response(
                provider=schema_message({"version": 0, "block": self._provider_block}),
                provider_meta=schema_message(empty),
                resource_schemas={name: schema_message(schema) for name, schema in self._resources.items()},
                data_source_schemas={name: schema_message(schema) for name, schema in self._data_sources.items()},
                server_capabilities=self._capabilities(),
            )
        return self._schema_response

    def GetFunctions(self, request: pb.GetFunctions.Request, context: grpc.ServicerContext) -> Any:
        return pb.GetFunctions.Response()

    @staticmethod
    def _capabilities() -> pb.ServerCapabilities:
        return pb.ServerCapabilities(get_provider_schema_optional=True, move_resource_state=True)

    # --- validation and configuration ---------------------------------------------------------
    def ValidateProviderConfig(self, request: pb.ValidateProviderConfig.Request, context: grpc.ServicerContext) -> Any:
        config = read_dynamic_value(request.config)
        return pb.ValidateProviderConfig.Response(diagnostics=self._config_diagnostics(self._provider_block, config))

    def ValidateResourceConfig(self, request: pb.ValidateResourceConfig.Request, context: grpc.ServicerContext) -> Any:
        block = self._resources[request.type_name]["block"]
        config = read_dynamic_value(request.config)
        return pb.ValidateResourceConfig.Response(diagnostics=self._config_diagnostics(block, config))

    def ValidateDataResourceConfig(
        self, request: pb.ValidateDataResourceConfig.Request, context: grpc.ServicerContext
    ) -> Any:
        block = self._data_sources[request.type_name]["block"]
        config = read_dynamic_value(request.config)
        return pb.ValidateDataResourceConfig.Response(diagnostics=self._config_diagnostics(block, config))

    def ConfigureProvider(self, request: pb.ConfigureProvider.Request, context: grpc.ServicerContext) -> Any:
        self._settings = self._cloud.settings(read_dynamic_value(request.config))
        return pb.ConfigureProvider.Response()

    def _config_diagnostics(self, block: Block, config: Any) -> list[pb.Diagnostic]:
        """Read-only attributes that are set (errors) and deprecated ones (warnings)."""
        diagnostics = []
        for path, attr in set_attributes(block, config):
            if is_read_only(attr):
                diagnostics.append(
                    _diagnostic(
                        pb.Diagnostic.ERROR,
                        READ_ONLY_SUMMARY,
                        f'"{path[-1]}" is computed by the provider and cannot be set in configuration. '
                        "Remove the argument, or reference the attribute instead.",
                        path,
                    )
                )
            elif attr.get("deprecated"):
                diagnostics.append(
                    _diagnostic(
                        pb.Diagnostic.WARNING,
                        DEPRECATED_SUMMARY,
                        f'"{path[-1]}" is deprecated in {PROVIDER_SOURCES[self._name]} '
                        f"{PROVIDER_VERSIONS[self._name]}; see the provider documentation for its replacement.",
                        path,
                    )
                )
        return diagnostics

    # --- planning and reading -----------------------------------------------------------------
    def PlanResourceChange(self, request: pb.PlanResourceChange.Request, context: grpc.ServicerContext) -> Any:
        prior = read_dynamic_value(request.prior_state)
        proposed = read_dynamic_value(request.proposed_new_state)
        if prior is None and proposed is not None:
            proposed = with_computed_unknown(self._resources[request.type_name]["block"], proposed)
        forcing = forcing_attributes(request.type_name, prior, proposed, read_dynamic_value(request.config))
        return pb.PlanResourceChange.Response(
            planned_state=to_dynamic_value(proposed), planned_private=request.prior_private,
            requires_replace=[pb.AttributePath(steps=[pb.AttributePath.Step(attribute_name=name)]) for name in forcing],
        )

    def ReadDataSource(self, request: pb.ReadDataSource.Request, context: grpc.ServicerContext) -> Any:
        block = self._data_sources[request.type_name]["block"]
        config = read_dynamic_value(request.config)
        try:
            state = self._cloud.read(request.type_name, block, config, self._settings)
        except ReadError as error:
            failure = _diagnostic(pb.Diagnostic.ERROR, error.summary, str(error), ())
            return pb.ReadDataSource.Response(diagnostics=[failure])
        return pb.ReadDataSource.Response(state=to_dynamic_value(state))

    # --- applying into local state -------------------------------------------------------------
    def ApplyResourceChange(self, request: pb.ApplyResourceChange.Request, context: grpc.ServicerContext) -> Any:
        """The planned state with every unknown made known: from the configuration, else a fake."""
        planned = read_dynamic_value(request.planned_state)
        if planned is None:  # a destroy: nothing remains
            return pb.ApplyResourceChange.Response(new_state=to_dynamic_value(None))
        config = read_dynamic_value(request.config)
        fake = FakeValues(request.type_name, config, self._cloud.named_string(self._settings))
        identity = self._cloud.identities.get(request.type_name)
        if identity is not None:
            planned = {**planned, **{name: value for name, value in identity(config, self._settings).items()
                                     if is_unknown(planned.get(name))}}
        new_state = with_unknowns_resolved(self._resources[request.type_name]["block"], planned, config, fake)
        return pb.ApplyResourceChange.Response(new_state=to_dynamic_value(new_state), private=request.planned_private)

    def ReadResource(self, request: pb.ReadResource.Request, context: grpc.ServicerContext) -> Any:
        """A refresh: nothing changes outside Terraform in an offline cloud, so the state reads back as it is."""
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def UpgradeResourceState(self, request: pb.UpgradeResourceState.Request, context: grpc.ServicerContext) -> Any:
        """Stored state, passed through: the schemas are pinned, so state written with them needs no upgrade."""
        if not request.raw_state.json:
            return pb.UpgradeResourceState.Response(diagnostics=[_legacy_state(request.type_name)])
        state = self._conformed(request.type_name, json.loads(request.raw_state.json))
        return pb.UpgradeResourceState.Response(upgraded_state=pb.DynamicValue(json=json.dumps(state).encode()))

    def ImportResourceState(self, request: pb.ImportResourceState.Request, context: grpc.ServicerContext) -> Any:
        """An import knows only the id; the following plan shows every configured argument as an update."""
        imported = pb.ImportResourceState.ImportedResource(
            type_name=request.type_name, state=pb.DynamicValue(json=json.dumps({"id": request.id}).encode())
        )
        return pb.ImportResourceState.Response(imported_resources=[imported])

    def MoveResourceState(self, request: pb.MoveResourceState.Request, context: grpc.ServicerContext) -> Any:
        """A ``moved`` block across resource types: the attributes both types share carry over."""
        if request.target_type_name not in self._resources or not request.source_state.json:
            detail = f"cannot move {request.source_type_name} state into {request.target_type_name}"
            error = _diagnostic(pb.Diagnostic.ERROR, "Unsupported resource move", detail, ())
            return pb.MoveResourceState.Response(diagnostics=[error])
        state = self._conformed(request.target_type_name, json.loads(request.source_state.json))
        return pb.MoveResourceState.Response(
            target_state=pb.DynamicValue(json=json.dumps(state).encode()), target_private=request.source_private
        )

    def StopProvider(self, request: pb.StopProvider.Request, context: grpc.ServicerContext) -> Any:
        return pb.StopProvider.Response()

    def _conformed(self, type_name: str, state: dict[str, Any]) -> dict[str, Any]:
        """``state`` with only the top-level attributes and blocks the type's schema declares."""
        block = self._resources[type_name]["block"]
        names = set(block.get("attributes", {})) | set(block.get("block_types", {}))
        return {name: value for name, value in state.items() if name in names}


def _legacy_state(type_name: str) -> pb.Diagnostic:
    return _diagnostic(
        pb.Diagnostic.ERROR,
        "Unsupported state format",
        f"The {type_name} state is in the legacy flatmap format, which only Terraform 0.11 wrote; "
        "the offline provider reads JSON state.",
        (),
    )


def _diagnostic(severity: int, summary: str, detail: str, path: AttributePath) -> pb.Diagnostic:
    fields: dict[str, Any] = {"severity": severity, "summary": summary, "detail": detail}
    if path:
        fields["attribute"] = pb.AttributePath(steps=list(_path_steps(path)))
    return pb.Diagnostic(**fields)


def _path_steps(path: AttributePath) -> Iterable[pb.AttributePath.Step]:
    for step in path:
        if isinstance(step, str):
            yield pb.AttributePath.Step(attribute_name=step)
        elif isinstance(step, int):
            yield pb.AttributePath.Step(element_key_int=step)
        else:
            yield pb.AttributePath.Step(element_key_string=step[0])


def serve(name: str) -> None:
    """Serve one provider until Terraform stops it.

    ``tf.runner.run_provider`` builds its own servicer class from ``tf.provider`` at call time;
    pointing that name at ours is the one seam the pinned ``tf`` 1.2.0 offers for a servicer
    that works from JSON schemas instead of Python resource classes.
    """
    import tf.provider
    from tf.runner import run_provider

    tf.provider.ProviderServicer = lambda _app: OfflineProviderServicer(name)
    run_provider(_NamedProvider(name), sys.argv)


class _NamedProvider:
    """What ``run_provider`` asks of its provider argument outside of the servicer: the full name."""

    def __init__(self, name: str):
        self._name = name

    def full_name(self) -> str:
        return registry_address(self._name)


if __name__ == "__main__":
    serve(sys.argv[1])
