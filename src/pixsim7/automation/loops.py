"""Loops: on a schedule, pick an account by the loop's rule and run its presets on it.

A step is taken by one conditional UPDATE on the loop row (its `next_run_at` as read), in
the same transaction that queues the step's first execution: of any number of workers
exactly one takes each step, and a crash between the two leaves neither. The loop then
waits for that execution; when it ends (`execution_finished`), the step's next preset is
queued, or the step is over and the next one is scheduled. The rows are the state: a
restarted worker goes on from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts.models import AccountStatus, ProviderAccount, ProviderCredit
from pixsim7.automation import devices, executions, presets
from pixsim7.automation.models import (
    AutomationExecution,
    ExecutionLoop,
    ExecutionStatus,
)
from pixsim7.automation.schemas import (
    LoopConfig,
    LoopCreate,
    LoopRead,
    LoopUpdate,
    Schedule,
    Selection,
    parse_time,
)
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.logging import get_logger
from pixsim7.users.models import User

log = get_logger(__name__)
ACTIVE, PAUSED, STOPPED = "active", "paused", "stopped"
IDLE_RETRY = dt.timedelta(minutes=5)  # no account to run now: look again after this


class LoopNotFound(errors.NotFound):
    code = "loop_not_found"


def read(loop: ExecutionLoop) -> LoopRead:
    return LoopRead(
        id=loop.id,
        owner_id=loop.owner_id,
        name=loop.name,
        status=loop.status,
        status_message=loop.status_message,
        config=loop.config,
        device_id=loop.device_id,
        next_run_at=loop.next_run_at,
        last_run_at=loop.last_run_at,
        runs_today=loop.runs_today if loop.run_day == _day(clock.now()) else 0,
        consecutive_failures=loop.consecutive_failures,
        current_execution_id=loop.current_execution_id,
        created_at=loop.created_at,
        updated_at=loop.updated_at,
    )


def _day(when: dt.datetime) -> str:
    return when.date().isoformat()


# -- the schedule (pure) ---------------------------------------------------------------


def in_window(config: LoopConfig, when: dt.datetime) -> bool:
    if config.schedule != Schedule.DAILY_WINDOW:
        return True
    start, end, now = parse_time(config.window_start), parse_time(config.window_end), when.time()
    return start <= now < end if start < end else (now >= start or now < end)


def window_start_after(config: LoopConfig, when: dt.datetime) -> dt.datetime:
    """The next opening of the daily window at or after `when` (UTC)."""
    start = parse_time(config.window_start)
    candidate = when.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)
    return candidate if candidate >= when else candidate + dt.timedelta(days=1)


def next_after_step(config: LoopConfig, started: dt.datetime, ended: dt.datetime) -> dt.datetime:
    """When the step after one that started and ended at these times is due."""
    soonest = ended + dt.timedelta(seconds=config.delay_s)
    if config.schedule == Schedule.INTERVAL:
        return max(started + dt.timedelta(seconds=config.interval_s), soonest)
    return soonest if in_window(config, soonest) else window_start_after(config, soonest)


def next_day(config: LoopConfig, when: dt.datetime) -> dt.datetime:
    midnight = (when + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        window_start_after(config, midnight)
        if config.schedule == Schedule.DAILY_WINDOW
        else midnight
    )


# -- choosing the account --------------------------------------------------------------


def presets_for(config: LoopConfig, account_id: int) -> list[int]:
    return list(config.account_presets.get(str(account_id)) or config.preset_ids)


async def _candidates(
    session: AsyncSession, loop: ExecutionLoop, config: LoopConfig, now: dt.datetime
) -> list[tuple[ProviderAccount, float]]:
    credits = (
        select(ProviderCredit.account_id, func.sum(ProviderCredit.amount).label("total"))
        .group_by(ProviderCredit.account_id)
        .subquery()
    )
    stmt: Any = (
        select(ProviderAccount, func.coalesce(credits.c.total, 0.0))
        .outerjoin(credits, credits.c.account_id == ProviderAccount.id)
        .where(
            ProviderAccount.owner_id == loop.owner_id,
            ProviderAccount.provider_id == config.provider_id,
            ProviderAccount.status != AccountStatus.DISABLED.value,
        )
    )
    if config.selection == Selection.SPECIFIC:
        stmt = stmt.where(ProviderAccount.id.in_(config.account_ids))
    elif config.account_presets and not config.preset_ids:
        stmt = stmt.where(ProviderAccount.id.in_([int(k) for k in config.account_presets]))
    rows = [(account, float(total)) for account, total in (await session.execute(stmt)).all()]
    if config.min_credits is not None:
        rows = [r for r in rows if r[1] >= config.min_credits]
    if config.max_credits is not None:
        rows = [r for r in rows if r[1] <= config.max_credits]
    if config.skip_success_within_h:
        since = now - dt.timedelta(hours=config.skip_success_within_h)
        recent = set(
            await session.scalars(
                select(AutomationExecution.account_id).where(
                    AutomationExecution.loop_id == loop.id,
                    AutomationExecution.status == ExecutionStatus.COMPLETED.value,
                    AutomationExecution.finished_at > since,
                )
            )
        )
        rows = [r for r in rows if r[0].id not in recent]
    return rows


def choose(
    rows: Sequence[tuple[ProviderAccount, float]], config: LoopConfig, cursor: int
) -> ProviderAccount | None:
    """The account whose turn it is, by the loop's rule."""
    if not rows:
        return None
    if config.selection == Selection.MOST_CREDITS:
        return sorted(rows, key=lambda r: (-r[1], r[0].id))[0][0]
    if config.selection == Selection.LEAST_CREDITS:
        return sorted(rows, key=lambda r: (r[1], r[0].id))[0][0]
    ids = sorted(r[0].id for r in rows)  # round robin (and specific): the next id after the last
    chosen = next((i for i in ids if i > cursor), ids[0])
    return next(r[0] for r in rows if r[0].id == chosen)


