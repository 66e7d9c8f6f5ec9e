"""Jobs as users see them: create (validated, quota-checked, costed), list, change, cancel.

The worker side (claim, submit, poll, outcomes) is in `scheduler`, `poller` and `outcomes`;
both sides change a job's status only through conditional UPDATEs, so an API cancel and a
worker's transition never overwrite each other.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from sqlalchemy import Select, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from pixsim7 import clock, errors
from pixsim7.accounts import service as accounts_service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.config import Settings
from pixsim7.db import insert_ignore
from pixsim7.events import BATCH_THRESHOLD, EventBus, emit_each
from pixsim7.jobs import stages, waiting
from pixsim7.jobs.models import Job, JobCost, JobDependency, ProviderSubmission, QueueState
from pixsim7.jobs.schemas import (
    JobCreate,
    JobDetail,
    JobEstimate,
    JobFilters,
    JobRead,
    JobStats,
    JobUpdate,
    SubmissionRead,
)
from pixsim7.jobs.states import TERMINAL, JobStatus
from pixsim7.logging import get_logger
from pixsim7.pagination import paginate
from pixsim7.providers.base import AccountContext, OperationType, Provider
from pixsim7.providers.registry import Registry
from pixsim7.providers.specs import validate_input_types
from pixsim7.quotas import service as quotas_service
from pixsim7.users.models import User
from pixsim7.workspaces import service as workspaces_service

log = get_logger(__name__)
MAX_HISTORY = 100


class JobNotFound(errors.NotFound):
    code = "job_not_found"


# Rows another feature writes with the jobs it asks for, in their transaction.
Link: TypeAlias = Callable[[AsyncSession, "builtins.list[Job]"], Awaitable[None]]


def note(job: Job, event: str, **data: Any) -> None:
    """Append to the job's history (bounded)."""
    job.history = noted(job, event, **data)


def noted(job: Job, event: str, **data: Any) -> builtins.list[dict[str, Any]]:
    """The job's history with this entry appended, for an UPDATE that writes it along with
    a status change (one statement instead of two)."""
    entry = {"at": clock.now().isoformat(), "event": event, **data}
    return [*(job.history or [])[-(MAX_HISTORY - 1) :], entry]


def ending(
    status: JobStatus,
    now: dt.datetime,
    *,
    error_class: str | None = None,
    error_message: str | None = None,
) -> dict[str, Any]:
    """The columns every path that ends a job writes: its end and when, nothing held or
    due any more, and the error of this final outcome only (none unless it failed). Errors
    of earlier attempts are in the job's history and its submissions, not here: a job that
    completed after a failed attempt shows no error."""
    assert status in TERMINAL
    return {
        "status": status.value,
        "completed_at": now,
        "error_class": error_class,
        "error_message": error_message,
        "wait_reason": None,
        "lease_owner": None,
        "lease_until": None,
        "next_check_at": None,
        "updated_at": now,
    }


async def emit(bus: EventBus, job: Job, type: str = "job.updated") -> None:
    data = JobRead.model_validate(job).model_dump(mode="json")
    # Prompts can be long and never change: screens have them from the list or the detail.
    data.pop("params", None)
    data.pop("prompt", None)
    await bus.emit(type, data, user_id=job.owner_id)


async def emit_many(bus: EventBus, jobs: Sequence[Job]) -> None:
    """job.updated for each, or past events.BATCH_THRESHOLD one "job.batch" for them all:
    {"action": "updated", "ids", "count", "statuses" (those they now have), "scheduled_at"
    (the earliest a pending one of them is due, if any)}: what wakes a worker."""
    if len(jobs) <= BATCH_THRESHOLD:
        for job in jobs:
            await emit(bus, job)
        return
    items = [
        ({"id": j.id, "status": j.status, "scheduled_at": j.run_after}, j.owner_id) for j in jobs
    ]
    await emit_each(bus, "job.updated", items, summary=_batch_summary)


