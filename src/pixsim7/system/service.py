"""Health of the parts this process depends on."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from pixsim7 import __version__
from pixsim7.db import Database
from pixsim7.events import EventBus, RedisEventBus
from pixsim7.system.schemas import Check, Health


async def health(db: Database, bus: EventBus) -> Health:
    database: Check = "ok"
    try:
        async with db.session() as session:
            await asyncio.wait_for(session.execute(text("SELECT 1")), timeout=5)
    except Exception:
        database = "error"
    redis: Check = "disabled"
    if isinstance(bus, RedisEventBus):
        redis = "ok" if await bus.healthy() else "error"
    ok = database == "ok" and redis != "error"
    return Health(
        status="ok" if ok else "degraded",
        version=__version__,
        database=database,
        database_dialect=db.dialect,
        redis=redis,
    )
