"""Stored log lines: retention, lines posted by the web app and the extension, queries."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, cast, delete, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.accounts.models import ProviderAccount
from pixsim7.db import Database, logs_file
from pixsim7.jobs.models import Job
from pixsim7.logging import get_logger
from pixsim7.logs.file import LogFile
from pixsim7.logs.models import LogEntry
from pixsim7.logs.schemas import (
    ClientLogBatch,
    Facets,
    LogFilter,
    LogPage,
    LogRead,
    StageRead,
    Timeline,
)
from pixsim7.logs.sink import LEVEL_NAMES, LEVELS
from pixsim7.pagination import paginate
from pixsim7.users.models import User

PRUNE_CHUNK = 5000  # rows per delete: short transactions (on SQLite, the write lock)
PRUNE_LOCK_WAIT_S = 30.0  # SQLite: the longest a chunk waits for another writer


async def prune(db: Database, *, now: dt.datetime, days: float, rows: int) -> int:
    """Delete lines older than `days` and beyond the newest `rows` (0: no such bound),
    oldest first, a chunk per transaction. Returns how many were deleted."""
    path = logs_file(db.url)
    if path is not None:  # SQLite: in a thread, off the event loop (logs/file.py)
        file = LogFile(path, lock_wait_s=PRUNE_LOCK_WAIT_S)
        try:
            before = now - dt.timedelta(days=days) if days > 0 else None
            return await file.run(file.prune, before, rows, PRUNE_CHUNK)
        finally:
            file.close()
    conditions = []
    if days > 0:
        conditions.append(LogEntry.ts < now - dt.timedelta(days=days))
    if rows > 0:
        async with db.reader() as session:
            edge = await session.scalar(
                select(LogEntry.id).order_by(LogEntry.id.desc()).offset(rows).limit(1)
            )
        if edge is not None:
            conditions.append(LogEntry.id <= edge)
    if not conditions:
        return 0
    deleted = 0
    while True:
        async with db.logmaker() as session:
            chunk = (
                select(LogEntry.id)
                .where(or_(*conditions))
                .order_by(LogEntry.id)
                .limit(PRUNE_CHUNK)
                .scalar_subquery()
            )
            result = await session.execute(delete(LogEntry).where(LogEntry.id.in_(chunk)))
            await session.commit()
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        deleted += count
        if count < PRUNE_CHUNK:
            return deleted


class Forbidden(errors.NotFound):
    """A job or account that is not the caller's: named as not found (no existence leak)."""

    code = "not_found"


async def record_client(session: AsyncSession, user: User, batch: ClientLogBatch) -> int:
    """Log the web app's or the extension's lines as this request's: printed and stored
    like the server's own, redacted the same way, under the caller's user id. The jobs and
    accounts they name must be the caller's (a line cannot be planted in another user's
    view)."""
    job_ids = {line.job_id for line in batch.lines if line.job_id is not None}
    account_ids = {line.account_id for line in batch.lines if line.account_id is not None}
    if job_ids:
        own = set(
            await session.scalars(
                select(Job.id).where(Job.id.in_(job_ids), Job.owner_id == user.id)
            )
        )
        _check_owned(batch, "job_id", job_ids - own)
    if account_ids:
        own = set(
            await session.scalars(
                select(ProviderAccount.id).where(
                    ProviderAccount.id.in_(account_ids), ProviderAccount.owner_id == user.id
                )
            )
        )
        _check_owned(batch, "account_id", account_ids - own)
    for line in batch.lines:
        logger = get_logger(f"client.{line.source}" + (f".{line.logger}" if line.logger else ""))
        fields: dict[str, Any] = {
            **(line.context or {}),
            "process": line.source,
            "user_id": user.id,
        }
        for key in ("url", "stack", "job_id", "account_id"):
            if (value := getattr(line, key)) is not None:
                fields[key] = value
        logger.log(LEVELS[line.level], line.message, **fields)
    return len(batch.lines)


def _check_owned(batch: ClientLogBatch, field: str, foreign: set[int]) -> None:
    if foreign:
        where = {
            f"lines.{i}.{field}": f"no such {field.removesuffix('_id')}"
            for i, line in enumerate(batch.lines)
            if getattr(line, field) in foreign
        }
        raise errors.ValidationFailed("unknown ids", fields=where)


def _visible(user: User) -> Any:
    """Lines about the user's own requests, jobs and accounts."""
    return or_(
        LogEntry.user_id == user.id,
        LogEntry.job_id.in_(select(Job.id).where(Job.owner_id == user.id)),
        LogEntry.account_id.in_(
            select(ProviderAccount.id).where(ProviderAccount.owner_id == user.id)
        ),
    )


async def _scope(session: AsyncSession, user: User, f: LogFilter) -> builtins.list[Any]:
    """The condition that keeps a user to their own lines. Where the filter already names
    something of theirs, it is all they need (and the query stays on one index)."""
    if user.is_admin:
        return []
    if f.job_id is not None:
        owner = await session.scalar(select(Job.owner_id).where(Job.id == f.job_id))
        if owner == user.id:
            return []
    if f.account_id is not None:
        owner = await session.scalar(
            select(ProviderAccount.owner_id).where(ProviderAccount.id == f.account_id)
        )
        if owner == user.id:
            return []
    if f.request_id is not None:
        mine = await session.scalar(
            select(LogEntry.id)
            .where(LogEntry.request_id == f.request_id, LogEntry.user_id == user.id)
            .limit(1)
        )
        if mine is not None:
            return []
    return [_visible(user)]