def _batch_summary(jobs: builtins.list[dict[str, Any]]) -> dict[str, Any]:
    due = [
        j["scheduled_at"]
        for j in jobs
        if j["status"] == JobStatus.PENDING.value and j["scheduled_at"] is not None
    ]
    return {
        "statuses": sorted({j["status"] for j in jobs}),
        "scheduled_at": min(due).isoformat() if due else None,
    }


async def get_owned(session: AsyncSession, user: User, job_id: int) -> Job:
    job = await session.get(Job, job_id)
    if job is None or job.owner_id != user.id:
        raise JobNotFound("job not found")
    return job


async def reload(session: AsyncSession, job_id: int, *, lock: bool = False) -> Job | None:
    """The job as committed now; `lock`: and held until the transaction ends (PostgreSQL;
    SQLite's write transactions hold the whole database)."""
    stmt = select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()


async def _check(
    session: AsyncSession, user: User, data: JobCreate, *, registry: Registry
) -> tuple[JobEstimate, builtins.list[int], int | None]:
    """Everything `create` checks except quotas, raising field errors: what the job would
    be and cost, the jobs it depends on, and the first of them that has not completed."""
    provider = registry.get(data.provider_id)
    if provider is None:
        raise errors.ValidationFailed(
            "unknown provider", fields={"provider_id": f"unknown provider {data.provider_id!r}"}
        )
    spec = provider.operation(data.operation_type)
    if spec is None:
        raise errors.ValidationFailed(
            "unknown operation",
            fields={"operation_type": f"{provider.info.name} cannot do {data.operation_type!r}"},
        )
    counts: dict[str, int] = {}
    for item in data.inputs:
        counts[item.role] = counts.get(item.role, 0) + 1
    params = provider.validate(spec.type, data.params, counts)
    depends_on = sorted({*data.depends_on, *(i.job_id for i in data.inputs if i.job_id)})
    await workspaces_service.check_target(session, user, data.workspace_id)
    waiting_on = await _check_parents(session, user, depends_on)
    from pixsim7.jobs import handover  # (it imports the worker runtime, which imports us)

    inputs = await handover.check_inputs(
        session, user, [i.model_dump(exclude_none=True) for i in data.inputs]
    )
    validate_input_types(spec, inputs)
    pinned_pool: str | None = None
    if data.account_id is not None:
        try:
            account = await accounts_service.get_usable(session, user, data.account_id)
        except errors.NotFound as exc:
            raise errors.ValidationFailed(
                "account not found", fields={"account_id": "not found"}
            ) from exc
        if account.provider_id != data.provider_id:
            raise errors.ValidationFailed(
                "account of another provider", fields={"account_id": "not this provider's"}
            )
        pinned_pool = account.credit_pool
    op = OperationType(spec.type)
    # One price per pool; the shown estimate is the pinned account's pool, else the first.
    costs = {p: provider.estimate_cost(op, params, p)[0] for p in provider.info.credit_pools}
    credit_type = pinned_pool or next(iter(costs), None)
    priced = JobEstimate(
        provider_id=data.provider_id,
        operation_type=spec.type.value,
        params=params,
        credit_type=credit_type,
        estimated_credits=costs.get(credit_type, 0.0) if credit_type else 0.0,
        costs=costs,
    )
    return priced, depends_on, waiting_on


async def estimate(
    session: AsyncSession, user: User, data: JobCreate, *, registry: Registry
) -> JobEstimate:
    """What `create` would accept and charge, without creating anything (the form's preview)."""
    priced, _, _ = await _check(session, user, data, registry=registry)
    return priced


async def create(
    session: AsyncSession,
    user: User,
    data: JobCreate,
    *,
    registry: Registry,
    settings: Settings,
    bus: EventBus,
) -> Job:
    return (await _create(session, user, [data], registry=registry, bus=bus, numbered=False))[0]


async def create_many(
    session: AsyncSession,
    user: User,
    items: Sequence[JobCreate],
    *,
    registry: Registry,
    settings: Settings,
    bus: EventBus,
    link: Link | None = None,
) -> builtins.list[Job]:
    """Several jobs at once: all of them or none (a refused one is named by its place,
    `jobs.2.params.prompt`), in one transaction that takes them from the daily quota
    together and reads what their wait reasons need once. `link` adds rows of another
    feature that point at the new jobs (a scene node each fills), in that transaction."""
    return await _create(session, user, items, registry=registry, bus=bus, numbered=True, link=link)


