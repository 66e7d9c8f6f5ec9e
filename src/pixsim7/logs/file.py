"""SQLite: log lines written into (and deleted from) their own file (db.logs_file) by a
thread of its own.

On SQLite every statement of the app runs on the event loop's thread (sqlite_driver.py),
so a batch of lines inserted there, through the table's ten indexes, held up everything
else: measured, 18 us of the loop's CPU a line, 6-7 % of the scheduler's peak rate with
its six lines a job (bench/README.md, "Logs"). Here a batch is one statement that SQLite
runs without Python's lock (the GIL): the lines go in as one JSON array, unpacked by
`json_each`, so the insert, its indexes and its share of the write-ahead log take the
other core. What is left on the loop is handing the lines over (3.6 us a line).
Retention's deletes run there too (on the loop, a chunk of 5,000 held it up for 49 ms,
and chunks followed one another).

One thread per file, running one thing at a time, so writes never overlap and whatever
is asked of it is done in order; the connection is its own (SQLite's, not the app's pool).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from pixsim7.logs.models import LogEntry

T = TypeVar("T")

# Every column but the id, the time first (`payload` formats it).
COLUMNS = ["ts", *(c.name for c in LogEntry.__table__.columns if c.name not in ("id", "ts"))]
_INSERT = (
    f"INSERT INTO log_entries ({', '.join(COLUMNS)}) SELECT "
    + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(COLUMNS)))
    + " FROM json_each(?)"
)


def _ts(value: dt.datetime) -> str:
    """As the app's SQLite columns store a time (db.UTCDateTime): UTC, to the microsecond."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def payload(rows: Sequence[dict[str, Any]]) -> str:
    """The rows (sink.to_row's) as one JSON array of arrays, in COLUMNS' order."""
    # Their text is what SQLite takes as it is (sink._text: no lone surrogate).
    return json.dumps(
        [[_ts(r["ts"]), *(r[c] for c in COLUMNS[1:])] for r in rows], ensure_ascii=False
    )


class LogFile:
    def __init__(self, path: Path, *, lock_wait_s: float) -> None:
        self.path = path
        self.lock_wait_s = lock_wait_s
        self._conn: sqlite3.Connection | None = None
        self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="log-file")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the file's thread, after whatever was asked before. It runs to
        its end even when the caller stops waiting (cancelled, timed out)."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store the rows in one transaction (the file's thread only). Waits up to
        `lock_wait_s` for another process's write; raises when the file is unusable."""
        data = payload(rows)
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(_INSERT, (data,))
            conn.execute("COMMIT")
        except BaseException:
            self._close()  # a fresh connection next time, whatever state this one is in
            raise

    def prune(self, before: dt.datetime | None, keep: int, chunk: int) -> int:
        """Delete lines older than `before` and beyond the newest `keep` (0: no such
        bound), oldest first, `chunk` a transaction (the file's thread only); how many."""
        conn = self._connect()
        where, params = [], []
        if before is not None:
            where.append("ts < ?")
            params.append(_ts(before))
        if keep > 0:
            edge = conn.execute(
                "SELECT id FROM log_entries ORDER BY id DESC LIMIT 1 OFFSET ?", (keep,)
            ).fetchone()
            if edge is not None:
                where.append("id <= ?")
                params.append(edge[0])
        if not where:
            return 0
        delete = (
            "DELETE FROM log_entries WHERE id IN (SELECT id FROM log_entries "
            f"WHERE {' OR '.join(where)} ORDER BY id LIMIT ?)"
        )
        deleted = 0
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                count = conn.execute(delete, (*params, chunk)).rowcount
                conn.execute("COMMIT")
            except BaseException:
                self._close()
                raise
            deleted += count
            if count < chunk:
                return deleted

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            # mode=rw: a file that is gone is not made again here, tableless and with
            # SQLite's mode (the migrations make it); the write fails and lines wait.
            conn = sqlite3.connect(
                f"file:{quote(str(self.path))}?mode=rw",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.lock_wait_s,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._conn = conn
        return self._conn

    def _close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def close(self) -> None:
        """Close the connection once what was asked before is done (without waiting)."""
        self._thread.submit(self._close)
        self._thread.shutdown(wait=False)
