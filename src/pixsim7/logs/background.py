"""What the logs feature runs in every process: its database sink, and retention."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from pixsim7 import clock, tasks
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.logging import get_logger
from pixsim7.logs import service, sink

log = get_logger(__name__)


def sink_config(settings: Settings) -> sink.SinkConfig:
    return sink.SinkConfig(
        level=sink.LEVELS[settings.log_db_level.lower()],
        batch=settings.log_db_batch,
        flush_s=settings.log_db_flush_s,
        buffer=settings.log_db_buffer,
    )


@contextlib.asynccontextmanager
async def running(db: Database, settings: Settings, *, process: str) -> AsyncIterator[None]:
    """The sink and the retention loop, while the block runs (nothing with `log_db` off).
    Every process prunes: deleting what another already deleted costs one query."""
    if not settings.log_db:
        yield
        return
    async with (
        sink.running(db, process=process, config=sink_config(settings)),
        tasks.running(_retention(db, settings), "log-retention"),
    ):
        yield


async def _retention(db: Database, settings: Settings) -> None:
    while True:
        try:
            deleted = await service.prune(
                db,
                now=clock.now(),
                days=settings.log_retention_days,
                rows=settings.log_retention_rows,
            )
            if deleted:
                log.info("old log lines deleted", deleted=deleted)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database away: try again next time
            log.warning("log retention failed", error=f"{type(exc).__name__}: {exc}"[:500])
        await asyncio.sleep(settings.log_retention_every_s)
