"""Engine, sessions, the declarative Base and the column types every feature shares."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Integer,
    MetaData,
    Table,
    bindparam,
    event,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from pixsim7 import clock, sqlite_driver

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both dialects (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


# 64-bit ids on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSONType,
        list[dict[str, Any]]: JSONType,
    }


class IdMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now
    )


# On SQLite, log lines live in a file of their own beside the database (`pixsim7.db`:
# `pixsim7-logs.db`), attached under this name where they are read with other tables.
LOGS_SCHEMA = "logs"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return None if database in (None, "", ":memory:") else Path(database)


def logs_file(url: str) -> Path | None:
    """The SQLite file that holds the log lines of the database at `url` (None: they are
    in the database itself, as on PostgreSQL). Their writes, hundreds of rows at a time
    through ten indexes, would otherwise share the one write lock and the write-ahead log
    with every other transaction: measured, they made each of the scheduler's commits 6x
    slower and the write-ahead log grow to 249 MB (docs/logs.md)."""
    path = sqlite_file(url)
    return None if path is None else path.with_name(f"{path.stem}-logs{path.suffix}")


def create_engine(
    url: str,
    *,
    echo: bool = False,
    pool_size: int = 20,
    read_only: bool = False,
    pre_ping: bool = True,
    attach_logs: bool = False,
) -> AsyncEngine:
    """`attach_logs` (SQLite): each connection also sees the log lines' file (`logs_file`)
    as the schema `logs`; a table's name not found in the database is looked up there, so
    a query joins log lines with jobs as it would on PostgreSQL. A writer that attaches it
    takes both files' write locks at BEGIN: only readers and migrations do."""
    if url.startswith("sqlite"):
        sqlite_url = make_url(url).set(drivername=sqlite_driver.DRIVER)
        pool: dict[str, Any] = {}
        if not read_only and sqlite_url.database not in (None, "", ":memory:"):
            _create_private(Path(sqlite_url.database))
            # One connection for writers: SQLite runs one write transaction at a time, and
            # this process's writers queue for it in order on the event loop. (Left to
            # SQLite, each waited in BEGIN IMMEDIATE, whose busy handler sleeps and retries,
            # up to 100 ms a time, while the lock sits free.)
            pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": sqlite_driver.LOCK_WAIT_S}
        engine = create_async_engine(sqlite_url, echo=echo, **pool)
        _configure_sqlite(
            engine, read_only=read_only, attach=logs_file(url) if attach_logs else None
        )
        return engine
    # Connections kept open: 20. A worker's submit calls (32 at once) each end in a short
    # transaction; with 10 kept, those beyond were opened and closed again each time (a
    # profile of a busy worker showed it connecting, TLS attempt included, all along).
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=pre_ping
    )


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (SQLite would make it 0644,
    less the umask); its -wal and -shm files take the same mode from it."""
    if path.parent.is_dir():
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure_sqlite(engine: AsyncEngine, *, read_only: bool, attach: Path | None) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        if attach is not None:
            if not read_only:
                _create_private(attach)
            cursor.execute(f"ATTACH DATABASE ? AS {LOGS_SCHEMA}", (str(attach),))
            cursor.execute(f"PRAGMA {LOGS_SCHEMA}.journal_mode=WAL")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Writers wait for the lock in `begin_immediate`, not in SQLite's busy handler
        # (which would block the event loop); a reader waits only in rare WAL recovery.
        cursor.execute(f"PRAGMA busy_timeout={5000 if read_only else 0}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if read_only:

        @event.listens_for(engine.sync_engine, "begin")
        def _on_read_begin(conn: Any) -> None:
            # Readers (Database.reader) never write: no lock, WAL gives them a snapshot.
            conn.exec_driver_sql("BEGIN")

        return

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock at BEGIN, so a reader never has to upgrade to a writer
        # (which fails at once as locked when another writer got in first).
        sqlite_driver.begin_immediate(conn.connection.dbapi_connection)


class Database:
    """An engine and its session factory; one per process (held on app.state)."""

    def __init__(self, url: str, *, echo: bool = False, pre_ping: bool = True) -> None:
        """`pre_ping`: test a pooled PostgreSQL connection before each use (a round trip
        per transaction), so a server restart costs no request an error."""
        self.url = url
        self.engine = create_engine(url, echo=echo, pre_ping=pre_ping)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # Sessions of the table of log lines: on PostgreSQL this database's (the sink and
        # retention write through it); on SQLite an engine of the lines' own file
        # (`logs_file`), which the app itself writes from a thread of its own instead
        # (logs/file.py): there it serves what reads or fills that file alone (bench, tests).
        logs = logs_file(url)
        self._log_engine = None
        if logs is not None:
            logs_url = make_url(url).set(database=str(logs)).render_as_string(False)
            self._log_engine = create_engine(logs_url, echo=echo)
        self.logmaker = (
            async_sessionmaker(self._log_engine, expire_on_commit=False)
            if self._log_engine is not None
            else self.sessionmaker
        )
        # On SQLite every session queues for the one write lock at BEGIN; sessions that
        # only read use an engine of their own that does not, so reads never wait on
        # writers nor hold them up; they see the log lines' file too. PostgreSQL needs no
        # such thing.
        self._read_engine = (
            create_engine(url, echo=echo, read_only=True, attach_logs=logs is not None)
            if self.dialect == "sqlite"
            else None
        )
        self.readmaker = (
            async_sessionmaker(self._read_engine, expire_on_commit=False)
            if self._read_engine is not None
            else self.sessionmaker
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A session that must not write (on SQLite a write would fail as locked). It reads
        the log lines too, on SQLite from their own file."""
        async with self.readmaker() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        for engine in (self._log_engine, self._read_engine):
            if engine is not None:
                await engine.dispose()


def insert_ignore_into(session: AsyncSession, model: type[Base]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for `model` (both dialects); values to come, one row
    or many (executemany)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).on_conflict_do_nothing()


def insert_ignore(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> Any:
    """INSERT that does nothing when a unique key already exists (both dialects)."""
    return session.execute(insert_ignore_into(session, model).values(**values))


async def update_each(
    session: AsyncSession, table: Table, rows: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """`UPDATE table SET … WHERE id = ?` for many rows in one statement run once per row
    (executemany); every row sets the same columns, each to its own value."""
    if not rows:
        return
    columns = list(rows[0][1])
    # Bound as v_<column>: a bound parameter may not share a name with a column it sets.
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({c: bindparam(f"v_{c}") for c in columns}),
        [{"row_id": id_, **{f"v_{c}": values[c] for c in columns}} for id_, values in rows],
    )
