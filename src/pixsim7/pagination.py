"""Cursor pagination: lists answer ``{"items": [...], "next_cursor": str | null}``.

A cursor is an opaque, url-safe encoding of the sort key of the last item, so a
page never skips or repeats rows when new ones arrive (keyset pagination).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pixsim7.errors import ValidationFailed
from pixsim7.fields import INT64_MAX, unstorable

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("invalid cursor", fields={"cursor": "invalid cursor"}) from exc
    if not isinstance(values, list) or len(values) != size or not all(map(_storable, values)):
        raise ValidationFailed("invalid cursor", fields={"cursor": "invalid cursor"})
    return values


def _storable(value: Any) -> bool:
    """Whether a cursor value can be compared with a column (a forged one may hold anything)."""
    if isinstance(value, int):
        return -INT64_MAX - 1 <= value <= INT64_MAX
    return isinstance(value, str) and unstorable(value) is None


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    id_column: InstrumentedAttribute[int],
    cursor: str | None,
    limit: int,
    descending: bool = True,
) -> tuple[list[Any], str | None]:
    """Keyset pagination on an integer id. Returns the rows and the next cursor."""
    if cursor:
        (last_id,) = decode_cursor(cursor, 1)
        if not isinstance(last_id, int):
            raise ValidationFailed("invalid cursor", fields={"cursor": "invalid cursor"})
        stmt = stmt.where(id_column < last_id if descending else id_column > last_id)
    stmt = stmt.order_by(id_column.desc() if descending else id_column.asc())
    return await fetch_page(
        session, stmt, limit=limit, cursor_of=lambda row: [getattr(row, id_column.key)]
    )


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    limit: int,
    cursor_of: Callable[[Any], Sequence[Any]],
) -> tuple[list[Any], str | None]:
    """One page of an ordered `stmt` (a row more tells whether another page follows), and
    the cursor made from the last row's sort key by `cursor_of`."""
    rows = list((await session.scalars(stmt.limit(limit + 1))).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(cursor_of(rows[-1]))


def keyset_after(
    columns: Sequence[InstrumentedAttribute[Any]], values: Sequence[Any], *, descending: bool
) -> Any:
    """WHERE clause for rows strictly after `values` in (col1, col2, ...) order."""
    clauses = []
    for i, col in enumerate(columns):
        eq = [columns[j] == values[j] for j in range(i)]
        cmp = col < values[i] if descending else col > values[i]
        clauses.append(and_(*eq, cmp))
    return or_(*clauses)
