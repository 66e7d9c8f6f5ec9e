"""The field types every request shape and every path and query parameter is built from.

What the databases cannot store must be refused at the door with a 422 naming the field,
never found by the database as a 500: PostgreSQL refuses NUL in text and JSON, integers
wider than their column, and NaN in JSON; no driver stores a lone surrogate (an unpaired
``\\ud800`` escape is valid JSON). So a request's ids are `Id`, its other integers `Int`
(an INTEGER column) or `BigInt`, its numbers `Number`, its strings `Text`, its free-form
objects `JsonObject`, and a PATCH field that may be left out but not cleared is
`Omittable[...]`. ``tests/test_openapi.py`` checks that every operation's schema uses
them, and the OpenAPI fuzz test that no input gets past them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    FiniteFloat,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
MAX_JSON_DEPTH = 32
# In the schema, so that clients (and the fuzzer) know: any string but one with NUL.
NO_NUL_PATTERN = r"^[^\u0000]*$"
# What an HTTP header can carry to a provider (credentials): printable ASCII; a cookie's
# name no spaces, "=" or ";", its value no ";".
TOKEN_PATTERN = r"^[\x20-\x7e]*$"
COOKIE_NAME_PATTERN = r"^[\x21-\x3a\x3c\x3e-\x7e]+$"
COOKIE_VALUE_PATTERN = r"^[\x20-\x3a\x3c-\x7e]*$"
_PATTERN_WORDS = {
    NO_NUL_PATTERN: "must not contain NUL characters",
    TOKEN_PATTERN: "printable ASCII characters only",
    COOKIE_NAME_PATTERN: "printable ASCII characters only, no spaces, '=' or ';'",
    COOKIE_VALUE_PATTERN: "printable ASCII characters only, no ';'",
}

Id = Annotated[int, Ge(1), Le(INT64_MAX)]
"""A row's id: a positive 64-bit integer (ids are BIGINT on PostgreSQL)."""

Int = Annotated[int, Ge(-INT32_MAX - 1), Le(INT32_MAX)]
"""An integer stored in an INTEGER column (32 bits on PostgreSQL)."""

BigInt = Annotated[int, Ge(-INT64_MAX - 1), Le(INT64_MAX)]
"""An integer stored in a BIGINT column.

A field with both bounds of its own, within its column's, is a plain ``int``: the type's
bounds would replace the field's (pydantic applies the type's after the field's). Inside
``X | None`` and `Omittable` both apply."""


Text = Annotated[str, StringConstraints(pattern=NO_NUL_PATTERN)]
"""A string without NUL characters (pydantic already refuses unpaired surrogates); its
lengths are the field's. A field with a pattern of its own is a plain ``str``: the type's
pattern would replace the field's, so the field's must refuse NUL itself."""

Number = FiniteFloat
"""A finite number: Python's JSON parser accepts NaN and Infinity, which PostgreSQL's JSON
refuses and no answer may carry."""


def _utc(value: dt.datetime) -> dt.datetime:
    try:
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+05:00 has no UTC date
        raise PydanticCustomError("datetime", "out of range") from exc


Timestamp = Annotated[dt.datetime, AfterValidator(_utc)]
"""A point in time, in UTC; one without an offset is read as UTC (columns hold UTC)."""


def unstorable(text: str) -> str | None:
    """What in `text` no database can store, or None."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (no lone surrogates)"
    return None


def _check_text(value: str) -> None:
    problem = unstorable(value)
    if problem:
        raise PydanticCustomError("text", problem)


def _check_json(value: Any, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise PydanticCustomError("json", f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number", "numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


def _check_object(value: dict[str, Any]) -> dict[str, Any]:
    _check_json(value)
    return value


class _StorableJson:
    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_check_object, handler(source))


JsonObject = Annotated[dict[str, Any], _StorableJson()]
"""A free-form JSON object (stored as JSON/JSONB): every key and string storable, every
number finite, nested at most MAX_JSON_DEPTH levels."""


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("not_null", "may be left out but not null")
    return value


class _NotNull:
    """Refuses an explicit null; the field's default (None: left out) is never validated,
    so the field may still be omitted. The schema shows the field as not nullable."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        kinds = [k for k in json_schema.pop("anyOf", []) if k != {"type": "null"}]
        if len(kinds) == 1:
            return {**kinds[0], **json_schema}
        if kinds:
            json_schema["anyOf"] = kinds
        return json_schema


T = TypeVar("T")
Omittable = Annotated[T | None, _NotNull()]
"""A PATCH field that may be left out (unchanged) but not sent as null, for a column
that cannot be empty. A field where null means "clear it" stays ``X | None``."""


def message(error: Mapping[str, Any]) -> str:
    """A validation error's message for the 422 envelope, in words for this module's types."""
    pattern = (error.get("ctx") or {}).get("pattern")
    if error.get("type") == "string_pattern_mismatch" and pattern in _PATTERN_WORDS:
        return _PATTERN_WORDS[pattern]
    return str(error.get("msg", "invalid"))
