"""GET /services: live workers and the jobs they hold, database, Redis, providers reachable."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pixsim7 import clock
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import SessionDep
from pixsim7.jobs.models import Job, Worker
from pixsim7.jobs.states import IN_FLIGHT
from pixsim7.providers.base import Provider
from pixsim7.providers.registry import Registry
from pixsim7.system import service as system_service
from pixsim7.system.schemas import Check

router = APIRouter(tags=["system"])
LIVE = dt.timedelta(seconds=30)  # a worker silent for longer is not shown as live
PROBE_TIMEOUT_S = 3.0


class WorkerRead(BaseModel):
    id: str
    hostname: str
    pid: int
    started_at: dt.datetime
    heartbeat_at: dt.datetime
    stopping: bool
    jobs_held: int
    job_ids: list[int] | None  # admins only: other users' job ids are not shown


class ProviderReach(BaseModel):
    id: str
    name: str
    status: Check | str
    base_url: str | None


class Services(BaseModel):
    database: Check
    database_dialect: str
    redis: Check
    workers: list[WorkerRead]
    providers: list[ProviderReach]


@router.get("/services", response_model=Services)
async def services(request: Request, user: CurrentUser, session: SessionDep) -> Services:
    # End the request session's transaction (auth read): on SQLite it holds the write
    # lock, which the health check's and the workers' own sessions would wait for.
    await session.commit()
    state = request.app.state
    health = await system_service.health(state.db, state.bus)
    workers: list[WorkerRead] = []
    if health.database == "ok":
        workers = await _workers(state.db.sessionmaker, show_ids=user.is_admin)
    return Services(
        database=health.database,
        database_dialect=health.database_dialect,
        redis=health.redis,
        workers=workers,
        providers=await _providers(state.registry, state.settings),
    )


async def _workers(
    sessionmaker: async_sessionmaker[AsyncSession], *, show_ids: bool
) -> list[WorkerRead]:
    now = clock.now()
    async with sessionmaker() as session:
        rows = (
            await session.scalars(
                select(Worker).where(Worker.heartbeat_at >= now - LIVE).order_by(Worker.started_at)
            )
        ).all()
        held = (
            await session.execute(
                select(Job.lease_owner, Job.id).where(
                    Job.lease_owner.in_([w.id for w in rows]),
                    Job.status.in_([s.value for s in IN_FLIGHT]),
                    Job.lease_until >= now,
                )
            )
        ).all()
        await session.commit()
    by_worker: dict[str, list[int]] = {}
    for owner, job_id in held:
        by_worker.setdefault(str(owner), []).append(job_id)
    return [
        WorkerRead(
            id=w.id,
            hostname=w.hostname,
            pid=w.pid,
            started_at=w.started_at,
            heartbeat_at=w.heartbeat_at,
            stopping=w.stopping,
            jobs_held=len(by_worker.get(w.id, [])),
            job_ids=sorted(by_worker.get(w.id, [])) if show_ids else None,
        )
        for w in rows
    ]


async def _providers(registry: Registry, settings: object) -> list[ProviderReach]:
    async def probe(client: httpx.AsyncClient, provider: Provider) -> ProviderReach:
        info = provider.info
        url = None if info.is_local else getattr(settings, f"{info.id}_base_url", None)
        if url is None:
            return ProviderReach(id=info.id, name=info.name, status="ok", base_url=None)
        try:
            await client.get(url)  # any HTTP answer means reachable
            status = "ok"
        except httpx.HTTPError as exc:
            status = f"unreachable ({type(exc).__name__})"
        return ProviderReach(id=info.id, name=info.name, status=status, base_url=url)

    async with httpx.AsyncClient(timeout=PROBE_TIMEOUT_S, follow_redirects=False) as client:
        return list(await asyncio.gather(*(probe(client, p) for p in registry.all())))
