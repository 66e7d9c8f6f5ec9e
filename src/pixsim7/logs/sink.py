"""The database copy of a process's log lines.

A structlog processor (`processor`, placed after redaction in `pixsim7.logging`) hands
each line to the process's `Sink`, which keeps it in a bounded buffer; a task writes the
buffer in batches, when it holds `batch` lines or every `flush_s`. Logging never waits
for the database: a line that finds the buffer full is dropped and counted, and the
stdout/file copy is rendered as before whatever happens here. While the database is
unreachable lines stay buffered (up to `buffer`) and are written once it is back.

Lines come from any thread (work handed to threads logs too), so the buffer is guarded
by a lock and the writer is woken through the event loop. On SQLite the lines are written
into their own file by a thread of its own (logs/file.py), off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
import os
import socket
import threading
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert

from pixsim7 import clock
from pixsim7.db import Database, logs_file
from pixsim7.logs import metrics
from pixsim7.logs.file import LogFile
from pixsim7.logs.models import LogEntry

LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "critical": 50}
LEVEL_NAMES = {10: "debug", 20: "info", 30: "warning", 40: "error", 50: "critical"}
_INT64 = 2**63 - 1
_MAX_TEXT = 2000  # a field's string in `extra`
_MAX_EXCEPTION = 20_000
_MAX_DEPTH = 4
# Fields with a column of their own; the rest go to `extra`.
_STRINGS = {
    "request_id": 128,
    "provider": 32,
    "stage": 32,
    "error_class": 32,
    "worker_id": 64,
    "process": 32,
}
_IDS = ("user_id", "job_id", "account_id")
_SKIP = {"event", "level", "logger", "timestamp", "exception", "stack", "provider_id"}
# Names a line's free fields may not take: they would fill a column (or what structlog
# reads) instead of landing in `extra`.
RESERVED = frozenset({*_STRINGS, *_IDS, *_SKIP, "duration_ms", "exc_info", "stack_info"})
_INSERT = insert(cast(Table, LogEntry.__table__))


@dataclass(frozen=True)
class SinkConfig:
    level: int = 20  # lines below are not stored
    batch: int = 500  # lines per INSERT; a full batch is written at once
    flush_s: float = 1.0  # the longest a line waits in the buffer
    buffer: int = 10_000  # lines kept while the database is slow or away
    write_timeout_s: float = 10.0


def instance_id() -> str:
    """This process, as lines name it when no worker id is bound: host and pid."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


