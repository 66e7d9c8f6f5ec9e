"""Device agents: pairing with a one-time code, the agent's own revocable token, its
heartbeat (with the devices its ADB server sees), and the ADB commands it takes and answers.

The user creates an agent in the web app and gets a code (shown once, valid for
`PAIRING_TTL`). ``pixsim7 device-agent --server URL --pair CODE`` trades it for a token
(`pair`); from then on the agent polls the server with that token: it connects out, so it
works behind NAT. Codes and tokens are stored as SHA-256 digests only. Revoking an agent
clears its token, drops its pending commands and takes its devices offline; an agent whose
heartbeat stops is marked offline, with its devices, after `agent_offline_after_s`.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts import credentials
from pixsim7.automation import devices, wakeup
from pixsim7.automation.adb import DeviceInfo
from pixsim7.automation.models import AgentCommand, AgentStatus, Device, DeviceAgent
from pixsim7.automation.schemas import (
    AgentCommandRead,
    AgentPairing,
    AgentRead,
    AgentResult,
    AgentUpdate,
    Heartbeat,
)
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.logging import get_logger
from pixsim7.security import SecretBox
from pixsim7.users.models import User

log = get_logger(__name__)
PAIRING_TTL = dt.timedelta(minutes=15)
TOKEN_PREFIX = "pxa_"  # tells an agent token from a user's JWT at a glance
HEARTBEAT_S = 10.0
MAX_WAIT_S = 25.0  # a long poll for commands ends after this, empty
STALE_COMMAND = dt.timedelta(minutes=5)


class AgentNotFound(errors.NotFound):
    code = "agent_not_found"


class NotAnAgent(errors.NotAuthenticated):
    code = "agent_not_authenticated"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def source_of(agent_id: int) -> str:
    return f"agent:{agent_id}"


async def read(session: AsyncSession, agent: DeviceAgent) -> AgentRead:
    count = await session.scalar(
        select(func.count()).select_from(Device).where(Device.agent_id == agent.id)
    )
    return AgentRead(
        id=agent.id,
        owner_id=agent.owner_id,
        name=agent.name,
        status=agent.status,
        is_shared=agent.is_shared,
        hostname=agent.hostname,
        version=agent.version,
        last_seen_at=agent.last_seen_at,
        pairing_expires_at=agent.pairing_expires_at
        if agent.status == AgentStatus.PAIRING
        else None,
        devices=count or 0,
        created_at=agent.created_at,
    )


async def get_owned(session: AsyncSession, user: User, agent_id: int) -> DeviceAgent:
    agent = await session.get(DeviceAgent, agent_id)
    if agent is None or not (user.is_admin or agent.owner_id == user.id):
        raise AgentNotFound("agent not found")
    return agent


async def list_visible(session: AsyncSession, user: User) -> Sequence[DeviceAgent]:
    stmt = select(DeviceAgent).order_by(DeviceAgent.id)
    if not user.is_admin:
        stmt = stmt.where(DeviceAgent.owner_id == user.id)
    return (await session.scalars(stmt)).all()


async def create(session: AsyncSession, user: User, name: str, server_url: str) -> AgentPairing:
    code = secrets.token_urlsafe(12)
    agent = DeviceAgent(
        owner_id=user.id,
        name=name,
        status=AgentStatus.PAIRING.value,
        pairing_code_hash=_digest(code),
        pairing_expires_at=clock.now() + PAIRING_TTL,
    )
    session.add(agent)
    await session.commit()
    return AgentPairing(
        agent=await read(session, agent),
        pairing_code=code,
        command=f"pixsim7 device-agent --server {server_url} --pair {code}",
    )


async def update(
    session: AsyncSession, user: User, agent_id: int, data: AgentUpdate
) -> DeviceAgent:
    agent = await get_owned(session, user, agent_id)
    if data.is_shared is not None:
        if not user.is_admin:
            raise errors.Forbidden("only admins share device agents")
        agent.is_shared = data.is_shared
        await session.execute(
            sql_update(Device).where(Device.agent_id == agent.id).values(is_shared=data.is_shared)
        )
    if data.name is not None:
        agent.name = data.name
    await session.commit()
    return agent


async def revoke(session: AsyncSession, user: User, agent_id: int) -> DeviceAgent:
    agent = await get_owned(session, user, agent_id)
    agent.status = AgentStatus.REVOKED.value
    agent.token_hash = agent.pairing_code_hash = None
    await devices.set_offline(session, source=source_of(agent.id))
    await session.execute(delete(AgentCommand).where(AgentCommand.agent_id == agent.id))
    await session.commit()
    log.info("device agent revoked", agent_id=agent.id)
    return agent


# -- the agent's side ------------------------------------------------------------------


async def pair(
    session: AsyncSession, code: str, *, hostname: str | None, version: str | None
) -> tuple[DeviceAgent, str]:
    """Trades a pairing code (once, before it expires) for the agent's token."""
    agent = await session.scalar(
        select(DeviceAgent).where(DeviceAgent.pairing_code_hash == _digest(code))
    )
    if (
        agent is None
        or agent.status != AgentStatus.PAIRING
        or agent.pairing_expires_at is None
        or agent.pairing_expires_at < clock.now()
    ):
        raise NotAnAgent("the pairing code is unknown, used or expired")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    agent.token_hash = _digest(token)
    agent.pairing_code_hash = agent.pairing_expires_at = None
    agent.status = AgentStatus.ONLINE.value
    agent.hostname, agent.version = hostname, version
    agent.last_seen_at = clock.now()
    await session.commit()
    log.info("device agent paired", agent_id=agent.id, hostname=hostname)
    return agent, token