# -- steps -----------------------------------------------------------------------------


async def _queue_preset(
    session: AsyncSession, loop: ExecutionLoop, owner: User, account: ProviderAccount, index: int
) -> AutomationExecution | None:
    """The step's `index`-th preset queued, or None (a preset deleted or unrunnable: the
    reason is the loop's status message)."""
    config = LoopConfig.model_validate(loop.config)
    ids = presets_for(config, account.id)
    if index >= len(ids):
        return None
    try:
        preset = await presets.get_owned(session, owner, ids[index])
        executions.check_account(preset.actions, account)
    except errors.AppError as exc:
        loop.status_message = f"preset {ids[index]} for account {account.id}: {exc.message}"
        return None
    return await executions.queue(
        session,
        owner=owner,
        preset=preset,
        account=account,
        device_id=loop.device_id,
        variables={},
        loop_id=loop.id,
    )


async def take_step(
    session: AsyncSession, loop: ExecutionLoop, *, forced: bool = False
) -> AutomationExecution | None:
    """Takes the loop's step if it is still due as read (or `forced`: run now); queues its
    first execution. The caller commits. None when the step was taken elsewhere or there
    is nothing to run now (then the loop says why and is rescheduled)."""
    now = clock.now()
    config = LoopConfig.model_validate(loop.config)
    seen = loop.next_run_at
    taken = await session.execute(
        sql_update(ExecutionLoop)
        .where(
            ExecutionLoop.id == loop.id,
            ExecutionLoop.current_execution_id.is_(None),
            (
                ExecutionLoop.next_run_at.is_(None)
                if seen is None
                else ExecutionLoop.next_run_at == seen
            ),
        )
        .values(next_run_at=now + IDLE_RETRY)
    )
    if not getattr(taken, "rowcount", 0):
        return None
    await session.refresh(loop)
    if loop.run_day != _day(now):
        loop.run_day, loop.runs_today = _day(now), 0
    if not forced and config.daily_cap is not None and loop.runs_today >= config.daily_cap:
        loop.next_run_at = next_day(config, now)
        loop.status_message = f"daily cap of {config.daily_cap} reached"
        return None
    if not forced and not in_window(config, now):
        loop.next_run_at = window_start_after(config, now)
        return None
    owner = await session.get(User, loop.owner_id)
    account = choose(await _candidates(session, loop, config, now), config, loop.cursor)
    if owner is None or account is None:
        loop.status_message = "no account to run now"
        return None
    execution = await _queue_preset(session, loop, owner, account, 0)
    if execution is None:
        return None
    loop.cursor = account.id
    loop.step_account_id, loop.step_preset_index = account.id, 0
    loop.current_execution_id = execution.id
    loop.last_run_at = now
    loop.status_message = None
    loop.next_run_at = None  # set when the step ends
    return execution


