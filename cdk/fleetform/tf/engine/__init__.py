"""fleetform's own synth engine: cdktf's construct tree and JSON output, in pure Python.

Selected with ``FLEETFORM_FRAMEWORK=python`` (the default, see :mod:`fleetform.tf._framework`). It
writes the same ``cdktf.out`` as cdktf, byte for byte (``tests/synth/test_engines.py``), without a
Node.js process: an element is a Python object whose references are Terraform expressions from the
start, so creating one and synthesizing it cost no round trip. It implements what fleetform's
constructs use (apps, stacks, constructs, backends, providers, resources, data sources, outputs,
meta-arguments, overrides, annotations); the rest of cdktf's API (:mod:`.unsupported`) says to switch
to cdktf.
"""

from __future__ import annotations

from fleetform.tf.engine.elements import (
    GcsBackend,
    LocalBackend,
    S3Backend,
    TerraformBackend,
    TerraformDataSource,
    TerraformElement,
    TerraformOutput,
    TerraformProvider,
    TerraformResource,
)
from fleetform.tf.engine.synthesis import CDKTF_VERSION, App, TerraformStack
from fleetform.tf.engine.tree import Construct, make_unique_id
from fleetform.tf.engine.unsupported import EngineFeatureUnsupported, unsupported

Fn = unsupported("Fn")
Token = unsupported("Token")
Testing = unsupported("Testing")
TerraformIterator = unsupported("TerraformIterator")
TerraformLocal = unsupported("TerraformLocal")
TerraformVariable = unsupported("TerraformVariable")
TerraformCount = unsupported("TerraformCount")
IResolvable = str
"""A whole-block reference (``NestedReference.token()``): on this engine, the ``${…}`` expression."""

__all__ = [
    "CDKTF_VERSION",
    "App",
    "Construct",
    "EngineFeatureUnsupported",
    "Fn",
    "GcsBackend",
    "IResolvable",
    "LocalBackend",
    "S3Backend",
    "TerraformBackend",
    "TerraformCount",
    "TerraformDataSource",
    "TerraformElement",
    "TerraformIterator",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformResource",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
    "Token",
    "make_unique_id",
]
