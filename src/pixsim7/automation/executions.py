"""Executions as the API sees them: queue one (a preset, for an account, on a device or any
free one), read it with its log and screenshots, cancel it. Running them is the worker's
(`runner.py`)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts.models import ProviderAccount
from pixsim7.automation import actions as A
from pixsim7.automation import devices, presets
from pixsim7.automation import variables as V
from pixsim7.automation.models import (
    TERMINAL,
    AutomationExecution,
    AutomationPreset,
    ExecutionScreenshot,
    ExecutionStatus,
)
from pixsim7.automation.schemas import ExecutionCreate, ExecutionRead, ScreenshotRead
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.pagination import paginate
from pixsim7.users.models import User

SCREENSHOT_DIR = "automation/screenshots"


class ExecutionNotFound(errors.NotFound):
    code = "execution_not_found"


class ScreenshotNotFound(errors.NotFound):
    code = "screenshot_not_found"


def _bad(field: str, message: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(message, fields={field: message})


async def own_account(session: AsyncSession, user: User, account_id: int) -> ProviderAccount:
    """Only the user's own account: its password is typed on the device, so never a shared
    account's (whose credentials no user may see), not even for an admin."""
    account = await session.get(ProviderAccount, account_id)
    if account is None or account.owner_id != user.id:
        raise _bad("account_id", "no such account of yours")
    return account


def check_account(preset_actions: list[Any], account: ProviderAccount | None) -> None:
    used = A.variables_used(A.parse(preset_actions)) & set(V.ACCOUNT_VARIABLES)
    if used and account is None:
        names = ", ".join("{" + n + "}" for n in sorted(used))
        raise _bad("account_id", f"the preset types {names}: choose an account")
    if account is not None and "password" in used and account.password_enc is None:
        raise _bad("account_id", "the account has no app password stored (edit the account)")
    if account is not None and "email" in used and not account.email:
        raise _bad("account_id", "the account has no email")


async def queue(
    session: AsyncSession,
    *,
    owner: User,
    preset: AutomationPreset,
    account: ProviderAccount | None,
    device_id: int | None,
    variables: dict[str, str],
    loop_id: int | None = None,
) -> AutomationExecution:
    """A queued execution (the caller has checked the account and device). Flushes."""
    unknown = set(variables) - set(preset.variables or {})
    if unknown:
        raise _bad("variables", f"the preset has no variables {', '.join(sorted(unknown))}")
    execution = AutomationExecution(
        owner_id=owner.id,
        preset_id=preset.id,
        preset_name=preset.name,
        category=preset.category,
        actions=preset.actions,
        variables={**(preset.variables or {}), **variables},
        account_id=account.id if account else None,
        requested_device_id=device_id,
        loop_id=loop_id,
        status=ExecutionStatus.QUEUED.value,
        cancel_requested=False,
        logs=[],
        credits_synced=False,
        created_at=clock.now(),
    )
    session.add(execution)
    await session.flush()
    return execution


async def create(
    session: AsyncSession, bus: EventBus, user: User, data: ExecutionCreate
) -> ExecutionRead:
    preset = await presets.get_owned(session, user, data.preset_id)
    account = await own_account(session, user, data.account_id) if data.account_id else None
    check_account(preset.actions, account)
    if data.device_id is not None:
        try:
            await devices.get_owned(session, user, data.device_id)
        except devices.DeviceNotFound as exc:
            raise _bad("device_id", "no such device") from exc
    execution = await queue(
        session,
        owner=user,
        preset=preset,
        account=account,
        device_id=data.device_id,
        variables=data.variables,
    )
    await session.commit()
    await emit(bus, execution)
    return await read(session, execution)


async def emit(bus: EventBus, execution: AutomationExecution, **extra: Any) -> None:
    await bus.emit(
        "execution.updated",
        {
            "id": execution.id,
            "status": execution.status,
            "device_id": execution.device_id,
            "loop_id": execution.loop_id,
            **extra,
        },
        user_id=execution.owner_id,
    )


async def get_owned(session: AsyncSession, user: User, execution_id: int) -> AutomationExecution:
    execution = await session.get(AutomationExecution, execution_id)
    if execution is None or not (user.is_admin or execution.owner_id == user.id):
        raise ExecutionNotFound("execution not found")
    return execution


async def read(session: AsyncSession, execution: AutomationExecution) -> ExecutionRead:
    shots = (
        await session.scalars(
            select(ExecutionScreenshot)
            .where(ExecutionScreenshot.execution_id == execution.id)
            .order_by(ExecutionScreenshot.id)
        )
    ).all()
    return ExecutionRead(
        id=execution.id,
        owner_id=execution.owner_id,
        preset_id=execution.preset_id,
        preset_name=execution.preset_name,
        category=execution.category,
        account_id=execution.account_id,
        device_id=execution.device_id,
        requested_device_id=execution.requested_device_id,
        loop_id=execution.loop_id,
        status=execution.status,
        cancel_requested=execution.cancel_requested,
        logs=execution.logs or [],
        error_message=execution.error_message,
        error_action_path=execution.error_action_path,
        error_action_type=execution.error_action_type,
        error_params=execution.error_params,
        credits_synced=execution.credits_synced,
        screenshots=[
            ScreenshotRead(
                id=s.id,
                label=s.label,
                url=f"/api/v1/automation/executions/{execution.id}/screenshots/{s.id}",
                size_bytes=s.size_bytes,
                created_at=s.created_at,
            )
            for s in shots
        ],
        created_at=execution.created_at,
        started_at=execution.started_at,
        finished_at=execution.finished_at,
    )


