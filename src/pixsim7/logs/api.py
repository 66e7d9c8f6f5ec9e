"""GET /logs (filtered pages with facets), GET /logs/stream (the live tail), POST /logs
(the web app's and the extension's own lines), GET /logs/jobs/{id}/timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import StreamingResponse

from pixsim7.auth.deps import CurrentUser, current_principal
from pixsim7.deps import ReaderDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text, Timestamp
from pixsim7.logs import service, stream
from pixsim7.logs.schemas import (
    ClientLogAccepted,
    ClientLogBatch,
    Level,
    LogFilter,
    LogPage,
    Timeline,
)
from pixsim7.openapi import SSE_EVENT, error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/logs", tags=["logs"])


def log_filter(
    level: Level | None = Query(None, description="this level and above"),
    logger: Text | None = Query(None, description="this logger and those below it"),
    q: Text | None = Query(None, description="text in the message"),
    since: Timestamp | None = None,
    until: Timestamp | None = None,
    request_id: Text | None = None,
    job_id: Id | None = None,
    user_id: Id | None = None,
    account_id: Id | None = None,
    provider: Text | None = None,
    stage: Text | None = None,
    error_class: Text | None = None,
    process: Text | None = None,
) -> LogFilter:
    return LogFilter(
        level=level,
        logger=logger,
        q=q,
        since=since,
        until=until,
        request_id=request_id,
        job_id=job_id,
        user_id=user_id,
        account_id=account_id,
        provider=provider,
        stage=stage,
        error_class=error_class,
        process=process,
    )


Filter = Annotated[LogFilter, Depends(log_filter)]


# Lines are read through a reader session (deps.ReaderDep): on SQLite they are in a file of
# their own, which only readers see beside the database's tables.
@router.get("", response_model=LogPage)
async def list_logs(
    user: CurrentUser,
    session: ReaderDep,
    f: Filter,
    cursor: Text | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    facets: bool = Query(True, description="count matches by level, logger, provider, class"),
) -> LogPage:
    """Stored lines, newest first. Admins see every line; a user, the lines about their
    own requests, jobs and accounts."""
    return await service.list(session, user, f, cursor=cursor, limit=limit, facets=facets)


@router.post(
    "",
    response_model=ClientLogAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(429),
)
async def post_logs(
    request: Request,
    batch: ClientLogBatch,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ClientLogAccepted:
    """Lines of the web app's or the extension's own (errors they met), stored with the
    server's under the caller's name; rate limited per user."""
    limiter = request.app.state.client_log_limiter
    await limiter.take(user.id, len(batch.lines), settings.client_logs_per_minute)
    return ClientLogAccepted(accepted=await service.record_client(session, user, batch))


@router.get("/jobs/{job_id}/timeline", response_model=Timeline, responses=error_responses(404))
async def job_timeline(job_id: Id, user: CurrentUser, session: ReaderDep) -> Timeline:
    """The stages of a job's life, across every process that handled it, in order."""
    return await service.timeline(session, user, job_id)


# Authenticated inside (a short session: no transaction stays open for the stream).
@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-Sent Events: each new matching line as `log`, oldest first.",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        }
    },
    openapi_extra={"security": [{"bearer": []}]},
)
async def stream_logs(
    request: Request,
    f: Filter,
    after: int | None = Query(None, ge=0, le=2**63 - 1, description="lines after this id"),
    last_event_id: Text | None = Header(default=None),
    poll: float = Query(1.0, ge=0.05, le=30.0, description="seconds between reads"),
    keepalive: float = Query(15.0, ge=0.05, le=60.0, description="seconds between keep-alives"),
) -> StreamingResponse:
    """The live tail: lines stored from now on (or after `after` / `Last-Event-ID`) that
    match the same filters as `GET /logs`."""
    async with request.app.state.db.sessionmaker() as session:
        principal = await current_principal(request, session, request.app.state.settings)
        await session.commit()
    start = after if after is not None else stream.event_id(last_event_id)
    return StreamingResponse(
        stream.tail(request, principal.user, f, start, poll=poll, keepalive=keepalive),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
