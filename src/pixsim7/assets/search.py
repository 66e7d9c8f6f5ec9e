"""Finding a user's assets: the filters as one query that an index answers in order, and a
total that is exact up to a cap.

Text (`q`) is found anywhere in the prompt, the description or the tags, case-insensitively,
with each database's own index (migration 0019_search):
- SQLite: the FTS5 trigram table `assets_search` (contentless; kept by triggers on `assets`),
  whose `owner` column holds "[<owner id>]". The page is read from it newest first and
  only the page's assets are looked up; the count needs no asset row at all.
- PostgreSQL: a pg_trgm GIN index on `BODY`, which a query must repeat exactly.
Text shorter than three characters has no trigram: it is matched by scanning (`LIKE`).

A tag filter reads `asset_tags` by (owner, tag), newest first.

Caveat for later migrations: on SQLite, a batch migration that rebuilds `assets` drops the
search triggers with the old table; such a migration must create them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    TextClause,
    and_,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.assets.models import Asset, AssetTag
from pixsim7.assets.schemas import AssetFilters, Sort
from pixsim7.errors import ValidationFailed
from pixsim7.pagination import decode_cursor, encode_cursor, fetch_page
from pixsim7.workspaces import service as workspaces

# The SQLite search table, outside the models' metadata (it is no table of ours to create
# or compare: the migration makes it).
_FTS = Table("assets_search", MetaData(), Column("rowid", Integer), Column("body", Text))
# PostgreSQL: what the trigram index is built on (0019_search), written out as there.
BODY: ColumnElement[str] = literal_column(
    "(coalesce(assets.prompt, '') || ' ' || coalesce(assets.description, '') || ' ' || "
    "translate(coalesce(assets.tags::text, ''), '[]\",', ''))"
)
_MIN_TRIGRAM = 3
# Totals are counted exactly up to this many matches; past it the answer says "more than".
# Text matches are counted to fewer: on PostgreSQL each candidate the trigram index gives is
# checked against its row (6-9 us each on the loaded test machine), so 10,000 of them cost
# 100-200 ms where 1,000 cost 10-20 ms (bench/assets.py).
TOTAL_CAP = 10_000
TEXT_TOTAL_CAP = 1_000


def is_search_object(name: str | None) -> bool:
    """Whether a table or index is one of the search index's (not in the models)."""
    return bool(name) and (name == "ix_assets_search" or str(name).startswith("assets_search"))


def include_object(
    obj: object, name: str | None, kind: str, reflected: bool, other: object
) -> bool:
    """For Alembic's comparison of the database with the models: leave the search index's
    tables and index alone (migration 0019_search makes them; no model describes them)."""
    return not is_search_object(name)


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def matching(session: AsyncSession, owner_id: int, filters: AssetFilters) -> Select[Any]:
    """The owner's assets matching the filters, unordered (bulk selections, the trash)."""
    return _query(owner_id, filters, _dialect(session))[0]


async def find(
    session: AsyncSession,
    owner_id: int,
    filters: AssetFilters,
    *,
    cursor: str | None,
    limit: int,
    cap: int | None = None,
) -> tuple[Sequence[Asset], str | None, int, bool]:
    """A page of the owner's matching assets, the next cursor, the total, and whether the
    total is exact (False: more than `cap` match, and the total is `cap`; by default
    `TOTAL_CAP`, or `TEXT_TOTAL_CAP` with text)."""
    dialect = _dialect(session)
    if cap is None:
        cap = TEXT_TOTAL_CAP if (filters.q or "").strip() else TOTAL_CAP
    stmt, key = _query(owner_id, filters, dialect)
    newest = filters.sort == Sort.NEWEST
    if not cursor and dialect == "postgresql" and (filters.q or "").strip():
        return await _first_page(session, stmt, key, newest=newest, limit=limit, cap=cap)
    counted = await session.scalar(
        select(func.count()).select_from(
            # Counted from the query itself: an index alone (a tag's rows, the FTS rows)
            # would count assets in the trash too.
            stmt.with_only_columns(literal(1)).order_by(None).limit(cap + 1).subquery()
        )
    )
    total = int(counted or 0)
    if cursor:
        (last,) = decode_cursor(cursor, 1)
        if not isinstance(last, int):
            raise ValidationFailed("invalid cursor", fields={"cursor": "invalid cursor"})
        stmt = stmt.where(key < last if newest else key > last)
    stmt = stmt.order_by(key.desc() if newest else key.asc())
    rows, next_cursor = await fetch_page(session, stmt, limit=limit, cursor_of=lambda a: [a.id])
    return rows, next_cursor, min(total, cap), total <= cap


