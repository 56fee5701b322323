"""cdktf features fleetform's own engine does not have: each name exists, and using it says what to do.

fleetform's constructs use none of them (``Fn``, ``Token``, iterators, locals, variables, ``Testing``).
A platform repo that composes fleetform with code using them runs on cdktf or CDK Terrain
(``FLEETFORM_FRAMEWORK=cdktf`` or ``cdktn``), which synthesizes the same stacks.
"""

from __future__ import annotations

from typing import Any, NoReturn


class EngineFeatureUnsupported(NotImplementedError):
    """A cdktf feature fleetform's Python engine does not implement."""


def _refuse(name: str) -> NoReturn:
    raise EngineFeatureUnsupported(
        f"{name} is not supported yet by fleetform's Python engine (FLEETFORM_FRAMEWORK=python, the default); "
        f"set FLEETFORM_FRAMEWORK=cdktf (or cdktn) to use cdktf's {name}")


class _Unsupported(type):
    def __getattr__(cls, member: str) -> NoReturn:
        if member.startswith("__"):
            raise AttributeError(member)
        _refuse(f"{cls.__name__}.{member}")

    def __call__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(cls.__name__)


def unsupported(name: str) -> type:
    """A class named ``name``: ``isinstance`` checks against it are False, any other use raises."""
    return _Unsupported(name, (), {"__doc__": f"cdktf's {name}: not on fleetform's Python engine."})