class Sink:
    def __init__(self, db: Database, *, process: str, config: SinkConfig | None = None) -> None:
        self.db = db
        self.process = process
        self.config = config or SinkConfig()
        self.instance = instance_id()
        self.written = 0
        self.dropped = 0
        self.failing = False  # the last write failed (the database is unreachable)
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = asyncio.Event()
        self._flushing = asyncio.Lock()  # one writer at a time takes lines off the front
        self._loop = asyncio.get_running_loop()
        self._task: asyncio.Task[None] | None = None
        self._file: LogFile | None = None  # SQLite's, for `db` (`_log_file`)

    def offer(self, event_dict: MutableMapping[str, Any]) -> None:
        """Buffer one line (any thread; never blocks, never raises)."""
        level = LEVELS.get(str(event_dict.get("level", "info")), 20)
        if level < self.config.level:
            return
        row = to_row(event_dict, level=level, process=self.process, instance=self.instance)
        with self._lock:
            if len(self._rows) >= self.config.buffer:
                self.dropped += 1
                metrics.LOG_LINES_DROPPED.inc()
                return
            self._rows.append(row)
            full = len(self._rows) == self.config.batch
        if full:
            with contextlib.suppress(RuntimeError):  # the loop has closed: stop() flushes
                self._loop.call_soon_threadsafe(self._wake.set)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="log-sink")

    async def stop(self, grace_s: float = 5.0) -> None:
        """Write what is buffered (within `grace_s`), then stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace_s):
                await self.flush()
        if self._file is not None:
            self._file.close()
            self._file = None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._rows)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.flush_s):
                    await self._wake.wait()
            self._wake.clear()
            await self.flush()

    async def flush(self) -> int:
        """Write the buffer, a batch at a time; returns the lines written. A failed write
        keeps its lines for the next try."""
        async with self._flushing:
            return await self._flush()

    async def _flush(self) -> int:
        done = 0
        while True:
            try:
                count = await self._write_front()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._failed(exc)
                return done
            if not count:
                return done
            done += count
            self._recovered()

    async def _write_front(self) -> int:
        """Write the oldest lines, a batch, and take them off the buffer; how many."""
        file = self._log_file()
        if file is not None:
            # The file's thread takes them off itself: a flush that stops waiting (the
            # sink stopping) cannot leave lines written but kept, to be written again.
            return await file.run(self._write_front_to, file)
        batch = self._front()
        if batch:
            async with asyncio.timeout(self.config.write_timeout_s):
                await self._insert(batch)
            self._taken(len(batch))
        return len(batch)

    def _write_front_to(self, file: LogFile) -> int:
        batch = self._front()
        if batch:
            file.insert(batch)
            self._taken(len(batch))
        return len(batch)

    def _front(self) -> list[dict[str, Any]]:
        with self._lock:
            return self._rows[: self.config.batch]

    def _taken(self, count: int) -> None:
        # Only the one flush writing (the `_flushing` lock, or the file's one thread) takes
        # lines off the front.
        with self._lock:
            del self._rows[:count]
            self.written += count
        metrics.LOG_LINES_WRITTEN.inc(count)

    def _log_file(self) -> LogFile | None:
        """SQLite's writer of the lines' own file, for the database written to now."""
        path = logs_file(self.db.url)
        if path is None:
            return None
        if self._file is None or self._file.path != path:
            if self._file is not None:  # (a test points the sink at another database)
                self._file.close()
            self._file = LogFile(path, lock_wait_s=self.config.write_timeout_s)
        return self._file

    async def _insert(self, batch: list[dict[str, Any]]) -> None:
        # A Core insert of the table: every column is given, so the ORM's bulk path has
        # nothing to add but its cost (measured, a third of the insert's CPU on PostgreSQL).
        async with self.db.logmaker() as session:
            await session.execute(_INSERT, batch)
            await session.commit()

    def _failed(self, exc: Exception) -> None:
        if not self.failing:
            self.failing = True
            from pixsim7.logging import get_logger

            get_logger(__name__).warning(
                "log lines not stored; kept in memory until the database answers",
                error=f"{type(exc).__name__}: {exc}"[:500],
                buffered=self.pending,
            )

    def _recovered(self) -> None:
        if self.failing:
            self.failing = False
            from pixsim7.logging import get_logger

            get_logger(__name__).warning("log lines stored again", dropped=self.dropped)


def to_row(
    event_dict: MutableMapping[str, Any], *, level: int, process: str, instance: str
) -> dict[str, Any]:
    """The LogEntry columns of a (redacted) line."""
    row: dict[str, Any] = {
        "ts": clock.now(),
        "level": level,
        "logger": _text(event_dict.get("logger") or "root", 128),
        "event": _text(event_dict.get("event", ""), 1000),
        "process": process,
        "worker_id": instance,
        "request_id": None,
        "user_id": None,
        "job_id": None,
        "account_id": None,
        "provider": None,
        "stage": None,
        "duration_ms": None,
        "error_class": None,
        "exception": None,
    }
    extra: dict[str, Any] = {}
    for key, value in event_dict.items():
        if key in _SKIP:
            continue
        if key in _STRINGS and isinstance(value, str | int) and value != "":
            row[key] = _text(value, _STRINGS[key])
        elif key in _IDS and (number := _id(value)) is not None:
            row[key] = number
        elif key == "duration_ms" and isinstance(value, int | float) and math.isfinite(value):
            row[key] = float(value)
        else:
            extra[_text(key, 100)] = _jsonable(value, 0)
    if row["provider"] is None and isinstance(event_dict.get("provider_id"), str):
        row["provider"] = _text(event_dict["provider_id"], 32)
    trace = event_dict.get("exception") or event_dict.get("stack")
    if trace:
        row["exception"] = _text(trace, _MAX_EXCEPTION)
    row["extra"] = extra
    return row


def _text(value: Any, limit: int) -> str:
    """Text both databases take: no NUL (PostgreSQL refuses it) and no lone surrogate (a
    name decoded with errors="surrogateescape" has them; no UTF-8 encodes them), either of
    which would have the whole batch refused at every try, and every line after it held."""
    text = str(value).replace("\x00", "\ufffd")[:limit]
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def _id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and 0 < value <= _INT64 else None


def _jsonable(value: Any, depth: int) -> Any:
    """What JSON columns on both databases store: no NUL, no NaN, bounded depth and size."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -_INT64 - 1 <= value <= _INT64 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _text(value, _MAX_TEXT)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if depth < _MAX_DEPTH and isinstance(value, dict):
        return {_text(k, 100): _jsonable(v, depth + 1) for k, v in list(value.items())[:50]}
    if depth < _MAX_DEPTH and isinstance(value, list | tuple | set):
        return [_jsonable(v, depth + 1) for v in list(value)[:50]]
    return _text(value, _MAX_TEXT)


# The process's sink, fed by `processor`: one per process (the API's lifespan, or a
# `pixsim7 worker`), set while it runs.
_active: Sink | None = None


def processor(_logger: Any, _name: str, event_dict: MutableMapping[str, Any]) -> Any:
    sink = _active
    if sink is not None:
        try:
            sink.offer(event_dict)
        except Exception:  # a line that cannot be stored is still printed
            sink.dropped += 1
            metrics.LOG_LINES_DROPPED.inc()
    return event_dict


@contextlib.asynccontextmanager
async def running(db: Database, *, process: str, config: SinkConfig) -> AsyncIterator[Sink]:
    """The process's sink, writing to `db` while the block runs; what is left is written
    when it ends."""
    global _active
    sink = Sink(db, process=process, config=config)
    sink.start()
    previous, _active = _active, sink
    try:
        yield sink
    finally:
        if _active is sink:
            _active = previous
        await sink.stop()
