"""Lines into the database: batched, redacted, never blocking; kept while the database is
away and written when it is back, dropped and counted past the buffer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pixsim7.config import Settings
from pixsim7.db import Database, logs_file, sqlite_file
from pixsim7.jobs.models import Job
from pixsim7.logging import get_logger
from pixsim7.logs import sink
from pixsim7.logs.models import LogEntry
from tests.conftest import PASSWORD, Users
from tests.logs.conftest import stored

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlLXZhbHVl"


def test_a_line_becomes_columns_and_extra() -> None:
    row = sink.to_row(
        {
            "event": "submitted",
            "level": "info",
            "logger": "pixsim7.jobs",
            "timestamp": "2026-01-01T00:00:00Z",
            "job_id": 7,
            "user_id": "3",
            "account_id": True,  # not an id: kept in extra
            "provider_id": "pixverse",
            "stage": "submitted",
            "duration_ms": 12.5,
            "error_class": "quota",
            "request_id": "r-1",
            "exception": "Traceback ...",
            "nested": {"a": [1, float("nan"), "x\x00y"]},
            "big": 10**30,
        },
        level=20,
        process="worker",
        instance="host-1",
    )
    assert row["job_id"] == 7 and row["user_id"] == 3 and row["account_id"] is None
    assert row["provider"] == "pixverse" and row["stage"] == "submitted"
    assert row["duration_ms"] == 12.5 and row["error_class"] == "quota"
    assert row["request_id"] == "r-1" and row["exception"] == "Traceback ..."
    assert row["process"] == "worker" and row["worker_id"] == "host-1"
    assert row["extra"] == {
        "account_id": True,
        "nested": {"a": [1, "nan", "x\ufffdy"]},
        "big": str(10**30),
    }


async def _rows(app: FastAPI) -> list[LogEntry]:
    async with app.state.db.reader() as session:
        return list(await session.scalars(select(LogEntry).order_by(LogEntry.id)))


async def test_lines_are_stored_redacted_with_their_request(
    app: FastAPI, client: httpx.AsyncClient, users: Users, db_logs: None
) -> None:
    headers = await users.create("sink@example.com")
    token = headers["Authorization"].split()[1]
    r = await client.get("/api/v1/users/me", headers={**headers, "X-Request-ID": "req-sink-1"})
    me = r.json()["id"]
    try:
        raise RuntimeError(f"boom with Bearer {token}")
    except RuntimeError:
        get_logger("pixsim7.test").exception(
            "it failed", password=PASSWORD, note=f"jwt {JWT}", job_id=5
        )
    get_logger("pixsim7.test").debug("below the level")
    await stored(app)
    rows = await _rows(app)
    access = [r for r in rows if r.request_id == "req-sink-1"]
    assert len(access) == 1 and access[0].event == "request" and access[0].user_id == me
    assert access[0].extra["path"] == "/api/v1/users/me" and access[0].process == "api"
    failed = [r for r in rows if r.event == "it failed"]
    assert len(failed) == 1 and failed[0].level == logging.ERROR and failed[0].job_id == 5
    assert failed[0].exception and "RuntimeError" in failed[0].exception
    assert not [r for r in rows if r.event == "below the level"]
    # No secret in any stored column.
    for row in rows:
        text = " ".join(str(v) for v in (row.event, row.exception, row.extra))
        for secret in (token, PASSWORD, JWT, "$argon2"):
            assert secret not in text, row.event


async def test_an_unreachable_database_keeps_lines_then_drops_and_counts(
    settings: Settings, db_logs: None, caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    # A SQLite file in a directory that does not exist: every write fails at once.
    away = Database(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    # Written only when the test says so (no timed flush in between).
    config = sink.SinkConfig(batch=100, flush_s=3600, buffer=5)
    log = get_logger("pixsim7.test")
    with caplog.at_level(logging.INFO):
        async with sink.running(away, process="worker", config=config) as s:
            for i in range(8):
                log.info("line", n=i)  # never waits, never raises
            await s.flush()
            # The warning about the failed write took a place in the buffer, or was dropped.
            assert s.failing and s.pending == 5 and s.dropped >= 3
            # Printed all the same.
            assert sum('"event": "line"' in r.getMessage() for r in caplog.records) == 8
            # The database is back: what was kept is written.
            back = Database(settings.effective_database_url)
            s.db = back
            # (the notice that they are stored again is written with them)
            assert await s.flush() == 6 and s.pending == 0 and not s.failing
        async with back.reader() as session:
            kept = list(await session.scalars(select(LogEntry).order_by(LogEntry.id)))
        await back.dispose()
    await away.dispose()
    assert [r.extra["n"] for r in kept if r.event == "line"] == [0, 1, 2, 3, 4]
    assert kept[-1].event == "log lines stored again" and kept[-1].extra["dropped"] == 4


async def test_lines_from_threads_are_stored(app: FastAPI, db_logs: None) -> None:
    log = get_logger("pixsim7.test")
    await asyncio.gather(*(asyncio.to_thread(log.info, "threaded", n=i) for i in range(20)))
    await stored(app)
    rows = [r for r in await _rows(app) if r.event == "threaded"]
    assert sorted(r.extra["n"] for r in rows) == list(range(20))


async def test_a_line_no_database_would_take_is_stored_mended_and_holds_up_none(
    app: FastAPI, db_logs: None
) -> None:
    log = get_logger("pixsim7.test")
    name = b"clip-\xff.mp4".decode("utf-8", "surrogateescape")  # a file name, as os gives it
    log.info(f"read {name}", path=name, **{f"key {name}": {name: [name]}})
    log.info("the next line")
    await stored(app)
    rows = await _rows(app)
    [mended] = [r for r in rows if r.event.startswith("read ")]
    assert mended.event == "read clip-?.mp4"
    assert mended.extra["path"] == "clip-?.mp4"
    assert mended.extra["key clip-?.mp4"] == {"clip-?.mp4": ["clip-?.mp4"]}
    assert any(r.event == "the next line" for r in rows)
    assert sink._active is not None and not sink._active.failing


async def test_on_sqlite_lines_are_written_apart_from_the_database(
    app: FastAPI, db_logs: None
) -> None:
    """Another writer (the scheduler, another process) holding the database's write lock
    holds up no log line, and the lines grow neither the database nor its write-ahead
    log: they have a file of their own (db.logs_file)."""
    db = app.state.db
    main, logs = sqlite_file(db.url), logs_file(db.url)
    if main is None or logs is None:
        pytest.skip("PostgreSQL keeps the lines with the rest")
    with contextlib.closing(sqlite3.connect(main, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # held until the lines are written
        get_logger("pixsim7.test").info("while the database is locked", job_id=3)
        async with asyncio.timeout(5):
            await stored(app)
        other.execute("ROLLBACK")
        tables = {name for (name,) in other.execute("SELECT name FROM sqlite_master")}
    assert "log_entries" not in tables
    with contextlib.closing(sqlite3.connect(logs)) as conn:
        events = {event for (event,) in conn.execute("SELECT event FROM log_entries")}
    assert "while the database is locked" in events
    # Readers see them beside the database's tables, in one query.
    async with db.reader() as session:
        jobless = await session.scalars(
            select(LogEntry.event).where(LogEntry.job_id.not_in(select(Job.id)))
        )
        assert "while the database is locked" in set(jobless)