async def list_page(
    session: AsyncSession,
    user: User,
    *,
    cursor: str | None,
    limit: int,
    status: str | None = None,
    account_id: int | None = None,
    loop_id: int | None = None,
) -> tuple[list[ExecutionRead], str | None]:
    stmt = select(AutomationExecution).where(AutomationExecution.owner_id == user.id)
    if status:
        stmt = stmt.where(AutomationExecution.status == status)
    if account_id:
        stmt = stmt.where(AutomationExecution.account_id == account_id)
    if loop_id:
        stmt = stmt.where(AutomationExecution.loop_id == loop_id)
    rows, next_cursor = await paginate(
        session, stmt, id_column=AutomationExecution.id, cursor=cursor, limit=limit
    )
    return [await read(session, e) for e in rows], next_cursor


async def cancel(
    session: AsyncSession, bus: EventBus, user: User, execution_id: int
) -> ExecutionRead:
    """A queued execution is cancelled now; a running one stops before its next action
    (the worker running it sees the request within a heartbeat)."""
    execution = await get_owned(session, user, execution_id)
    if execution.status == ExecutionStatus.QUEUED:
        result = await session.execute(
            update(AutomationExecution)
            .where(
                AutomationExecution.id == execution.id,
                AutomationExecution.status == ExecutionStatus.QUEUED.value,
            )
            .values(
                status=ExecutionStatus.CANCELLED.value,
                cancel_requested=True,
                finished_at=clock.now(),
            )
        )
        if not getattr(result, "rowcount", 0):  # taken by a worker meanwhile
            execution.cancel_requested = True
    elif execution.status == ExecutionStatus.RUNNING:
        execution.cancel_requested = True
    else:
        raise errors.Conflict(f"the execution is {execution.status}", code="execution_finished")
    await session.commit()
    await session.refresh(execution)
    await emit(bus, execution)
    return await read(session, execution)


async def screenshot_file(
    session: AsyncSession, settings: Settings, user: User, execution_id: int, screenshot_id: int
) -> Path:
    execution = await get_owned(session, user, execution_id)
    shot = await session.get(ExecutionScreenshot, screenshot_id)
    if shot is None or shot.execution_id != execution.id:
        raise ScreenshotNotFound("screenshot not found")
    path = settings.data_dir / shot.path
    if not path.is_file():
        raise ScreenshotNotFound("the screenshot file is gone")
    return path


def _unlink(settings: Settings, paths: list[str]) -> None:
    for rel in paths:
        # (a file we cannot delete is no reason to keep the row)
        with contextlib.suppress(OSError):
            (settings.data_dir / rel).unlink(missing_ok=True)


async def delete_owned(
    session: AsyncSession, settings: Settings, bus: EventBus, user: User, execution_id: int
) -> None:
    """An ended execution, with its screenshots (rows and files). One still queued or
    running is a conflict: cancel it first."""
    execution = await get_owned(session, user, execution_id)
    if execution.status not in TERMINAL:
        raise errors.Conflict(
            f"the execution is {execution.status}; cancel it first", code="execution_active"
        )
    paths = list(
        (
            await session.scalars(
                select(ExecutionScreenshot.path).where(
                    ExecutionScreenshot.execution_id == execution.id
                )
            )
        ).all()
    )
    # (the rows explicitly: SQLite enforces the cascade only with its foreign keys on)
    await session.execute(
        delete(ExecutionScreenshot).where(ExecutionScreenshot.execution_id == execution.id)
    )
    owner_id = execution.owner_id
    await session.delete(execution)
    await session.commit()
    _unlink(settings, paths)
    await bus.emit("execution.deleted", {"id": execution_id}, user_id=owner_id)


async def prune_screenshots(session: AsyncSession, settings: Settings, *, batch: int = 500) -> int:
    """Deletes the screenshots of executions that ended more than the retention ago (the
    executions stay); how many. Nothing when the retention is 0."""
    days = settings.automation_screenshot_retention_days
    if days <= 0:
        return 0
    before = clock.now() - dt.timedelta(days=days)
    total = 0
    while True:
        rows = (
            await session.execute(
                select(ExecutionScreenshot.id, ExecutionScreenshot.path)
                .join(
                    AutomationExecution, AutomationExecution.id == ExecutionScreenshot.execution_id
                )
                .where(
                    AutomationExecution.finished_at.is_not(None),
                    AutomationExecution.finished_at < before,
                )
                .order_by(ExecutionScreenshot.id)
                .limit(batch)
            )
        ).all()
        if not rows:
            return total
        await session.execute(
            delete(ExecutionScreenshot).where(ExecutionScreenshot.id.in_([r.id for r in rows]))
        )
        await session.commit()
        _unlink(settings, [r.path for r in rows])
        total += len(rows)