async def tick(db: Database, bus: EventBus, *, limit: int = 20) -> int:
    """Take the steps of the loops that are due; returns how many were taken."""
    now = clock.now()
    async with db.reader() as session:
        due = list(
            await session.scalars(
                select(ExecutionLoop.id)
                .where(
                    ExecutionLoop.status == ACTIVE,
                    ExecutionLoop.current_execution_id.is_(None),
                    ExecutionLoop.next_run_at <= now,
                )
                .order_by(ExecutionLoop.next_run_at)
                .limit(limit)
            )
        )
    taken = 0
    for loop_id in due:
        async with db.session() as session:
            loop = await session.get(ExecutionLoop, loop_id)
            if loop is None or loop.status != ACTIVE:
                continue
            execution = await take_step(session, loop)
            await session.commit()
        if execution is not None:
            taken += 1
            await executions.emit(bus, execution)
        await _emit(bus, loop)
    return taken


async def execution_finished(db: Database, execution: AutomationExecution) -> None:
    """A loop's execution ended: queue the step's next preset, or end the step."""
    if execution.loop_id is None:
        return
    async with db.session() as session:
        loop = await session.get(ExecutionLoop, execution.loop_id)
        if loop is None or loop.current_execution_id != execution.id:
            return
        config = LoopConfig.model_validate(loop.config)
        ok = execution.status == ExecutionStatus.COMPLETED.value
        loop.consecutive_failures = 0 if ok else loop.consecutive_failures + 1
        if ok:
            owner = await session.get(User, loop.owner_id)
            account = (
                await session.get(ProviderAccount, loop.step_account_id)
                if loop.step_account_id
                else None
            )
            if owner and account:
                follow = await _queue_preset(
                    session, loop, owner, account, loop.step_preset_index + 1
                )
                if follow is not None:
                    loop.step_preset_index += 1
                    loop.current_execution_id = follow.id
                    await session.commit()
                    return
        _end_step(loop, config)
        if loop.consecutive_failures >= config.max_consecutive_failures:
            loop.status = STOPPED
            loop.status_message = f"stopped after {loop.consecutive_failures} failures in a row"
        await session.commit()


def _end_step(loop: ExecutionLoop, config: LoopConfig) -> None:
    now = clock.now()
    started = loop.last_run_at or now
    loop.current_execution_id = None
    loop.step_account_id, loop.step_preset_index = None, 0
    if loop.run_day != _day(now):
        loop.run_day, loop.runs_today = _day(now), 0
    loop.runs_today += 1
    loop.next_run_at = next_after_step(config, started, now)


async def _emit(bus: EventBus, loop: ExecutionLoop) -> None:
    await bus.emit("loop.updated", {"id": loop.id, "status": loop.status}, user_id=loop.owner_id)


# -- the API's side --------------------------------------------------------------------


async def get_owned(session: AsyncSession, user: User, loop_id: int) -> ExecutionLoop:
    loop = await session.get(ExecutionLoop, loop_id)
    if loop is None or loop.owner_id != user.id:
        raise LoopNotFound("loop not found")
    return loop


