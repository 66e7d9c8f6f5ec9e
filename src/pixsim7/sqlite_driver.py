"""SQLite run on the event loop's own thread, for SQLAlchemy's asyncio engine.

aiosqlite runs every call in a thread of its own: creating a cursor, executing, fetching and
closing are each a hand-off there and back (a future, a queue, a wake-up of the loop), and
under load each waits for the GIL. A statement of ours takes SQLite itself well under a
millisecond, so those hand-offs cost more than the work: measured, 0.72 ms of CPU per
trivial statement through aiosqlite against 0.28 ms raw. This dialect calls the standard
`sqlite3` module directly instead. It blocks the loop for as long as SQLite runs, which is
short for our statements; the one long wait, for another process's write lock, is not
spent in SQLite's busy handler but in an asyncio sleep (`begin_immediate`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util.concurrency import await_

DRIVER = "sqlite+pixsim7"
LOCK_WAIT_S = 30.0  # how long a writer waits for another process's write lock


class _Cursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """Asked by the asyncio result layer of async drivers' cursors; rows fetched here
        are already in memory, so there is nothing to close early."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    driver = "pixsim7"
    is_async = True  # what the asyncio engine asks for: calls run inside its greenlet
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        # Pooled connections are only used on the loop's thread, but may be closed
        # (garbage-collected, disposed) elsewhere.
        kwargs["check_same_thread"] = False
        kwargs["factory"] = _Connection
        return args, kwargs

    def get_driver_connection(self, connection: Any) -> Any:
        return connection


def begin_immediate(dbapi_conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for another process's write lock in asyncio sleeps that
    grow to 20 ms (this process's own writers queue for the one pooled connection)."""
    delay, waited = 0.0005, 0.0
    while True:
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited >= LOCK_WAIT_S:
                raise
        await_(asyncio.sleep(delay))
        waited += delay
        delay = min(delay * 2, 0.02)


registry.register("sqlite.pixsim7", "pixsim7.sqlite_driver", "InlineSQLiteDialect")
