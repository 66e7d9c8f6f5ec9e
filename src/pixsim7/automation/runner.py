"""Running executions in a worker: take a queued one with a free device (one statement each,
conditional, so two workers never take the same execution or device), run it while
renewing both leases, write down each step, finish it, and sync the account's credits
after a log-in or reward preset.

A worker that dies mid-execution stops renewing: once the lease lapses any worker
(`recover`) marks the execution failed, saying why, and frees its device.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts import credentials, refresh
from pixsim7.accounts.models import ProviderAccount
from pixsim7.automation import actions as A
from pixsim7.automation import devices, executions
from pixsim7.automation.adb import AdbError, AdbServer, DeviceIO
from pixsim7.automation.executor import ActionFailed, Cancelled, Executor, Step
from pixsim7.automation.models import (
    SYNCS_CREDITS,
    AutomationExecution,
    Device,
    ExecutionScreenshot,
    ExecutionStatus,
)
from pixsim7.automation.relay import AgentDevice
from pixsim7.automation.variables import Secrets
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.logging import get_logger
from pixsim7.providers.registry import Registry
from pixsim7.users.models import User

log = get_logger(__name__)
MAX_LOG_LINES = 2000
CLAIM_SCAN = 20  # queued executions looked at per claim (those whose device is busy wait)
LOST_LEASE = "the worker running it stopped (its lease lapsed); it may have stopped mid-way"
_EXECUTIONS = cast(Table, AutomationExecution.__table__)


@dataclass
class Context:
    worker_id: str
    db: Database
    bus: EventBus
    registry: Registry
    settings: Settings
    heartbeat_s: float = 5.0
    running: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.settings.automation_lease_s)


@dataclass
class Claimed:
    execution_id: int
    device_id: int


async def claim(ctx: Context) -> Claimed | None:
    """The oldest queued execution that has a free device it may use, both leased."""
    # Most looks find nothing queued: a read without the write lock (on SQLite the job
    # claims queue for that one lock) says so first.
    async with ctx.db.reader() as reader:
        if not await reader.scalar(
            select(exists().where(AutomationExecution.status == ExecutionStatus.QUEUED.value))
        ):
            return None
    async with ctx.db.session() as session:
        now = clock.now()
        until = now + ctx.lease
        e = _EXECUTIONS.c
        pick: Any = (
            select(AutomationExecution)
            .where(e.status == ExecutionStatus.QUEUED.value)
            .order_by(e.id)
            .limit(CLAIM_SCAN)
        )
        if ctx.db.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        for execution in (await session.scalars(pick)).all():
            owner = await session.get(User, execution.owner_id)
            if owner is None:
                continue
            device_id = await devices.lease(
                session,
                owner=owner,
                execution_id=execution.id,
                worker_id=ctx.worker_id,
                until=until,
                device_id=execution.requested_device_id,
            )
            if device_id is None:
                continue
            execution.status = ExecutionStatus.RUNNING.value
            execution.device_id = device_id
            execution.lease_owner, execution.lease_until = ctx.worker_id, until
            execution.started_at = now
            await session.commit()
            await executions.emit(ctx.bus, execution)
            return Claimed(execution.id, device_id)
        await session.commit()
    return None


async def recover(ctx: Context) -> int:
    """Executions whose worker stopped renewing fail; their devices are freed."""
    now = clock.now()
    async with ctx.db.reader() as reader:
        leases = (
            select(Device.id)
            .where(Device.lease_until < now)
            .union_all(
                select(AutomationExecution.id).where(
                    AutomationExecution.status == ExecutionStatus.RUNNING.value,
                    AutomationExecution.lease_until < now,
                )
            )
            .limit(1)
        )
        if (await reader.execute(leases)).first() is None:
            return 0
    async with ctx.db.session() as session:
        lost = (
            await session.scalars(
                select(AutomationExecution).where(
                    AutomationExecution.status == ExecutionStatus.RUNNING.value,
                    AutomationExecution.lease_until < now,
                )
            )
        ).all()
        for execution in lost:
            _finish(execution, ExecutionStatus.FAILED, LOST_LEASE)
            if execution.device_id is not None:
                await devices.release(
                    session, device_id=execution.device_id, execution_id=execution.id
                )
        # A device whose execution ended without releasing it (its row is gone).
        await session.execute(
            update(Device)
            .where(Device.lease_until < now)
            .values(lease_owner=None, lease_until=None, lease_execution_id=None)
        )
        await session.commit()
    for execution in lost:
        log.warning("execution lost its worker", execution_id=execution.id)
        await executions.emit(ctx.bus, execution)
    return len(lost)


def _finish(
    execution: AutomationExecution,
    status: ExecutionStatus,
    message: str | None = None,
    failed: ActionFailed | None = None,
) -> None:
    execution.status = status.value
    execution.finished_at = clock.now()
    execution.lease_owner = execution.lease_until = None
    execution.error_message = message
    if failed is not None:
        execution.error_action_path = failed.path
        execution.error_action_type = failed.action_type
        execution.error_params = failed.params


async def renew(ctx: Context, claimed: Claimed) -> bool:
    """Extends both leases; True when a cancel was asked for."""
    until = clock.now() + ctx.lease
    async with ctx.db.session() as session:
        await session.execute(
            update(AutomationExecution)
            .where(
                AutomationExecution.id == claimed.execution_id,
                AutomationExecution.lease_owner == ctx.worker_id,
            )
            .values(lease_until=until)
        )
        await devices.renew(
            session, worker_id=ctx.worker_id, device_id=claimed.device_id, until=until
        )
        await session.commit()
        cancel = await session.scalar(
            select(AutomationExecution.cancel_requested).where(
                AutomationExecution.id == claimed.execution_id
            )
        )
    return bool(cancel)


def device_io(ctx: Context, device: Device) -> DeviceIO:
    if device.agent_id is not None:
        box = credentials.box(ctx.settings)
        return AgentDevice(ctx.db, box, agent_id=device.agent_id, serial=device.serial)
    return AdbServer(ctx.settings.adb_address).device(device.serial)


async def _values(
    session: AsyncSession, ctx: Context, execution: AutomationExecution
) -> tuple[dict[str, str], Secrets]:
    values = {k: str(v) for k, v in (execution.variables or {}).items()}
    account = (
        await session.get(ProviderAccount, execution.account_id) if execution.account_id else None
    )
    if account is None:
        return values, Secrets()
    stored = credentials.load(account, credentials.box(ctx.settings))
    account_values = {
        "email": account.email,
        "nickname": account.nickname,
        "password": stored.password,
    }
    values.update({k: v for k, v in account_values.items() if v is not None})
    return values, Secrets.of([stored.password])


async def run(ctx: Context, claimed: Claimed) -> None:
    """Runs a claimed execution to its end (completed, failed or cancelled)."""
    async with ctx.db.session() as session:
        execution = await session.get(AutomationExecution, claimed.execution_id)
        device = await session.get(Device, claimed.device_id)
        assert execution is not None and device is not None
        try:
            values, secrets = await _values(session, ctx, execution)
        except ValueError:
            values, secrets = {}, Secrets()
            _finish(execution, ExecutionStatus.FAILED, "the account's credentials cannot be read")
            await _close(ctx, session, execution, claimed)
            return
        actions = A.parse(execution.actions)
        io = device_io(ctx, device)
    cancelled = asyncio.Event()
    executor = Executor(
        io,
        values=values,
        secrets=secrets,
        on_step=lambda step: _step(ctx, claimed, step),
        on_screenshot=lambda png, label: _screenshot(ctx, claimed, png, label),
        is_cancelled=cancelled.is_set,
    )
    keeper = asyncio.create_task(_keep(ctx, claimed, cancelled))
    outcome: tuple[ExecutionStatus, str | None, ActionFailed | None]
    try:
        await executor.run(actions)
        outcome = (ExecutionStatus.COMPLETED, None, None)
    except ActionFailed as exc:
        outcome = (ExecutionStatus.FAILED, exc.message, exc)
    except Cancelled:
        outcome = (ExecutionStatus.CANCELLED, "cancelled", None)
    except AdbError as exc:
        outcome = (ExecutionStatus.FAILED, secrets.mask(f"the device did not answer: {exc}"), None)
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
    async with ctx.db.session() as session:
        execution = await session.get(AutomationExecution, claimed.execution_id)
        assert execution is not None
        if execution.lease_owner != ctx.worker_id:  # recovered meanwhile: not ours to end
            return
        _finish(execution, outcome[0], outcome[1], outcome[2])
        await _close(ctx, session, execution, claimed)
    if outcome[0] == ExecutionStatus.COMPLETED:
        await _sync_credits(ctx, claimed.execution_id)


async def _close(
    ctx: Context, session: AsyncSession, execution: AutomationExecution, claimed: Claimed
) -> None:
    await devices.release(session, device_id=claimed.device_id, execution_id=execution.id)
    await session.commit()
    log.info("execution finished", execution_id=execution.id, status=execution.status)
    await executions.emit(ctx.bus, execution)
    from pixsim7.automation import loops  # loops queue executions: imported late

    await loops.execution_finished(ctx.db, execution)


async def _keep(ctx: Context, claimed: Claimed, cancelled: asyncio.Event) -> None:
    while True:
        await asyncio.sleep(ctx.heartbeat_s)
        try:
            if await renew(ctx, claimed):
                cancelled.set()
        except Exception:
            log.exception("renewing an execution's lease failed")


async def _step(ctx: Context, claimed: Claimed, step: Step) -> None:
    async with ctx.db.session() as session:
        execution = await session.get(AutomationExecution, claimed.execution_id)
        assert execution is not None
        logs = list(execution.logs or [])
        if len(logs) < MAX_LOG_LINES:
            logs.append(step.as_dict())
        elif len(logs) == MAX_LOG_LINES:
            logs.append({"path": step.path, "type": "log", "message": "log truncated", "ok": True})
        execution.logs = logs
        cancel = execution.cancel_requested
        await session.commit()
    await executions.emit(ctx.bus, execution, step=step.as_dict())
    if cancel:
        # Seen here as well as by the keeper: a short preset may end before a heartbeat.
        raise Cancelled()


async def _screenshot(ctx: Context, claimed: Claimed, png: bytes, label: str) -> int:
    folder = Path(executions.SCREENSHOT_DIR) / str(claimed.execution_id)
    (ctx.settings.data_dir / folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    async with ctx.db.session() as session:
        shot = ExecutionScreenshot(
            execution_id=claimed.execution_id,
            label=label[:100],
            path="",
            size_bytes=len(png),
            created_at=clock.now(),
        )
        session.add(shot)
        await session.flush()
        shot.path = str(folder / f"{shot.id}.png")
        await asyncio.to_thread((ctx.settings.data_dir / shot.path).write_bytes, png)
        await session.commit()
        return shot.id


async def _sync_credits(ctx: Context, execution_id: int) -> None:
    """After a log-in or reward preset, read the account's balance from the provider (when
    the account has credentials the provider's API takes; an app password alone is not)."""
    async with ctx.db.reader() as session:
        execution = await session.get(AutomationExecution, execution_id)
        if execution is None or execution.category not in SYNCS_CREDITS:
            return
        account = (
            await session.get(ProviderAccount, execution.account_id)
            if execution.account_id
            else None
        )
    if account is None or not (account.api_key_enc or account.jwt_token_enc or account.cookies_enc):
        return
    read = await refresh.refresh(ctx.db, ctx.registry, ctx.settings, every=0, ids=[account.id])
    if read:
        async with ctx.db.session() as session:
            await session.execute(
                update(AutomationExecution)
                .where(AutomationExecution.id == execution_id)
                .values(credits_synced=True)
            )
            await session.commit()
        from pixsim7.accounts import service as accounts_service

        async with ctx.db.reader() as session:
            await accounts_service.publish(session, ctx.bus, read)