async def _check(
    session: AsyncSession, user: User, config: LoopConfig, device_id: int | None
) -> None:
    ids = set(config.preset_ids) | {p for ps in config.account_presets.values() for p in ps}
    for preset_id in sorted(ids):
        try:
            await presets.get_owned(session, user, preset_id)
        except presets.PresetNotFound as exc:
            raise errors.ValidationFailed(
                "no such preset", fields={"config.preset_ids": f"no preset {preset_id}"}
            ) from exc
    named = set(config.account_ids) | {int(k) for k in config.account_presets}
    if named:
        own = set(
            await session.scalars(
                select(ProviderAccount.id).where(
                    ProviderAccount.id.in_(named), ProviderAccount.owner_id == user.id
                )
            )
        )
        if named - own:
            raise errors.ValidationFailed(
                "no such account", fields={"config.account_ids": "not all are your accounts"}
            )
    if device_id is not None:
        try:
            await devices.get_owned(session, user, device_id)
        except devices.DeviceNotFound as exc:
            raise errors.ValidationFailed(
                "no such device", fields={"device_id": "no such device"}
            ) from exc


async def list_owned(session: AsyncSession, user: User) -> Sequence[ExecutionLoop]:
    return (
        await session.scalars(
            select(ExecutionLoop)
            .where(ExecutionLoop.owner_id == user.id)
            .order_by(ExecutionLoop.id)
        )
    ).all()


async def create(session: AsyncSession, user: User, data: LoopCreate) -> ExecutionLoop:
    await _check(session, user, data.config, data.device_id)
    now = clock.now()
    config = data.config
    loop = ExecutionLoop(
        owner_id=user.id,
        name=data.name,
        status=ACTIVE if data.active else PAUSED,
        config=config.model_dump(mode="json"),
        device_id=data.device_id,
        next_run_at=now if in_window(config, now) else window_start_after(config, now),
        runs_today=0,
        consecutive_failures=0,
        cursor=0,
        step_preset_index=0,
    )
    session.add(loop)
    await session.commit()
    return loop


async def update(
    session: AsyncSession, user: User, loop_id: int, data: LoopUpdate
) -> ExecutionLoop:
    loop = await get_owned(session, user, loop_id)
    changes = data.model_dump(exclude_unset=True)
    config = data.config or LoopConfig.model_validate(loop.config)
    await _check(session, user, config, changes.get("device_id", loop.device_id))
    if data.config is not None:
        loop.config = data.config.model_dump(mode="json")
    if data.name is not None:
        loop.name = data.name
    if "device_id" in changes:
        loop.device_id = changes["device_id"]
    await session.commit()
    return loop


async def delete(session: AsyncSession, user: User, loop_id: int) -> None:
    loop = await get_owned(session, user, loop_id)
    await session.delete(loop)
    await session.commit()


async def set_status(
    session: AsyncSession, bus: EventBus, user: User, loop_id: int, *, active: bool
) -> ExecutionLoop:
    loop = await get_owned(session, user, loop_id)
    now = clock.now()
    loop.status = ACTIVE if active else PAUSED
    if active:
        loop.consecutive_failures = 0
        loop.status_message = None
        if loop.next_run_at is None and loop.current_execution_id is None:
            loop.next_run_at = now
    await session.commit()
    await _emit(bus, loop)
    return loop


async def run_now(
    session: AsyncSession, bus: EventBus, user: User, loop_id: int
) -> AutomationExecution:
    """Takes a step now, whatever the schedule, cap or window (not while one runs)."""
    loop = await get_owned(session, user, loop_id)
    if loop.current_execution_id is not None:
        raise errors.Conflict("a step of this loop is under way", code="loop_busy")
    execution = await take_step(session, loop, forced=True)
    message = loop.status_message
    await session.commit()
    if execution is None:
        raise errors.Conflict(message or "nothing to run now", code="loop_nothing_to_run")
    await executions.emit(bus, execution)
    await _emit(bus, loop)
    return execution
