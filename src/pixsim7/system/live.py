"""GET /events: the caller's events as Server-Sent Events (admins see all).

Keep-alive comments flow while nothing happens; a client reconnecting with
``Last-Event-ID`` first gets what it missed within the bus's replay window. Frames
carry ``seq``, numbered 1, 2, 3… per stream; where the bus lost events for this
stream, a number is skipped and an ``events.lost`` frame follows, so the client
sees the gap at once and refetches what it shows. The
request authenticates with a short-lived session, so no database transaction
(on SQLite: the write lock) stays open for the life of the stream. The stream ends
when the server begins to stop (`app.stop`): an open one must not hold the process up,
and the browser reconnects to whichever server is up next.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from pixsim7.auth.deps import current_principal
from pixsim7.events import LOST, Event, EventBus, view_for
from pixsim7.fields import Text
from pixsim7.openapi import SSE_EVENT

router = APIRouter(tags=["system"])


def _frame(event: Event, seq: int) -> str:
    frame = {"type": event.type, "data": event.data, "ts": event.ts, "seq": seq}
    data = json.dumps(frame, default=str)
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


def _lost(seq: int) -> str:
    # No id: a reconnect resumes after the last real event, not after this notice.
    data = json.dumps({"type": LOST.type, "data": {}, "seq": seq})
    return f"event: {LOST.type}\ndata: {data}\n\n"


# Authenticated inside (see above), so the security requirement is declared by hand.
@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-Sent Events, one per state change, until the client leaves.",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        }
    },
    openapi_extra={"security": [{"bearer": []}]},
)
async def events(
    request: Request,
    last_event_id: Text | None = Header(default=None),
    keepalive: float = Query(15.0, ge=0.05, le=60.0, description="seconds between keep-alives"),
) -> StreamingResponse:
    async with request.app.state.db.sessionmaker() as session:
        principal = await current_principal(request, session, request.app.state.settings)
        await session.commit()
    view = view_for(principal.user.id, principal.user.is_admin)
    bus: EventBus = request.app.state.bus
    return StreamingResponse(
        _stream(request, bus, view, last_event_id, keepalive),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    request: Request,
    bus: EventBus,
    view: Callable[[Event], Event | None],
    last_id: str | None,
    keepalive: float,
) -> AsyncIterator[str]:
    # Subscribe before replaying, so nothing falls between the two; ids dedupe the overlap.
    async with bus.subscribe() as queue:
        yield "retry: 2000\n: connected\n\n"
        replayed = bus.replay_after(last_id) if last_id else []
        seq = 0
        for event in replayed:
            if (seen_as := view(event)) is not None:
                seq += 1
                yield _frame(seen_as, seq)
        # Ids from different processes need not arrive in order, so the overlap is
        # removed by identity, not by comparing ids.
        seen = {e.id for e in replayed}
        stopping: asyncio.Event = request.app.state.stopping
        while not stopping.is_set() and not await request.is_disconnected():
            got = await _next(queue, stopping, keepalive)
            if got is None:
                if not stopping.is_set():
                    yield ": keep-alive\n\n"
                continue
            if got is LOST:
                seq += 2  # a number no frame carries: the gap
                yield _lost(seq)
            elif got.id not in seen and (seen_as := view(got)) is not None:
                seq += 1
                yield _frame(seen_as, seq)


async def _next(
    queue: asyncio.Queue[Event], stopping: asyncio.Event, keepalive: float
) -> Event | None:
    """The next event; None when `keepalive` seconds pass first, or the server stops."""
    get = asyncio.ensure_future(queue.get())
    stop = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({get, stop}, timeout=keepalive, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
        if not get.done():
            get.cancel()  # (a cancelled get takes nothing from the queue)
    return get.result() if get.done() and not get.cancelled() else None
