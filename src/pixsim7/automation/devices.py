"""Devices: found through the server's own ADB server or reported by agents; who may see
and use them; the lease that lets one execution at a time run on each.

A device belongs to the agent's owner; the server's own devices belong to no one and only
admins see them until an admin shares them (as an admin may share an agent's). The lease
(`lease_owner`, `lease_until`) is held by the worker running an execution on the device
and renewed while it runs, so a dead worker's device is free again once it lapses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, or_, select, true
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts.models import ProviderAccount
from pixsim7.automation.adb import AdbError, AdbServer, DeviceInfo
from pixsim7.automation.models import LOCAL_SOURCE, Device, DeviceAgent, DeviceStatus
from pixsim7.automation.schemas import DeviceRead, DeviceUpdate
from pixsim7.logging import get_logger
from pixsim7.users.models import User

log = get_logger(__name__)
_DEVICES = cast(Table, Device.__table__)


class DeviceNotFound(errors.NotFound):
    code = "device_not_found"


def visible(user: User) -> ColumnElement[bool]:
    """Devices the user may see and run on: their own, shared ones, all for an admin."""
    if user.is_admin:
        return true()
    return or_(Device.owner_id == user.id, Device.is_shared.is_(True))


def is_leased(device: Device, now: dt.datetime | None = None) -> bool:
    now = now or clock.now()
    return device.lease_until is not None and device.lease_until > now


def status(device: Device) -> str:
    if not device.online:
        return DeviceStatus.OFFLINE.value
    return DeviceStatus.BUSY.value if is_leased(device) else DeviceStatus.ONLINE.value


def read(device: Device) -> DeviceRead:
    leased = is_leased(device)
    return DeviceRead(
        id=device.id,
        serial=device.serial,
        name=device.name,
        model=device.model,
        android_version=device.android_version,
        status=status(device),
        adb_state=device.adb_state,
        agent_id=device.agent_id,
        owner_id=device.owner_id,
        is_shared=device.is_shared,
        account_id=device.account_id,
        execution_id=device.lease_execution_id if leased else None,
        last_seen_at=device.last_seen_at,
    )


async def get_owned(session: AsyncSession, user: User, device_id: int) -> Device:
    device = await session.scalar(select(Device).where(Device.id == device_id, visible(user)))
    if device is None:
        raise DeviceNotFound("device not found")
    return device


async def list_visible(session: AsyncSession, user: User) -> Sequence[Device]:
    return (await session.scalars(select(Device).where(visible(user)).order_by(Device.id))).all()


async def update(session: AsyncSession, user: User, device_id: int, data: DeviceUpdate) -> Device:
    device = await get_owned(session, user, device_id)
    changes = data.model_dump(exclude_unset=True)
    if "is_shared" in changes:
        if not user.is_admin:
            raise errors.Forbidden("only admins share devices")
        device.is_shared = changes.pop("is_shared")
    if changes.get("account_id") is not None:
        account = await session.get(ProviderAccount, changes["account_id"])
        if account is None or account.owner_id != user.id:
            raise errors.ValidationFailed(
                "no such account of yours", fields={"account_id": "no such account of yours"}
            )
    for name, value in changes.items():
        setattr(device, name, value)
    await session.commit()
    return device


async def record(
    session: AsyncSession, *, source: str, agent: DeviceAgent | None, found: list[DeviceInfo]
) -> list[Device]:
    """What an ADB server reports: devices seen are updated (or added), those of the same
    source not seen any more go offline. The caller commits."""
    now = clock.now()
    rows = {
        d.serial: d for d in await session.scalars(select(Device).where(Device.source == source))
    }
    seen = []
    for info in found:
        device = rows.get(info.serial)
        if device is None:
            device = Device(
                source=source,
                serial=info.serial,
                agent_id=agent.id if agent else None,
                owner_id=agent.owner_id if agent else None,
                is_shared=agent.is_shared if agent else False,
            )
            session.add(device)
        device.adb_state = info.state
        device.online = info.online
        device.model = info.model or device.model
        device.android_version = info.android_version or device.android_version
        device.last_seen_at = now
        seen.append(device)
    for serial, device in rows.items():
        if serial not in {i.serial for i in found}:
            device.online = False
    await session.flush()
    return seen


async def set_offline(session: AsyncSession, *, source: str) -> None:
    await session.execute(sql_update(Device).where(Device.source == source).values(online=False))


async def scan_local(session: AsyncSession, address: str | None) -> list[Device]:
    """Ask the server's own ADB server for its devices (none configured: nothing). A
    server that does not answer leaves its devices offline. Commits."""
    if not address:
        return []
    try:
        found = await AdbServer(address).devices()
    except AdbError as exc:
        log.debug("local ADB server unreachable", address=address, error=str(exc))
        online = await session.scalar(
            select(Device.id).where(Device.source == LOCAL_SOURCE, Device.online.is_(True)).limit(1)
        )
        if online is not None:  # no write at all while there is nothing to take offline
            await set_offline(session, source=LOCAL_SOURCE)
        await session.commit()
        return []
    seen = await record(session, source=LOCAL_SOURCE, agent=None, found=found)
    await session.commit()
    return seen


# -- leases ----------------------------------------------------------------------------


def free(now: dt.datetime) -> ColumnElement[bool]:
    d = _DEVICES.c
    return and_(d.online.is_(True), or_(d.lease_until.is_(None), d.lease_until <= now))


async def lease(
    session: AsyncSession,
    *,
    owner: User,
    execution_id: int,
    worker_id: str,
    until: dt.datetime,
    device_id: int | None,
) -> int | None:
    """Take a free device the owner may use (`device_id`, or the least recently used)
    for the execution, in one conditional UPDATE; its id, or None when none is free."""
    now = clock.now()
    d = _DEVICES.c
    usable: ColumnElement[bool] = (
        true() if owner.is_admin else or_(d.owner_id == owner.id, d.is_shared.is_(True))
    )
    pick: Any = select(d.id).where(free(now), usable)
    if device_id is not None:
        pick = pick.where(d.id == device_id)
    pick = pick.order_by(d.lease_until.asc().nulls_first(), d.id).limit(1)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    taken = await session.scalar(
        sql_update(_DEVICES)
        .where(d.id == pick.scalar_subquery(), free(now))
        .values(lease_owner=worker_id, lease_until=until, lease_execution_id=execution_id)
        .returning(d.id)
    )
    return cast(int | None, taken)


async def renew(
    session: AsyncSession, *, worker_id: str, device_id: int, until: dt.datetime
) -> None:
    await session.execute(
        sql_update(Device)
        .where(Device.id == device_id, Device.lease_owner == worker_id)
        .values(lease_until=until)
    )


async def release(session: AsyncSession, *, device_id: int, execution_id: int) -> None:
    await session.execute(
        sql_update(Device)
        .where(Device.id == device_id, Device.lease_execution_id == execution_id)
        .values(lease_owner=None, lease_until=None, lease_execution_id=None)
    )