async def _create(
    session: AsyncSession,
    user: User,
    items: Sequence[JobCreate],
    *,
    registry: Registry,
    bus: EventBus,
    numbered: bool,
    link: Link | None = None,
) -> builtins.list[Job]:
    jobs: builtins.list[Job] = []
    own: builtins.list[waiting.Own] = []
    parents: builtins.list[builtins.list[int]] = []
    for place, data in enumerate(items):
        try:
            checked, depends_on, waiting_on = await _check(session, user, data, registry=registry)
        except errors.ValidationFailed as exc:
            if numbered:
                exc.fields = {f"jobs.{place}.{k}": v for k, v in exc.fields.items()}
            raise
        job = Job(
            owner_id=user.id,
            workspace_id=data.workspace_id,
            name=data.name,
            prompt=_prompt(checked.params),
            provider_id=checked.provider_id,
            operation_type=checked.operation_type,
            params=checked.params,
            inputs=[i.model_dump(exclude_none=True) for i in data.inputs],
            priority=data.priority,
            run_after=data.scheduled_at,
            pinned_account_id=data.account_id,
            credit_type=checked.credit_type,
            estimated_credits=checked.estimated_credits,
            history=[],
        )
        note(job, "created")
        jobs.append(job)
        own.append(waiting.Own(checked.costs, waiting_on))
        parents.append(depends_on)
    for job, why in zip(jobs, await waiting.reasons_for_new(session, jobs, own), strict=True):
        job.wait_reason = why
    session.add_all(jobs)
    await session.flush()
    for job, mine, depends_on in zip(jobs, own, parents, strict=True):
        session.add_all(JobDependency(job_id=job.id, depends_on_id=p) for p in depends_on)
        session.add_all(
            JobCost(job_id=job.id, credit_type=pool, credits=credits)
            for pool, credits in mine.costs.items()
        )
    if link is not None:
        await link(session, jobs)
    # Counted last: on PostgreSQL this locks the owner's row of the day's usage until the
    # commit, and the poller's count of spent credits updates that row too.
    await quotas_service.take_job(session, user, adding=len(jobs))
    await session.commit()
    for job in jobs:
        stages.stage("created", job, operation=job.operation_type, priority=job.priority)
        await emit(bus, job, "job.created")
    return jobs


def _prompt(params: dict[str, Any]) -> str | None:
    prompt = params.get("prompt")
    return prompt if isinstance(prompt, str) and prompt else None


