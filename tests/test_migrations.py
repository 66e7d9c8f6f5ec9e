"""Every migration runs up from empty and back down, and head matches the models; on
SQLite the log lines' table is in a file of its own (db.logs_file), found and migrated
beside the database."""

from __future__ import annotations

import contextlib
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import pixsim7.db_models  # noqa: F401
from pixsim7 import migrate
from pixsim7.assets.search import include_object, is_search_object
from pixsim7.db import Base, logs_file
from pixsim7.logs.models import LogEntry


def _files(url: str) -> list[tuple[str, bool | None]]:
    """The database, and on SQLite the log lines' file beside it; with which tables each
    holds: the log lines' (True), all but those (False), all (None)."""
    logs = logs_file(url)
    return [(url, None)] if logs is None else [(url, False), (f"sqlite+aiosqlite:///{logs}", True)]


def _holding(logs: bool | None) -> Callable[..., bool]:
    """Compare only the tables a file should hold (which file holds which:
    test_sqlite_log_lines_are_in_their_own_file)."""

    def include(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
        table = obj if kind == "table" else getattr(obj, "table", None)
        is_logs = getattr(table, "name", None) == LogEntry.__tablename__
        if logs is not None and is_logs != logs:
            return False
        return include_object(obj, name, kind, reflected, other)

    return include


async def _tables(url: str) -> set[str]:
    names: set[str] = set()
    for file, _ in _files(url):
        engine = create_async_engine(file, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            names |= await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        await engine.dispose()
    return {n for n in names - {"alembic_version"} if not is_search_object(n)}


def _compare(connection: Connection, opts: dict[str, Any]) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata))


async def _diff(url: str) -> list[object]:
    """Each file against the models of the tables it should hold."""
    diff: list[object] = []
    for file, logs in _files(url):
        opts = {"compare_type": True, "include_object": _holding(logs)}
        engine = create_async_engine(file, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            diff += await conn.run_sync(_compare, opts)
        await engine.dispose()
    return diff


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_each_migration_goes_up_and_down(empty_database_url: str) -> None:
    url = empty_database_url
    revisions = _revisions()
    assert revisions[0] == "0001_foundation"
    seen: list[set[str]] = []
    for rev in revisions:  # one step at a time, so each downgrade is exercised alone
        migrate.upgrade(url, rev)
        assert await migrate.current(url) == rev
        seen.append(await _tables(url))
    assert await _tables(url) == set(Base.metadata.tables)
    for i in range(len(revisions) - 1, 0, -1):
        migrate.downgrade(url, revisions[i - 1])
        assert await _tables(url) == seen[i - 1]
    migrate.downgrade(url, "base")
    assert await _tables(url) == set()


async def test_head_schema_matches_models(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    assert await _diff(empty_database_url) == []


def _log_tables(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE name LIKE '%log_entries%'")
        return {name for (name,) in rows}


def _events(path: Path) -> list[tuple[int, str]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return list(conn.execute("SELECT id, event FROM log_entries ORDER BY id"))


def _delete(folder: Path, pattern: str) -> None:
    for file in folder.glob(pattern):
        file.unlink()


async def test_sqlite_log_lines_are_in_their_own_file(tmp_path: Path) -> None:
    path = tmp_path / "pixsim7.db"
    url = f"sqlite+aiosqlite:///{path}"
    logs = tmp_path / "pixsim7-logs.db"
    assert logs_file(url) == logs
    migrate.upgrade(url, "0023_trash_in_owner_indexes")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executemany(
            "INSERT INTO log_entries (id, ts, level, logger, event, process, extra) "
            "VALUES (?, '2026-12-01 00:00:00', 20, 'pixsim7.test', ?, 'api', '{}')",
            [(7, "older"), (9, "newer")],
        )
        conn.commit()
    # Up: the lines move to their own file, with their ids and every index.
    migrate.upgrade(url)
    assert _log_tables(path) == set()
    assert _log_tables(logs) == {"log_entries", *(i.name for i in LogEntry.__table__.indexes)}
    assert _events(logs) == [(7, "older"), (9, "newer")]
    assert stat.S_IMODE(logs.stat().st_mode) == 0o600
    assert await _diff(url) == []
    # Down: back in the database.
    migrate.downgrade(url, "0023_trash_in_owner_indexes")
    assert _log_tables(logs) == set()
    assert _events(path) == [(7, "older"), (9, "newer")]
    migrate.upgrade(url)
    assert _events(logs) == [(7, "older"), (9, "newer")]
    # The file lost (deleted to make room): the start-up's upgrade makes an empty one.
    _delete(tmp_path, "pixsim7-logs.db*")
    migrate.upgrade(url)
    assert _events(logs) == [] and await _diff(url) == []
