"""Turn pydantic validation errors into fleetform problems a user can act on.

pydantic knows what is wrong; this module says it in TOML's words (``integer``, ``array``, ``table``),
at the file and key path where the user wrote it, with the allowed values or a near match.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from fleetform.errors import Problem, did_you_mean, format_choices, toml_key_path

Loc = tuple[str | int, ...]


def toml_type_name(value: Any) -> str:
    """The TOML (or Python literal) name of a value's type, for messages."""
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "float", str: "string", list: "array", tuple: "array", dict: "table"}.get(
        type(value), type(value).__name__
    )


_EXPECTED = {
    "int_type": "an integer", "int_parsing": "an integer", "bool_type": "a boolean (true or false)",
    "string_type": "a string", "list_type": "an array", "tuple_type": "an array", "dict_type": "a table",
    "model_type": "a table", "model_attributes_type": "a table", "float_type": "a number",
    "path_type": "a path string",
}


def problems_from_validation_error(
    error: ValidationError, where_for: Callable[[Loc], str], *, code_prefix: str = "spec"
) -> list[Problem]:
    """One problem per pydantic error; ``where_for`` maps a model location to a file and key path."""
    problems: list[Problem] = []
    details = error.errors(include_url=False)
    deep_fields = {_clean(d["loc"])[0] for d in details if len(_clean(d["loc"])) > 1}
    for detail in details:
        loc = _clean(detail["loc"])
        if detail["type"] in ("too_short", "none_required") and len(loc) == 1 and loc[0] in deep_fields:
            continue  # the other member of an Optional[...] union; the deeper error says what is wrong
        kind = detail["type"]
        value = detail.get("input")
        context = detail.get("ctx") or {}
        if kind == "app_rules":
            for violation in context["violations"]:
                problems.append(Problem(violation.code, where_for(_split_field(violation.field)), violation.message,
                                        violation.allowed, violation.fix))
            continue
        key = toml_key_path(*loc) or "value"
        problems.append(_problem(kind, key, value, context, detail["msg"], where_for(loc), code_prefix))
    return _dedupe(problems)


def _problem(kind: str, key: str, value: Any, context: Mapping[str, Any], msg: str, where: str, prefix: str) -> Problem:
    if kind in _EXPECTED:
        return Problem(f"{prefix}/wrong-type", where,
                       f"{key} must be {_EXPECTED[kind]}, got {toml_type_name(value)} {value!r}")
    if kind == "missing":
        return Problem(f"{prefix}/missing-key", where, f"required key {key!r} is missing", fix=f"add {key} = ...")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        limit = next(iter(context.values()))
        return Problem(f"{prefix}/out-of-range", where, f"{key} must be {bound} {limit}, got {value!r}")
    if kind == "literal_error":
        expected = str(context.get("expected", ""))
        choices = [choice.strip().strip("'") for choice in expected.replace(" or ", ",").split(",")]
        choices = [choice for choice in choices if choice]
        return Problem(f"{prefix}/not-allowed", where, f"{key} {value!r} is not allowed" + did_you_mean(value, choices),
                       allowed=format_choices(choices))
    if kind in ("too_short", "too_long"):
        return Problem(f"{prefix}/bad-length", where, f"{key} {msg[0].lower() + msg[1:]}")
    if kind == "string_pattern_mismatch":
        return Problem(f"{prefix}/bad-format", where, f"{key} {value!r} does not match {context.get('pattern')!r}")
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        return Problem(f"{prefix}/invalid", where, text)
    return Problem(f"{prefix}/invalid", where, f"{key}: {msg}")


def _clean(loc: tuple[str | int, ...]) -> Loc:
    return tuple(part for part in loc if not _is_union_tag(part)) or ("value",)


def _split_field(field: str) -> Loc:
    """``"secrets[2]"`` -> ``("secrets", 2)``; ``"health_check.path"`` -> ``("health_check", "path")``."""
    parts: list[str | int] = []
    for piece in field.split("."):
        name, _, rest = piece.partition("[")
        parts.append(name)
        if rest:
            parts.append(int(rest.rstrip("]")))
    return tuple(parts)


def _is_union_tag(part: str | int) -> bool:
    """pydantic inserts the union member's type name (``str``, ``tuple[str, ...]``) into error locations."""
    return isinstance(part, str) and (part in ("str", "int", "bool") or "[" in part or part.startswith("function-"))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """A union field yields one error per member; keep the first per location and code."""
    seen: set[tuple[str, str]] = set()
    unique: list[Problem] = []
    for problem in problems:
        if (problem.where, problem.code) not in seen:
            seen.add((problem.where, problem.code))
            unique.append(problem)
    return unique


def unknown_key_problems(data: Mapping[str, Any], model: type[BaseModel], where_for: Callable[[Loc], str],
                         loc: Loc = (), *, code_prefix: str = "spec") -> list[Problem]:
    """Unknown keys in ``data`` for ``model`` and its nested models, each with a near-match suggestion."""
    problems: list[Problem] = []
    allowed = {name: info for name, info in model.model_fields.items()}
    for key, value in data.items():
        if key not in allowed:
            problems.append(Problem(f"{code_prefix}/unknown-key", where_for((*loc, key)),
                                    f"unknown key {key!r}" + did_you_mean(key, allowed),
                                    allowed=format_choices(allowed)))
            continue
        nested = _nested_model(allowed[key].annotation)
        if nested is None or not isinstance(value, Mapping):
            continue
        submodel, keyed = nested
        if keyed:
            for name, item in value.items():
                if isinstance(item, Mapping):
                    problems += unknown_key_problems(item, submodel, where_for, (*loc, key, name),
                                                     code_prefix=code_prefix)
        else:
            problems += unknown_key_problems(value, submodel, where_for, (*loc, key), code_prefix=code_prefix)
    return problems


def _nested_model(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """The model a field holds directly (``keyed=False``) or as dict values (``keyed=True``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is dict and len(args) == 2:
        inner = _nested_model(args[1])
        return (inner[0], True) if inner and not inner[1] else None
    for arg in args:
        inner = _nested_model(arg)
        if inner is not None:
            return inner
    return None