async def _check_parents(session: AsyncSession, user: User, ids: Sequence[int]) -> int | None:
    """The first of these jobs that has not completed (the one a new job waits for)."""
    if not ids:
        return None
    found = dict(
        (
            await session.execute(
                select(Job.id, Job.status).where(Job.id.in_(ids), Job.owner_id == user.id)
            )
        ).all()
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise errors.ValidationFailed(
            "unknown jobs in depends_on", fields={"depends_on": f"no such job: {missing[0]}"}
        )
    # A job waiting on one that can no longer complete would wait forever.
    dead = [i for i in ids if found[i] in (JobStatus.FAILED, JobStatus.CANCELLED)]
    if dead:
        raise errors.ValidationFailed(
            "a job in depends_on will never complete",
            fields={"depends_on": f"job {dead[0]} is {found[dead[0]]}; retry it first"},
        )
    return next((i for i in ids if found[i] != JobStatus.COMPLETED), None)


def filtered(user: User, f: JobFilters) -> Select[Any]:
    """The user's jobs matching the filters (the list's, and a batch action's selection)."""
    stmt = select(Job).where(Job.owner_id == user.id)
    if f.status:
        stmt = stmt.where(Job.status.in_(f.status.split(",")))
    if f.provider_id:
        stmt = stmt.where(Job.provider_id == f.provider_id)
    if f.operation_type:
        stmt = stmt.where(Job.operation_type == f.operation_type)
    if f.workspace_id is not None:
        stmt = stmt.where(Job.workspace_id.in_(workspaces_service.subtree(user.id, f.workspace_id)))
    if f.created_after:
        stmt = stmt.where(Job.created_at >= f.created_after)
    if f.created_before:
        stmt = stmt.where(Job.created_at < f.created_before)
    if f.q:
        pattern = like_pattern(f.q)
        stmt = stmt.where(
            or_(Job.prompt.ilike(pattern, escape="\\"), Job.name.ilike(pattern, escape="\\"))
        )
    return stmt


def like_pattern(text: str) -> str:
    """A LIKE pattern for `text` anywhere, its own wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def list(
    session: AsyncSession, user: User, filters: JobFilters, *, cursor: str | None, limit: int
) -> tuple[Sequence[Job], str | None]:
    stmt = filtered(user, filters)
    return await paginate(session, stmt, id_column=Job.id, cursor=cursor, limit=limit)


async def detail(session: AsyncSession, user: User, job_id: int) -> JobDetail:
    job = await get_owned(session, user, job_id)
    subs = (
        await session.scalars(
            select(ProviderSubmission)
            .where(ProviderSubmission.job_id == job.id)
            .order_by(ProviderSubmission.id)
        )
    ).all()
    parents = (
        await session.scalars(
            select(JobDependency.depends_on_id).where(JobDependency.job_id == job.id)
        )
    ).all()
    nickname = None
    if job.account_id is not None:
        from pixsim7.accounts.models import ProviderAccount

        account = await session.get(ProviderAccount, job.account_id)
        nickname = account.nickname if account else None
    read = JobRead.model_validate(job).model_dump()
    return JobDetail(
        **read,
        depends_on=[*parents],
        history=job.history or [],
        submissions=[SubmissionRead.model_validate(x) for x in subs],
        account_nickname=nickname,
    )


async def update(
    session: AsyncSession, user: User, job_id: int, data: JobUpdate, *, bus: EventBus
) -> Job:
    job = await get_owned(session, user, job_id)
    changes = data.model_dump(exclude_unset=True)
    if {"priority", "scheduled_at"} & changes.keys() and job.status != JobStatus.PENDING:
        raise errors.Conflict("only a pending job can be rescheduled", code="job_not_pending")
    values: dict[str, Any] = {}
    if "priority" in changes:
        values["priority"] = changes["priority"]
    if "scheduled_at" in changes:
        values["run_after"] = changes["scheduled_at"]
    if "name" in changes:
        values["name"] = changes["name"]
    if values:
        stmt = sql_update_job(job.id).values(**values, updated_at=clock.now())
        if values.keys() - {"name"}:  # schedule changes race the claim: pending only
            stmt = stmt.where(Job.status == JobStatus.PENDING.value)
        result = await session.execute(stmt)
        if not result.rowcount:  # type: ignore[attr-defined]
            raise errors.Conflict("the job has just started", code="job_not_pending")
    job = await reload(session, job.id) or job
    note(job, "updated", **{k: str(v) for k, v in changes.items()})
    job.wait_reason = await waiting.reason(session, job)
    await session.commit()
    await emit(bus, job)
    return job


def sql_update_job(job_id: int) -> Any:
    return sql_update(Job).where(Job.id == job_id).execution_options(synchronize_session=False)


async def cancel(
    session: AsyncSession,
    user: User,
    job_id: int,
    *,
    registry: Registry,
    settings: Settings,
    bus: EventBus,
) -> Job:
    """Pending: cancelled at once. Processing: stopped at the provider and cancelled.

    A job the provider may be running without our being able to stop it keeps its account
    slot (the provider counts it against the account's concurrency) and the cancel is
    recorded for the worker to carry out: while its submit call is under way (it may
    start a job there; the worker stops it when the call returns), and while it runs on
    an API with no cancel (the worker cancels it when the provider finishes it)."""
    job = await get_owned(session, user, job_id)
    for _ in range(3):  # the worker may move the job on between our read and our write
        if job.status in TERMINAL:
            raise errors.Conflict(f"the job is already {job.status}", code="job_finished")
        if job.cancel_requested_at is not None:
            return job
        unstoppable = await runs_on_warning(session, job, registry, settings)
        if job.status == JobStatus.SUBMITTING:
            done = await request_cancel(session, job, reason="the provider call is under way")
        elif unstoppable is not None:
            done = await request_cancel(session, job, reason=unstoppable)
        else:
            done = await cancel_now(session, job)
        if done:
            cancelled = job.status == JobStatus.CANCELLED
            changed = await fail_dependents(session, job) if cancelled else []
            await session.commit()
            for item in (job, *changed):
                await emit(bus, item)
            if cancelled and job.account_id and job.provider_job_id:
                await cancel_at_provider(session, job, registry, settings)
            return job
        job = await reload(session, job.id) or job
    raise errors.Conflict("the job kept changing; try again", code="job_busy")


async def runs_on_warning(
    session: AsyncSession, job: Job, registry: Registry, settings: Settings
) -> str | None:
    """Why a processing job would run on at the provider if cancelled now, or None."""
    if job.status != JobStatus.PROCESSING or job.account_id is None:
        return None
    provider = registry.get(job.provider_id)
    account = await session.get(ProviderAccount, job.account_id)
    if provider is None or account is None:
        return None
    return cannot_stop(provider, accounts_service.context(account, settings))


async def request_cancel(session: AsyncSession, job: Job, *, reason: str) -> bool:
    now = clock.now()
    asked = await session.execute(
        sql_update_job(job.id)
        .where(Job.status == job.status, Job.cancel_requested_at.is_(None))
        .values(cancel_requested_at=now, updated_at=now)
    )
    if not asked.rowcount:  # type: ignore[attr-defined]
        return False
    await session.refresh(job)
    note(job, "cancel requested", reason=reason)
    return True


async def cancel_now(session: AsyncSession, job: Job) -> bool:
    was, account_id = job.status, job.account_id
    now = clock.now()
    result = await session.execute(
        sql_update_job(job.id).where(Job.status == was).values(ending(JobStatus.CANCELLED, now))
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    await session.refresh(job)
    if job.reserved_credits and account_id and job.credit_type:
        await accounts_service.release_credits(
            session, account_id, job.credit_type, job.reserved_credits
        )
        job.reserved_credits = 0.0
    note(job, "cancelled", was=was)
    stages.stage("cancelled", job, was=was)
    return True


def cannot_stop(provider: Provider, account: AccountContext) -> str | None:
    """Why cancelling cannot stop this account's jobs at the provider, or None when it can
    (the API's cancel and the worker's ask the same)."""
    if provider.can_cancel(account):
        return None
    return (
        f"{provider.info.name} offers no cancel on this account's API: the job runs to its "
        "end there and may be charged; it is cancelled here when it ends"
    )


async def cancel_at_provider(
    session: AsyncSession,
    job: Job,
    registry: Registry,
    settings: Settings,
) -> None:
    provider = registry.get(job.provider_id)
    account = await session.get(ProviderAccount, job.account_id) if job.account_id else None
    if provider is None or account is None or not job.provider_job_id:
        return
    try:
        await provider.cancel(accounts_service.context(account, settings), job.provider_job_id)
    except Exception as exc:  # best effort: the job is cancelled on our side either way
        log.warning("provider cancel failed", job_id=job.id, error=str(exc))


async def fail_dependents(session: AsyncSession, parent: Job) -> builtins.list[Job]:
    """Jobs waiting on `parent` (which failed or was cancelled) fail too, transitively.
    Helper: no commit; returns the jobs changed so the caller can emit after committing."""
    changed: builtins.list[Job] = []
    frontier = [parent.id]
    while frontier:
        rows = (
            await session.scalars(
                select(Job)
                .join(JobDependency, JobDependency.job_id == Job.id)
                .where(
                    JobDependency.depends_on_id.in_(frontier),
                    Job.status == JobStatus.PENDING.value,
                )
                # Locked and read afresh: the worker may have just written a wait reason
                # that must not outlive the failure (an unchanged attribute is not written).
                .with_for_update(of=Job)
                .execution_options(populate_existing=True)
            )
        ).all()
        frontier = []
        for child in rows:
            why = f"job {parent.id} it depends on did not complete"
            end = ending(JobStatus.FAILED, clock.now(), error_class="dependency", error_message=why)
            for column, value in end.items():
                setattr(child, column, value)
            note(child, "failed", reason=why)
            changed.append(child)
            frontier.append(child.id)
    return changed


async def fail_orphans(session: AsyncSession) -> builtins.list[Job]:
    """Pending jobs whose parent failed or was cancelled while they were being created
    (after `fail_dependents` ran) fail too. Helper: no commit."""
    parents = (
        await session.scalars(
            select(Job)
            .join(JobDependency, JobDependency.depends_on_id == Job.id)
            .join(Child := aliased(Job), Child.id == JobDependency.job_id)
            .where(
                Job.status.in_([JobStatus.FAILED.value, JobStatus.CANCELLED.value]),
                Child.status == JobStatus.PENDING.value,
            )
            .distinct()
        )
    ).all()
    changed: builtins.list[Job] = []
    for parent in parents:
        changed += await fail_dependents(session, parent)
    return changed


async def retry(session: AsyncSession, user: User, job_id: int, *, bus: EventBus) -> Job:
    """A failed or cancelled job goes back to the queue, with a fresh retry budget."""
    job = await get_owned(session, user, job_id)
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise errors.Conflict("only a failed or cancelled job can be retried", code="job_active")
    await quotas_service.check_job(session, user)
    result = await session.execute(
        sql_update_job(job.id)
        .where(Job.status.in_([JobStatus.FAILED.value, JobStatus.CANCELLED.value]))
        .values(
            status=JobStatus.PENDING.value,
            retries=0,
            error_class=None,
            error_message=None,
            account_id=None,
            provider_job_id=None,
            result_url=None,
            progress=None,
            completed_at=None,
            lease_owner=None,
            lease_until=None,
            cancel_requested_at=None,
            updated_at=clock.now(),
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise errors.Conflict("the job changed meanwhile", code="job_active")
    job = await reload(session, job.id) or job
    note(job, "retried")
    job.wait_reason = await waiting.reason(session, job)
    await session.commit()
    await emit(bus, job)
    return job


async def set_paused(session: AsyncSession, user: User, paused: bool, *, bus: EventBus) -> bool:
    await insert_ignore(session, QueueState, {"user_id": user.id, "paused": paused})
    await session.execute(
        sql_update(QueueState).where(QueueState.user_id == user.id).values(paused=paused)
    )
    await session.commit()
    await bus.emit("queue.updated", {"paused": paused}, user_id=user.id)
    return paused


async def is_paused(session: AsyncSession, user_id: int) -> bool:
    state = await session.get(QueueState, user_id)
    return bool(state and state.paused)


async def stats(session: AsyncSession, user: User) -> JobStats:
    rows = (
        await session.execute(
            select(Job.provider_id, Job.status, func.count())
            .where(Job.owner_id == user.id)
            .group_by(Job.provider_id, Job.status)
        )
    ).all()
    by_status: dict[str, int] = {s.value: 0 for s in JobStatus}
    by_provider: dict[str, dict[str, int]] = {}
    for provider_id, status, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        by_provider.setdefault(provider_id, {})[status] = count
    money = (
        await session.execute(
            select(
                func.coalesce(
                    func.sum(Job.estimated_credits).filter(Job.status == JobStatus.PENDING.value),
                    0.0,
                ),
                func.coalesce(func.sum(Job.actual_credits), 0.0),
            ).where(Job.owner_id == user.id)
        )
    ).one()
    return JobStats(
        by_status=by_status,
        by_provider=by_provider,
        paused=await is_paused(session, user.id),
        credits_estimated_pending=float(money[0] or 0.0),
        credits_spent=float(money[1] or 0.0),
    )
