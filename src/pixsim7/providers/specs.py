"""Validation of job parameters and inputs against an operation's spec.

The same spec draws the web UI's form, so every rule lives here once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import OperationSpec, ParamSpec, ParamType


def validate_params(spec: OperationSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """Return params with defaults filled in; raise ValidationFailed naming each bad field."""
    errors: dict[str, str] = {}
    known = {p.name for p in spec.params}
    for name in params:
        if name not in known:
            errors[f"params.{name}"] = f"unknown parameter for {spec.type.value}"
    clean: dict[str, Any] = {}
    for p in spec.params:
        value = params.get(p.name)
        if _blank(p, value):  # a text of only spaces says nothing: as if not given
            value = None
        if value is None:
            if p.required:
                errors[f"params.{p.name}"] = "required"
            elif p.default is not None:
                clean[p.name] = p.default
            continue
        try:
            clean[p.name] = _check(p, value)
        except ValueError as exc:
            errors[f"params.{p.name}"] = str(exc)
    if errors:
        raise ValidationFailed("invalid parameters", fields=errors)
    return clean


def validate_input_counts(spec: OperationSpec, counts: Mapping[str, int]) -> None:
    """Check how many inputs of each role were given (media types are checked by the caller)."""
    errors: dict[str, str] = {}
    roles = {i.role for i in spec.inputs}
    for role in counts:
        if role not in roles:
            errors[f"inputs.{role}"] = f"{spec.type.value} takes no input '{role}'"
    for item in spec.inputs:
        n = counts.get(item.role, 0)
        if n == 0 and not item.required:
            continue
        if n < item.min_count or n > item.max_count:
            want = (
                str(item.min_count)
                if item.min_count == item.max_count
                else f"{item.min_count} to {item.max_count}"
            )
            errors[f"inputs.{item.role}"] = f"needs {want} {item.media_type}(s), got {n}"
    if errors:
        raise ValidationFailed("invalid inputs", fields=errors)


def validate_input_types(spec: OperationSpec, inputs: Sequence[tuple[str, str | None]]) -> None:
    """Check each input's media type against its role's: `inputs` are (role, media type)
    in the order given, a type None when not known yet (a URL not fetched)."""
    wanted = {i.role: i.media_type for i in spec.inputs}
    errors: dict[str, str] = {}
    for n, (role, media_type) in enumerate(inputs):
        want = wanted.get(role)
        if want is not None and media_type is not None and media_type != want:
            errors[f"inputs.{n}"] = f"{role} takes {_a(want)}, not {_a(media_type)}"
    if errors:
        raise ValidationFailed("invalid inputs", fields=errors)


def _a(media_type: str) -> str:
    return f"an {media_type}" if media_type[:1] in "aeiou" else f"a {media_type}"


def _blank(p: ParamSpec, value: Any) -> bool:
    return (
        p.type in (ParamType.STRING, ParamType.TEXT)
        and isinstance(value, str)
        and not value.strip()
    )


def _check(p: ParamSpec, value: Any) -> Any:
    match p.type:
        case ParamType.STRING | ParamType.TEXT:
            if not isinstance(value, str):
                raise ValueError("must be a string")
            if p.max_length is not None and len(value) > p.max_length:
                raise ValueError(f"at most {p.max_length} characters")
            return value
        case ParamType.BOOLEAN:
            if not isinstance(value, bool):
                raise ValueError("must be true or false")
            return value
        case ParamType.INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("must be an integer")
            return _in_range(p, value)
        case ParamType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("must be a number")
            return _in_range(p, value)
        case ParamType.ENUM:
            choices = list(p.choices or ())
            if value not in choices:
                raise ValueError("must be one of " + ", ".join(map(str, choices)))
            return value
        case ParamType.NUMBER_LIST | ParamType.STRING_LIST:
            return _check_list(p, value)
    raise ValueError(f"unsupported parameter type {p.type}")


def _check_list(p: ParamSpec, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("must be a list")
    if p.max_length is not None and len(value) > p.max_length:
        raise ValueError(f"at most {p.max_length} items")
    for item in value:
        if p.type == ParamType.STRING_LIST and not isinstance(item, str):
            raise ValueError("items must be strings")
        if p.type == ParamType.NUMBER_LIST:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise ValueError("items must be numbers")
            _in_range(p, item)
    return value


def _in_range(p: ParamSpec, value: float) -> Any:
    if p.minimum is not None and value < p.minimum:
        raise ValueError(f"must be at least {p.minimum:g}")
    if p.maximum is not None and value > p.maximum:
        raise ValueError(f"must be at most {p.maximum:g}")
    return value
