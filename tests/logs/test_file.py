"""SQLite's writer of the log lines' own file, in a thread of its own: it stores what the
table's insert would, once, even when the flush that asked stops waiting."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, insert, select

from pixsim7.db import Database, logs_file
from pixsim7.logging import get_logger
from pixsim7.logs import sink
from pixsim7.logs.file import LogFile
from pixsim7.logs.models import LogEntry


def _lines() -> list[dict[str, Any]]:
    base: dict[str, Any] = {"level": "info", "logger": "pixsim7.test"}
    lines = [
        {**base, "event": "plain", "job_id": 2**62, "duration_ms": 0.5, "stage": "polled"},
        {**base, "event": "unicode ✓ 😀", "nested": {"a": [1, None, "é"], "b": {"c": True}}},
        {**base, "event": "nothing else", "exception": "Traceback (most recent call last)"},
    ]
    return [sink.to_row(line, level=20, process="api", instance="h-1") for line in lines]


async def _read(db: Database) -> list[dict[str, Any]]:
    async with db.reader() as session:
        rows = await session.scalars(select(LogEntry).order_by(LogEntry.id))
        return [
            {c.name: getattr(r, c.name) for c in LogEntry.__table__.columns if c.name != "id"}
            for r in rows
        ]


async def test_the_file_stores_what_the_tables_insert_would(database_url: str) -> None:
    db = Database(database_url)
    path = logs_file(database_url)
    if path is None:
        await db.dispose()
        pytest.skip("SQLite's log file")
    rows = _lines()
    rows[0]["ts"] = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    file = LogFile(path, lock_wait_s=5)
    try:
        await file.run(file.insert, rows)
        threaded = await _read(db)
        async with db.logmaker() as session:
            await session.execute(delete(LogEntry))
            await session.execute(insert(LogEntry.__table__), rows)  # as on PostgreSQL
            await session.commit()
        assert await _read(db) == threaded
        assert threaded[0]["ts"] == dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)
        assert threaded[1]["extra"] == {"nested": {"a": [1, None, "é"], "b": {"c": True}}}
        # A string no UTF-8 can hold is stored all the same (its character replaced),
        # not refused with the rest of its batch every time it is tried.
        broken = sink.to_row({"event": "bad \udc80 byte"}, level=20, process="api", instance="h")
        await file.run(file.insert, [broken])
        assert (await _read(db))[-1]["event"] == "bad ? byte"
    finally:
        file.close()
        await db.dispose()


async def test_a_missing_file_is_not_made_again_by_the_writer(tmp_path: Path) -> None:
    file = LogFile(tmp_path / "gone-logs.db", lock_wait_s=1)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await file.run(file.insert, _lines())
    finally:
        file.close()
    assert not (tmp_path / "gone-logs.db").exists()


async def test_a_write_given_up_still_stores_its_lines_once(app: FastAPI, db_logs: None) -> None:
    """The flush waiting for another writer's lock is cancelled (the sink stopping); the
    write goes on in its thread, takes the lines off the buffer once stored, and the next
    flush does not store them again."""
    path = logs_file(app.state.db.url)
    if path is None:
        pytest.skip("SQLite's log file")
    active = sink._active
    assert active is not None
    await active.flush()
    log = get_logger("pixsim7.test")
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        for i in range(3):
            log.info("given up", n=i)
        flush = asyncio.create_task(active.flush())
        await asyncio.sleep(0.3)  # the write waits for the lock in its thread
        flush.cancel()
        with pytest.raises(asyncio.CancelledError):
            await flush
        other.execute("ROLLBACK")
    await active.flush()  # after the given-up write, in the same thread: nothing left
    assert active.pending == 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        stored = conn.execute("SELECT count(*) FROM log_entries WHERE event = 'given up'")
        assert stored.fetchone() == (3,)
