from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, status

from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, RegistryDep, SessionDep, SettingsDep
from pixsim7.jobs import service
from pixsim7.jobs.schemas import (
    JobBatchCreate,
    JobBatchRead,
    JobCreate,
    JobDetail,
    JobEstimate,
    JobRead,
    JobStats,
    JobUpdate,
    QueueStateRead,
)
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("", response_model=JobRead, status_code=status.HTTP_201_CREATED)
async def create_job(
    data: JobCreate,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    bus: BusDep,
) -> JobRead:
    job = await service.create(session, user, data, registry=registry, settings=settings, bus=bus)
    return JobRead.model_validate(job)


@router.post("/batch", response_model=JobBatchRead, status_code=status.HTTP_201_CREATED)
async def create_jobs(
    data: JobBatchCreate,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    bus: BusDep,
) -> JobBatchRead:
    jobs = await service.create_many(
        session, user, data.jobs, registry=registry, settings=settings, bus=bus
    )
    return JobBatchRead(jobs=[JobRead.model_validate(j) for j in jobs])


@router.post("/estimate", response_model=JobEstimate)
async def estimate_job(
    data: JobCreate, user: CurrentUser, session: SessionDep, registry: RegistryDep
) -> JobEstimate:
    return await service.estimate(session, user, data, registry=registry)


@router.get("", response_model=Page[JobRead])
async def list_jobs(
    user: CurrentUser,
    session: SessionDep,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    status: str | None = None,
    provider_id: str | None = None,
    operation_type: str | None = None,
    workspace_id: int | None = None,
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
) -> Page[JobRead]:
    rows, next_cursor = await service.list(
        session,
        user,
        cursor=cursor,
        limit=limit,
        status=status,
        provider_id=provider_id,
        operation_type=operation_type,
        workspace_id=workspace_id,
        created_after=created_after,
        created_before=created_before,
    )
    return Page(items=[JobRead.model_validate(j) for j in rows], next_cursor=next_cursor)


@router.get("/stats", response_model=JobStats)
async def job_stats(user: CurrentUser, session: SessionDep) -> JobStats:
    return await service.stats(session, user)


@router.post("/pause", response_model=QueueStateRead)
async def pause_queue(user: CurrentUser, session: SessionDep, bus: BusDep) -> QueueStateRead:
    return QueueStateRead(paused=await service.set_paused(session, user, True, bus=bus))


@router.post("/resume", response_model=QueueStateRead)
async def resume_queue(user: CurrentUser, session: SessionDep, bus: BusDep) -> QueueStateRead:
    return QueueStateRead(paused=await service.set_paused(session, user, False, bus=bus))


@router.get("/{job_id}", response_model=JobDetail)
async def get_job(job_id: int, user: CurrentUser, session: SessionDep) -> JobDetail:
    return await service.detail(session, user, job_id)


@router.patch("/{job_id}", response_model=JobRead)
async def update_job(
    job_id: int, data: JobUpdate, user: CurrentUser, session: SessionDep, bus: BusDep
) -> JobRead:
    return JobRead.model_validate(await service.update(session, user, job_id, data, bus=bus))


@router.post("/{job_id}/cancel", response_model=JobRead)
async def cancel_job(
    job_id: int,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    bus: BusDep,
) -> JobRead:
    job = await service.cancel(session, user, job_id, registry=registry, settings=settings, bus=bus)
    return JobRead.model_validate(job)


@router.post("/{job_id}/retry", response_model=JobRead)
async def retry_job(job_id: int, user: CurrentUser, session: SessionDep, bus: BusDep) -> JobRead:
    return JobRead.model_validate(await service.retry(session, user, job_id, bus=bus))