async def _first_page(
    session: AsyncSession, stmt: Select[Any], key: Any, *, newest: bool, limit: int, cap: int
) -> tuple[Sequence[Asset], str | None, int, bool]:
    """The first page and the capped total from one pass over the matches: the ids of the
    first `cap + 1` (or of the page, if more) in order, counted in the database, of which
    only the first page's come back; then those assets by id.

    For text on PostgreSQL, where counting and paging apart found the matches twice: each
    candidate of the trigram index is checked against its row, and a rare word's are all
    checked (bench/assets.py, 1,000,000 assets: 40 ms of CPU a request, 27 ms this way).
    Elsewhere the two apart cost less (the count reads an index alone and the page stops
    at 51; on SQLite the FTS table read newest first to the cap cost more than the count
    read in its own order)."""
    matches = (
        stmt.with_only_columns(key.label("id"))
        .order_by(key.desc() if newest else key.asc())
        .limit(max(cap, limit) + 1)  # the page is not capped
        .subquery()
    )
    order = matches.c.id.desc() if newest else matches.c.id.asc()
    got = (
        await session.execute(
            select(matches.c.id, func.count().over()).order_by(order).limit(limit + 1)
        )
    ).all()
    total = int(got[0][1]) if got else 0
    ids = [int(row[0]) for row in got]
    rows: Sequence[Asset] = []
    if ids:
        page = select(Asset).where(Asset.id.in_(ids[:limit]))
        rows = (
            await session.scalars(page.order_by(Asset.id.desc() if newest else Asset.id.asc()))
        ).all()
    next_cursor = encode_cursor([ids[limit - 1]]) if len(ids) > limit else None
    return rows, next_cursor, min(total, cap), total <= cap


def _query(owner_id: int, f: AssetFilters, dialect: str) -> tuple[Select[Any], Any]:
    """The filtered select of assets and the column it is ordered by (the asset id, as
    read from the index that drives the query)."""
    stmt = select(Asset).where(Asset.owner_id == owner_id)
    key: Any = Asset.id
    q = (f.q or "").strip()
    if len(q) >= _MIN_TRIGRAM and dialect == "sqlite":
        stmt = stmt.join(_FTS, _FTS.c.rowid == Asset.id).where(_match(owner_id, q))
        key = _FTS.c.rowid
    elif q and dialect == "postgresql":
        stmt = stmt.where(BODY.ilike(_like(q), escape="\\"))
    elif q:
        stmt = stmt.where(_sqlite_body().ilike(_like(q), escape="\\"))
    if f.tag is not None:
        tagged = and_(AssetTag.owner_id == owner_id, AssetTag.tag == f.tag)
        if key is Asset.id:  # the tag's index drives the query
            stmt = stmt.join(AssetTag, AssetTag.asset_id == Asset.id).where(tagged)
            key = AssetTag.asset_id
        else:
            stmt = stmt.where(exists().where(AssetTag.asset_id == Asset.id, tagged))
    return stmt.where(*_plain(owner_id, f)), key


def _match(owner_id: int, q: str) -> TextClause:
    return text("assets_search MATCH :match").bindparams(match=_fts_query(owner_id, q))


def _plain(owner_id: int, f: AssetFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        Asset.trashed_at.is_not(None) if f.trashed else Asset.trashed_at.is_(None)
    ]
    if f.favorite is not None:
        where.append(Asset.favorite.is_(f.favorite))
    if f.media_type is not None:
        where.append(Asset.media_type == f.media_type.value)
    if f.provider_id is not None:
        where.append(Asset.provider_id == f.provider_id)
    if f.workspace_id is not None:
        where.append(Asset.workspace_id.in_(workspaces.subtree(owner_id, f.workspace_id)))
    if f.source_job_id is not None:
        where.append(Asset.source_job_id == f.source_job_id)
    if f.created_after is not None:
        where.append(Asset.created_at >= f.created_after)
    if f.created_before is not None:
        where.append(Asset.created_at < f.created_before)
    return where


def _fts_query(owner_id: int, q: str) -> str:
    """An FTS5 query: this owner's rows whose body holds `q` (a phrase of its trigrams)."""
    phrase = '"' + q.replace('"', '""') + '"'
    return f'owner : "[{owner_id}]" AND body : {phrase}'


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sqlite_body() -> ColumnElement[str]:
    """The searched text on SQLite, as the FTS triggers build it (for short queries)."""
    tags: ColumnElement[str] = func.coalesce(type_coerce(Asset.tags, Text), "")
    for char in ("[", "]", '"', ","):
        tags = func.replace(tags, char, "")
    return func.coalesce(Asset.prompt, "") + " " + func.coalesce(Asset.description, "") + " " + tags