def _conditions(f: LogFilter) -> builtins.list[Any]:
    where: builtins.list[Any] = []
    if f.level is not None:
        where.append(LogEntry.level >= LEVELS[f.level])
    if f.logger:
        where.append(
            or_(LogEntry.logger == f.logger, LogEntry.logger.like(_escape(f.logger) + ".%", "\\"))
        )
    if f.q:
        where.append(LogEntry.event.ilike(f"%{_escape(f.q)}%", escape="\\"))
    if f.since is not None:
        where.append(LogEntry.ts >= f.since)
    if f.until is not None:
        where.append(LogEntry.ts < f.until)
    for column in (
        "request_id",
        "job_id",
        "user_id",
        "account_id",
        "provider",
        "stage",
        "error_class",
        "process",
    ):
        if (value := getattr(f, column)) is not None:
            where.append(getattr(LogEntry, column) == value)
    return where


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list(
    session: AsyncSession,
    user: User,
    f: LogFilter,
    *,
    cursor: str | None,
    limit: int,
    facets: bool,
) -> LogPage:
    """Matching lines, newest first, a page at a time; with facet counts if asked."""
    where = [*_conditions(f), *await _scope(session, user, f)]
    stmt = select(LogEntry).where(*where)
    rows, next_cursor = await paginate(
        session, stmt, id_column=LogEntry.id, cursor=cursor, limit=limit
    )
    page = LogPage(items=[LogRead.model_validate(r) for r in rows], next_cursor=next_cursor)
    if facets:
        if cursor is None:  # the first page starts with the newest match
            newest = rows[0].id if rows else None
        else:
            newest = await session.scalar(
                select(LogEntry.id).where(*where).order_by(LogEntry.id.desc()).limit(1)
            )
        page.facets = await _facets(session, where, newest)
    return page


# Facets count the newest matches near the newest one, so that they cost a bounded time
# whatever the filter: at most FACET_LIMIT matches, found among the FACET_WINDOW ids up to
# the newest match (every index ends with the id, so the window is a range of whichever
# index is read). Without the window, a filter that few lines match read the whole table
# for its facets (bench/logs.py).
FACET_LIMIT = 10_000
FACET_WINDOW = 100_000
TAIL_BATCH = 500  # lines a live tail reads at once
_FACETS = ("level", "logger", "provider", "error_class")


def _facets_statement(where: Sequence[Any]) -> Any:
    """Counts by each facet's value of the newest `FACET_LIMIT` matches, in one statement."""
    newest = (
        select(LogEntry.level, LogEntry.logger, LogEntry.provider, LogEntry.error_class)
        .where(*where)
        .order_by(LogEntry.id.desc())
        .limit(FACET_LIMIT)
        .cte("matches")
    )
    parts = [
        select(literal(name).label("facet"), cast(newest.c[name], String).label("value"))
        .add_columns(func.count().label("n"))
        .group_by(newest.c[name])
        for name in _FACETS
    ]
    return union_all(*parts)


async def _facet_window(
    session: AsyncSession, where: Sequence[Any], newest: int
) -> tuple[builtins.list[Any], bool]:
    """The conditions with the window's below the newest match, and whether it leaves
    lines out."""
    edge = newest - FACET_WINDOW  # lines at or below it are not counted
    oldest = int(await session.scalar(select(func.min(LogEntry.id))) or 0)
    if oldest <= edge:
        return [*where, LogEntry.id > edge, LogEntry.id <= newest], True
    return [*where, LogEntry.id <= newest], False


async def _facets(session: AsyncSession, where: Sequence[Any], newest: int | None) -> Facets:
    """Counts of the matches, the newest of which is `newest` (None: there is none)."""
    if newest is None:
        return Facets(level={}, logger={}, provider={}, error_class={}, scanned=0, complete=True)
    where, windowed = await _facet_window(session, where, newest)
    counts: dict[str, dict[str, int]] = {name: {} for name in _FACETS}
    for facet, value, n in await session.execute(_facets_statement(where)):
        if value is None:
            continue
        if facet == "level":
            value = LEVEL_NAMES.get(int(value), str(value))
        counts[facet][value] = n
    scanned = sum(counts["level"].values())
    return Facets(**counts, scanned=scanned, complete=scanned < FACET_LIMIT and not windowed)


async def after(
    session: AsyncSession, user: User, f: LogFilter, last_id: int
) -> builtins.list[LogRead]:
    """Matching lines newer than `last_id`, oldest first (the live tail)."""
    where = [*_conditions(f), *await _scope(session, user, f), LogEntry.id > last_id]
    stmt = select(LogEntry).where(*where).order_by(LogEntry.id).limit(TAIL_BATCH)
    rows = await session.scalars(stmt)
    return [LogRead.model_validate(r) for r in rows]


async def newest_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(LogEntry.id))) or 0)


async def timeline(session: AsyncSession, user: User, job_id: int) -> Timeline:
    """The stages of a job's life as every process logged them, in order."""
    owner = await session.scalar(select(Job.owner_id).where(Job.id == job_id))
    if owner is None or (owner != user.id and not user.is_admin):
        raise Forbidden("job not found")
    rows = await session.scalars(
        select(LogEntry)
        .where(LogEntry.job_id == job_id, LogEntry.stage.is_not(None))
        .order_by(LogEntry.id)
        .limit(1000)
    )
    return Timeline(job_id=job_id, stages=[StageRead.model_validate(r) for r in rows])
