"""The live tail of `GET /logs/stream`: matching lines as Server-Sent Events.

Every process writes its lines to the database (logs/sink.py), so the tail reads them
there, by id, every `poll` seconds: a line from any API or worker process shows, in the
order stored. Each frame's id is the line's id, so a client reconnecting with
`Last-Event-ID` resumes after the last line it got. The stream ends when the server
begins to stop, as `/events` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from fastapi import Request

from pixsim7.logs import service
from pixsim7.logs.schemas import LogFilter, LogRead
from pixsim7.users.models import User


def event_id(header: str | None) -> int | None:
    if header and header.isdigit() and len(header) < 19:
        return int(header)
    return None


def _frame(line: LogRead) -> str:
    return f"id: {line.id}\nevent: log\ndata: {json.dumps(line.model_dump(mode='json'))}\n\n"


async def tail(
    request: Request,
    user: User,
    f: LogFilter,
    start: int | None,
    *,
    poll: float,
    keepalive: float,
) -> AsyncIterator[str]:
    db = request.app.state.db
    stopping: asyncio.Event = request.app.state.stopping
    if start is None:
        async with db.reader() as session:
            start = await service.newest_id(session)
    last = start
    yield f"retry: 2000\nid: {last}\n: connected\n\n"
    quiet = 0.0
    while not stopping.is_set() and not await request.is_disconnected():
        async with db.reader() as session:
            lines = await service.after(session, user, f, last)
        for line in lines:
            last = line.id
            yield _frame(line)
        if len(lines) >= service.TAIL_BATCH:
            continue  # more are waiting
        quiet = 0.0 if lines else quiet + poll
        if quiet >= keepalive:
            quiet = 0.0
            yield ": keep-alive\n\n"
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(poll):
                await stopping.wait()
