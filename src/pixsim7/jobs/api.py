from __future__ import annotations

from fastapi import APIRouter, Query, status

from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, RegistryDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text, Timestamp
from pixsim7.jobs import bulk, service
from pixsim7.jobs.schemas import (
    JobBatchCreate,
    JobBatchMove,
    JobBatchPriority,
    JobBatchRead,
    JobBatchResult,
    JobCreate,
    JobDetail,
    JobEstimate,
    JobFilters,
    JobRead,
    JobSelection,
    JobStats,
    JobUpdate,
    QueueStateRead,
)
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post(
    "", response_model=JobRead, status_code=status.HTTP_201_CREATED, responses=error_responses(429)
)
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


@router.post(
    "/batch",
    response_model=JobBatchRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(429),
)
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
    cursor: Text | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    status: Text | None = Query(None, max_length=200, description="comma-separated"),
    provider_id: Text | None = Query(None, max_length=32),
    operation_type: Text | None = Query(None, max_length=32),
    workspace_id: Id | None = None,
    q: Text | None = Query(None, max_length=200, description="text in the prompt or name"),
    created_after: Timestamp | None = None,
    created_before: Timestamp | None = None,
) -> Page[JobRead]:
    filters = JobFilters(
        status=status,
        provider_id=provider_id,
        operation_type=operation_type,
        workspace_id=workspace_id,
        q=q,
        created_after=created_after,
        created_before=created_before,
    )
    rows, next_cursor = await service.list(session, user, filters, cursor=cursor, limit=limit)
    return Page(items=[JobRead.model_validate(j) for j in rows], next_cursor=next_cursor)


_BATCH = error_responses(409)


@router.post("/batch/cancel", response_model=JobBatchResult, responses=_BATCH)
async def cancel_jobs(
    data: JobSelection,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    bus: BusDep,
) -> JobBatchResult:
    """Cancel the selected jobs that are waiting or running, all or none."""
    ids = await bulk.cancel(session, user, data, registry=registry, settings=settings, bus=bus)
    return JobBatchResult(ids=ids)


@router.post("/batch/retry", response_model=JobBatchResult, responses=error_responses(409, 429))
async def retry_jobs(
    data: JobSelection, user: CurrentUser, session: SessionDep, bus: BusDep
) -> JobBatchResult:
    """Put the selected failed or cancelled jobs back in the queue, all or none."""
    return JobBatchResult(ids=await bulk.retry(session, user, data, bus=bus))


@router.post("/batch/priority", response_model=JobBatchResult, responses=_BATCH)
async def prioritise_jobs(
    data: JobBatchPriority, user: CurrentUser, session: SessionDep, bus: BusDep
) -> JobBatchResult:
    """Give the selected waiting jobs this priority, all or none."""
    return JobBatchResult(ids=await bulk.set_priority(session, user, data, data.priority, bus=bus))


@router.post("/batch/move", response_model=JobBatchResult)
async def move_jobs(
    data: JobBatchMove, user: CurrentUser, session: SessionDep, bus: BusDep
) -> JobBatchResult:
    """Move the selected jobs to a workspace (or out of any)."""
    return JobBatchResult(ids=await bulk.move(session, user, data, data.workspace_id, bus=bus))


@router.post("/batch/delete", response_model=JobBatchResult, responses=_BATCH)
async def delete_jobs(
    data: JobSelection, user: CurrentUser, session: SessionDep, bus: BusDep
) -> JobBatchResult:
    """Delete the selected finished jobs, all or none (their outputs stay)."""
    return JobBatchResult(ids=await bulk.delete(session, user, data, bus=bus))


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
async def get_job(job_id: Id, user: CurrentUser, session: SessionDep) -> JobDetail:
    return await service.detail(session, user, job_id)


@router.patch("/{job_id}", response_model=JobRead, responses=error_responses(409))
async def update_job(
    job_id: Id, data: JobUpdate, user: CurrentUser, session: SessionDep, bus: BusDep
) -> JobRead:
    return JobRead.model_validate(await service.update(session, user, job_id, data, bus=bus))


@router.post("/{job_id}/cancel", response_model=JobRead, responses=error_responses(409))
async def cancel_job(
    job_id: Id,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    bus: BusDep,
) -> JobRead:
    job = await service.cancel(session, user, job_id, registry=registry, settings=settings, bus=bus)
    return JobRead.model_validate(job)


@router.post("/{job_id}/retry", response_model=JobRead, responses=error_responses(409, 429))
async def retry_job(job_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep) -> JobRead:
    return JobRead.model_validate(await service.retry(session, user, job_id, bus=bus))
