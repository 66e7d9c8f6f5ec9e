"""Actions on many jobs at once (the queue's multi-select): cancel, retry, change priority,
move to a workspace, delete.

Each is all or none. The jobs are read locked, in id order (on PostgreSQL the worker's
conditional UPDATEs wait for us and its claim skips them; SQLite's write transaction holds
the whole database from its BEGIN), checked, changed and committed together. A selection by
ids must name only the user's jobs (else 404, as for one job: existence never leaks) and
only jobs the action applies to (else 409 naming them); a selection by filter takes the
matching jobs the action applies to.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.config import Settings
from pixsim7.events import EventBus, emit_each
from pixsim7.jobs import service, waiting
from pixsim7.jobs.models import Job, JobDependency
from pixsim7.jobs.schemas import MAX_SELECTION, JobSelection
from pixsim7.jobs.states import TERMINAL, JobStatus
from pixsim7.providers.registry import Registry
from pixsim7.quotas import service as quotas_service
from pixsim7.users.models import User
from pixsim7.workspaces import service as workspaces_service

ACTIVE = [JobStatus.PENDING.value, JobStatus.SUBMITTING.value, JobStatus.PROCESSING.value]
ENDED = [JobStatus.FAILED.value, JobStatus.CANCELLED.value]
FINISHED = [s.value for s in TERMINAL]


class NotApplicable(errors.Conflict):
    code = "jobs_not_applicable"


async def _select(
    session: AsyncSession,
    user: User,
    selection: JobSelection,
    *,
    statuses: Sequence[str] | None,
    why: Callable[[Job], str],
    eligible: Callable[[Job], bool] = lambda job: True,
) -> builtins.list[Job]:
    """The selected jobs, locked, in id order; raises as the module says."""
    if selection.ids is not None:
        ids = sorted(set(selection.ids))
        stmt = select(Job).where(Job.id.in_(ids), Job.owner_id == user.id)
    else:
        assert selection.filter is not None
        stmt = service.filtered(user, selection.filter)
        if statuses is not None:
            stmt = stmt.where(Job.status.in_(statuses))
        count = await session.scalar(select(func.count()).select_from(stmt.subquery()))
        if (count or 0) > MAX_SELECTION:
            raise errors.ValidationFailed(
                "too many jobs match",
                fields={"filter": f"{count} jobs match; narrow it to {MAX_SELECTION} at most"},
            )
    jobs = builtins.list(
        (
            await session.scalars(
                stmt.order_by(Job.id).with_for_update().execution_options(populate_existing=True)
            )
        ).all()
    )
    if selection.ids is not None and len(jobs) != len(ids):
        raise service.JobNotFound("job not found")
    applies = (lambda job: job.status in statuses) if statuses is not None else (lambda job: True)
    refused = [job for job in jobs if not applies(job) or not eligible(job)]
    if refused and selection.ids is not None:
        raise NotApplicable(
            f"{len(refused)} of the selected jobs cannot be changed so: nothing was changed",
            fields={"ids": "; ".join(f"job {job.id} {why(job)}" for job in refused[:10])},
            extra={"ids": [job.id for job in refused]},
        )
    return [job for job in jobs if job not in refused]


async def _finish(session: AsyncSession, bus: EventBus, changed: Sequence[Job]) -> None:
    await session.commit()
    await service.emit_many(bus, changed)


async def cancel(
    session: AsyncSession,
    user: User,
    selection: JobSelection,
    *,
    registry: Registry,
    settings: Settings,
    bus: EventBus,
) -> builtins.list[int]:
    """Cancel each as `service.cancel` cancels one: pending at once, running ones stopped
    at the provider (after the commit), or marked for the worker when they cannot be yet."""
    jobs = await _select(
        session,
        user,
        selection,
        statuses=ACTIVE,
        why=lambda job: (
            f"is already {job.status}" if job.status in FINISHED else "is already being cancelled"
        ),
        eligible=lambda job: job.cancel_requested_at is None,
    )
    changed: builtins.list[Job] = []
    stop_at_provider: builtins.list[Job] = []
    for job in jobs:
        unstoppable = await service.runs_on_warning(session, job, registry, settings)
        if job.status == JobStatus.SUBMITTING:
            unstoppable = "the provider call is under way"
        if unstoppable is not None:
            done = await service.request_cancel(session, job, reason=unstoppable)
        else:
            done = await service.cancel_now(session, job)
        assert done, "the row is locked: the job cannot have moved"
        changed.append(job)
        if job.status == JobStatus.CANCELLED:
            changed += await service.fail_dependents(session, job)
            if job.account_id and job.provider_job_id:
                stop_at_provider.append(job)
    await _finish(session, bus, changed)
    for job in stop_at_provider:
        await service.cancel_at_provider(session, job, registry, settings)
    return [job.id for job in jobs]


async def retry(
    session: AsyncSession, user: User, selection: JobSelection, *, bus: EventBus
) -> builtins.list[int]:
    jobs = await _select(
        session, user, selection, statuses=ENDED, why=lambda job: f"is {job.status}"
    )
    if not jobs:
        return []
    await quotas_service.check_job(session, user, adding=len(jobs))
    now = clock.now()
    for job in jobs:
        for column, value in _requeued(now).items():
            setattr(job, column, value)
        service.note(job, "retried")
    await session.flush()
    for job in jobs:
        job.wait_reason = await waiting.reason(session, job)
    await _finish(session, bus, jobs)
    return [job.id for job in jobs]


def _requeued(now: Any) -> dict[str, Any]:
    """What `service.retry` writes: back to pending, with a fresh retry budget."""
    return {
        "status": JobStatus.PENDING.value,
        "retries": 0,
        "error_class": None,
        "error_message": None,
        "account_id": None,
        "provider_job_id": None,
        "result_url": None,
        "progress": None,
        "completed_at": None,
        "lease_owner": None,
        "lease_until": None,
        "cancel_requested_at": None,
        "updated_at": now,
    }


async def set_priority(
    session: AsyncSession, user: User, selection: JobSelection, priority: int, *, bus: EventBus
) -> builtins.list[int]:
    jobs = await _select(
        session,
        user,
        selection,
        statuses=[JobStatus.PENDING.value],
        why=lambda job: f"is {job.status}, not waiting",
    )
    now = clock.now()
    for job in jobs:
        job.priority = priority
        job.updated_at = now
        service.note(job, "updated", priority=str(priority))
    await _finish(session, bus, jobs)
    return [job.id for job in jobs]


async def move(
    session: AsyncSession,
    user: User,
    selection: JobSelection,
    workspace_id: int | None,
    *,
    bus: EventBus,
) -> builtins.list[int]:
    await workspaces_service.check_target(session, user, workspace_id)
    jobs = await _select(session, user, selection, statuses=None, why=lambda job: "")
    now = clock.now()
    for job in jobs:
        job.workspace_id = workspace_id
        job.updated_at = now
    await _finish(session, bus, jobs)
    return [job.id for job in jobs]


async def delete(
    session: AsyncSession, user: User, selection: JobSelection, *, bus: EventBus
) -> builtins.list[int]:
    """Delete finished jobs (their outputs stay in the gallery). A job whose output a
    waiting job is still to use stays until that one has run."""
    needed = await _needed(session, user)
    jobs = await _select(
        session,
        user,
        selection,
        statuses=FINISHED,
        why=lambda job: (
            f"is {job.status}: cancel it first"
            if job.status not in FINISHED
            else f"is waited for by job {needed[job.id]}"
        ),
        eligible=lambda job: job.id not in needed,
    )
    ids = [job.id for job in jobs]
    if ids:
        await session.execute(sql_delete(Job).where(Job.id.in_(ids)))
    await session.commit()
    await emit_each(bus, "job.deleted", [({"id": job_id}, user.id) for job_id in ids])
    return ids


async def _needed(session: AsyncSession, user: User) -> dict[int, int]:
    """The user's jobs that unfinished jobs depend on: parent -> one such child."""
    rows = await session.execute(
        select(JobDependency.depends_on_id, JobDependency.job_id)
        .join(Job, Job.id == JobDependency.job_id)
        .where(Job.owner_id == user.id, Job.status.in_(ACTIVE))
    )
    return {parent: child for parent, child in rows.all()}
