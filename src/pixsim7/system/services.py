"""GET /services: what each part of the system holds right now.

Workers (who they are, their heartbeat, the jobs they hold), the database (dialect,
migration revision, jobs by status), Redis (reachable, latency, listeners) and, per
provider, reachability, accounts and jobs in flight. Admins see everything; a user sees
a summary: how many workers live (not their hosts and PIDs), whether each provider is
reachable (not its URL), their own jobs and the accounts they may use.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import time

import httpx
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts.models import AccountStatus, ProviderAccount
from pixsim7.auth.deps import CurrentUser
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.deps import SessionDep
from pixsim7.events import EventBus, RedisEventBus
from pixsim7.jobs.models import Job, Worker
from pixsim7.jobs.states import IN_FLIGHT
from pixsim7.migrate import alembic_config
from pixsim7.providers.base import Provider
from pixsim7.providers.registry import Registry
from pixsim7.system import service as system_service
from pixsim7.system.schemas import Check
from pixsim7.users.models import User

router = APIRouter(tags=["system"])
LIVE = dt.timedelta(seconds=30)  # a worker silent for longer is not shown as live
PROBE_TIMEOUT_S = 3.0
_IN_FLIGHT = [s.value for s in IN_FLIGHT]
_Reach = tuple[str, str, str, str | None]  # provider id, name, reachability, base URL


class WorkerRead(BaseModel):
    id: str
    hostname: str
    pid: int
    started_at: dt.datetime
    heartbeat_at: dt.datetime
    stopping: bool
    jobs_held: int  # every job it holds a live lease on
    job_ids: list[int]


class ProviderReach(BaseModel):
    id: str
    name: str
    status: Check | str
    base_url: str | None  # admins only (an internal host is nobody else's business)
    accounts: int  # accounts the caller may use (admins: all)
    accounts_active: int
    in_flight: int  # the caller's jobs submitting or processing here (admins: everyone's)


class Services(BaseModel):
    database: Check
    database_dialect: str
    database_revision: str | None  # the migration applied
    database_head: str | None  # the newest migration this code ships
    jobs_by_status: dict[str, int]  # the caller's jobs (admins: all)
    redis: Check
    redis_latency_ms: float | None  # a PING's round trip
    event_listeners: int | None  # processes listening on the Redis event channel
    event_subscribers: int  # open event streams and workers in this API process
    workers_live: int  # heartbeating now
    workers: list[WorkerRead] | None  # admins only: hosts, PIDs, what each holds
    providers: list[ProviderReach]


@router.get("/services", response_model=Services)
async def services(request: Request, user: CurrentUser, session: SessionDep) -> Services:
    # End the request session's transaction (auth read): on SQLite it holds the write
    # lock, which the health check's and the workers' own sessions would wait for.
    await session.commit()
    state = request.app.state
    return await overview(state.db, state.bus, state.registry, state.settings, user)


async def overview(
    db: Database, bus: EventBus, registry: Registry, settings: Settings, user: User
) -> Services:
    health = await system_service.health(db, bus)
    latency = await _redis_latency(bus) if health.redis == "ok" else None
    reach = await _reach(registry, settings)
    workers: list[WorkerRead] = []
    by_status: dict[str, int] = {}
    accounts: dict[str, tuple[int, int]] = {}
    in_flight: dict[str, int] = {}
    revision = None
    if health.database == "ok":
        async with db.sessionmaker() as session:
            workers = await _workers(session)
            by_status = await _jobs_by_status(session, user)
            accounts = await _accounts(session, user)
            in_flight = await _in_flight(session, user)
            revision = await session.scalar(text("SELECT version_num FROM alembic_version"))
            await session.commit()
    return Services(
        database=health.database,
        database_dialect=health.database_dialect,
        database_revision=revision,
        database_head=_head(),
        jobs_by_status=by_status,
        redis=health.redis,
        redis_latency_ms=latency,
        event_listeners=await bus.listener_count() if health.redis == "ok" else None,
        event_subscribers=bus.subscriber_count,
        workers_live=len(workers),
        workers=workers if user.is_admin else None,
        providers=[
            ProviderReach(
                id=pid,
                name=name,
                status=status,
                base_url=url if user.is_admin else None,
                accounts=accounts.get(pid, (0, 0))[0],
                accounts_active=accounts.get(pid, (0, 0))[1],
                in_flight=in_flight.get(pid, 0),
            )
            for pid, name, status, url in reach
        ],
    )


def _mine(user: User) -> ColumnElement[bool]:
    return true() if user.is_admin else Job.owner_id == user.id


async def _workers(session: AsyncSession) -> list[WorkerRead]:
    now = clock.now()
    rows = (
        await session.scalars(
            select(Worker).where(Worker.heartbeat_at >= now - LIVE).order_by(Worker.started_at)
        )
    ).all()
    held = (
        await session.execute(
            select(Job.lease_owner, Job.id).where(
                Job.lease_owner.in_([w.id for w in rows]),
                Job.status.in_(_IN_FLIGHT),
                Job.lease_until >= now,
            )
        )
    ).all()
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
            job_ids=sorted(by_worker.get(w.id, [])),
        )
        for w in rows
    ]


async def _jobs_by_status(session: AsyncSession, user: User) -> dict[str, int]:
    rows = await session.execute(
        select(Job.status, func.count()).where(_mine(user)).group_by(Job.status)
    )
    return {status: int(n) for status, n in rows}


async def _accounts(session: AsyncSession, user: User) -> dict[str, tuple[int, int]]:
    """Per provider: (accounts the user may use, of which active)."""
    acc = ProviderAccount
    usable = true() if user.is_admin else or_(acc.is_shared.is_(True), acc.owner_id == user.id)
    active = func.count().filter(acc.status == AccountStatus.ACTIVE.value)
    rows = await session.execute(
        select(acc.provider_id, func.count(), active).where(usable).group_by(acc.provider_id)
    )
    return {provider: (int(n), int(up or 0)) for provider, n, up in rows}


async def _in_flight(session: AsyncSession, user: User) -> dict[str, int]:
    rows = await session.execute(
        select(Job.provider_id, func.count())
        .where(_mine(user), Job.status.in_(_IN_FLIGHT))
        .group_by(Job.provider_id)
    )
    return {provider: int(n) for provider, n in rows}


async def _redis_latency(bus: EventBus) -> float | None:
    if not isinstance(bus, RedisEventBus):
        return None
    start = time.perf_counter()
    if not await bus.healthy():  # a PING
        return None
    return round((time.perf_counter() - start) * 1000, 2)


@functools.cache
def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def _reach(registry: Registry, settings: Settings) -> list[_Reach]:
    """(id, name, reachability, base URL) of every provider; any HTTP answer is reachable."""

    async def probe(
        client: httpx.AsyncClient, provider: Provider
    ) -> tuple[str, str, str, str | None]:
        info = provider.info
        url = None if info.is_local else getattr(settings, f"{info.id}_base_url", None)
        if url is None:
            return info.id, info.name, "ok", None
        try:
            await client.get(url)
            status = "ok"
        except httpx.HTTPError as exc:
            status = f"unreachable ({type(exc).__name__})"
        return info.id, info.name, status, url

    async with httpx.AsyncClient(timeout=PROBE_TIMEOUT_S, follow_redirects=False) as client:
        return list(await asyncio.gather(*(probe(client, p) for p in registry.all())))
