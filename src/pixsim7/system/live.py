"""GET /events: the caller's events as Server-Sent Events (admins see all).

Keep-alive comments flow while nothing happens; a client reconnecting with
``Last-Event-ID`` first gets what it missed within the bus's replay window. The
request authenticates with a short-lived session, so no database transaction
(on SQLite: the write lock) stays open for the life of the stream.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from pixsim7.auth.deps import current_principal
from pixsim7.events import Event, EventBus, visible_to

router = APIRouter(tags=["system"])


def _frame(event: Event) -> str:
    data = json.dumps({"type": event.type, "data": event.data, "ts": event.ts}, default=str)
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


@router.get("/events", response_class=StreamingResponse)
async def events(
    request: Request,
    last_event_id: str | None = Header(default=None),
    keepalive: float = Query(15.0, ge=0.05, le=60.0, description="seconds between keep-alives"),
) -> StreamingResponse:
    async with request.app.state.db.sessionmaker() as session:
        principal = await current_principal(request, session, request.app.state.settings)
        await session.commit()
    allowed = visible_to(principal.user.id, principal.user.is_admin)
    bus: EventBus = request.app.state.bus
    return StreamingResponse(
        _stream(request, bus, allowed, last_event_id, keepalive),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _stream(
    request: Request,
    bus: EventBus,
    allowed: Callable[[Event], bool],
    last_id: str | None,
    keepalive: float,
) -> AsyncIterator[str]:
    # Subscribe before replaying, so nothing falls between the two; ids dedupe the overlap.
    async with bus.subscribe() as queue:
        yield "retry: 2000\n: connected\n\n"
        replayed = bus.replay_after(last_id) if last_id else []
        for event in replayed:
            if allowed(event):
                yield _frame(event)
        # Ids from different processes need not arrive in order, so the overlap is
        # removed by identity, not by comparing ids.
        seen = {e.id for e in replayed}
        while not await request.is_disconnected():
            try:
                async with asyncio.timeout(keepalive):  # (see worker._loop: not wait_for)
                    event = await queue.get()
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event.id not in seen and allowed(event):
                yield _frame(event)