async def authenticate(session: AsyncSession, token: str | None) -> DeviceAgent:
    if not token or not token.startswith(TOKEN_PREFIX):
        raise NotAnAgent("not a device agent token", headers={"WWW-Authenticate": "Bearer"})
    agent = await session.scalar(
        select(DeviceAgent).where(DeviceAgent.token_hash == _digest(token))
    )
    if agent is None or agent.status == AgentStatus.REVOKED:
        raise NotAnAgent(
            "the agent token is unknown or revoked", headers={"WWW-Authenticate": "Bearer"}
        )
    return agent


async def heartbeat(session: AsyncSession, caller: DeviceAgent, data: Heartbeat) -> None:
    agent = await session.get(DeviceAgent, caller.id)
    if agent is None or agent.status == AgentStatus.REVOKED:
        raise NotAnAgent("the agent token is unknown or revoked")
    agent.status = AgentStatus.ONLINE.value
    agent.last_seen_at = clock.now()
    agent.hostname = data.hostname or agent.hostname
    agent.version = data.version or agent.version
    found = [DeviceInfo(d.serial, d.state, d.model, d.android_version) for d in data.devices]
    await devices.record(session, source=source_of(agent.id), agent=agent, found=found)
    await session.commit()


async def next_command(
    db: Database, settings: Settings, agent: DeviceAgent, wait_s: float
) -> AgentCommandRead | None:
    """The agent's oldest pending command, marked sent; waits up to `wait_s` for one."""
    loop = asyncio.get_running_loop()
    end = loop.time() + min(wait_s, MAX_WAIT_S)
    pause = 0.02
    box = credentials.box(settings)
    with wakeup.commands.watch(agent.id) as queued:
        return await _next_command(db, box, agent, queued, end, pause)


async def _next_command(
    db: Database,
    box: SecretBox,
    agent: DeviceAgent,
    queued: asyncio.Event,
    end: float,
    pause: float,
) -> AgentCommandRead | None:
    loop = asyncio.get_running_loop()
    while True:
        async with db.session() as session:
            row = await session.scalar(
                select(AgentCommand)
                .where(AgentCommand.agent_id == agent.id, AgentCommand.status == "pending")
                .order_by(AgentCommand.id)
                .limit(1)
            )
            if row is not None:
                taken = await session.execute(
                    sql_update(AgentCommand)
                    .where(AgentCommand.id == row.id, AgentCommand.status == "pending")
                    .values(status="sent")
                )
                await session.commit()
                if getattr(taken, "rowcount", 0):
                    return AgentCommandRead(
                        id=row.id, op=row.op, serial=row.serial, command=box.decrypt(row.command)
                    )
                continue
            await session.commit()
        if loop.time() >= end:
            return None
        # A command queued in this process wakes it at once; others are seen at the poll.
        await wakeup.wait(queued, min(pause, max(0.0, end - loop.time())))
        pause = min(pause * 2, 0.25)


async def answer(
    session: AsyncSession, agent: DeviceAgent, command_id: int, data: AgentResult
) -> None:
    row = await session.get(AgentCommand, command_id)
    if row is None or row.agent_id != agent.id:
        raise errors.NotFound("no such command", code="command_not_found")
    try:
        output = base64.b64decode(data.output_b64, validate=True)
    except ValueError as exc:
        raise errors.ValidationFailed(
            "invalid base64", fields={"output_b64": "invalid base64"}
        ) from exc
    row.output, row.error = output, data.error
    row.status, row.done_at = "done", clock.now()
    await session.commit()
    wakeup.answers.notify(command_id)


def _silence(settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    now = clock.now()
    return now - dt.timedelta(seconds=settings.agent_offline_after_s), now - STALE_COMMAND


async def anything_silent(session: AsyncSession, settings: Settings) -> bool:
    """Whether `mark_silent` has anything to do (read without the write lock)."""
    since, stale = _silence(settings)
    silent = exists().where(
        DeviceAgent.status == AgentStatus.ONLINE.value, DeviceAgent.last_seen_at < since
    )
    return bool(
        await session.scalar(select(or_(silent, exists().where(AgentCommand.created_at < stale))))
    )


async def mark_silent(session: AsyncSession, settings: Settings) -> list[int]:
    """Agents whose heartbeat stopped go offline, with their devices; commands nobody took
    are dropped. Commits. Returns the agents marked offline."""
    since, stale = _silence(settings)
    silent = list(
        await session.scalars(
            select(DeviceAgent.id).where(
                DeviceAgent.status == AgentStatus.ONLINE.value, DeviceAgent.last_seen_at < since
            )
        )
    )
    if silent:
        await session.execute(
            sql_update(DeviceAgent)
            .where(DeviceAgent.id.in_(silent))
            .values(status=AgentStatus.OFFLINE.value)
        )
        await session.execute(
            sql_update(Device).where(Device.agent_id.in_(silent)).values(online=False)
        )
    await session.execute(delete(AgentCommand).where(AgentCommand.created_at < stale))
    await session.commit()
    return silent
