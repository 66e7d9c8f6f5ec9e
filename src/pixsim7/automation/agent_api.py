"""The device agents' routes: pairing (the code as bearer token), heartbeat, taking ADB
commands (a long poll) and answering them (the agent's own token as bearer token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from pixsim7.automation import agents
from pixsim7.automation.models import DeviceAgent
from pixsim7.automation.schemas import (
    AgentCommandRead,
    AgentResult,
    Heartbeat,
    HeartbeatAnswer,
    PairAnswer,
    PairRequest,
)
from pixsim7.deps import DbDep, SessionDep, SettingsDep
from pixsim7.fields import Id
from pixsim7.openapi import SCHEME

router = APIRouter(prefix="/automation/agent", tags=["automation agent"])
BEARER: dict[str, Any] = {"security": [{SCHEME: []}]}


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value else None


async def current_agent(request: Request, db: DbDep) -> DeviceAgent:
    # A session of its own, closed at once: the long poll must not hold a connection (on
    # SQLite, the one writer connection) while it waits.
    async with db.reader() as session:
        return await agents.authenticate(session, _bearer(request))


AgentDep = Annotated[DeviceAgent, Depends(current_agent)]


@router.post("/pair", response_model=PairAnswer, openapi_extra=BEARER)
async def pair(data: PairRequest, request: Request, session: SessionDep) -> PairAnswer:
    """Trade the pairing code (sent as the bearer token) for the agent's own token."""
    agent, token = await agents.pair(
        session, _bearer(request) or "", hostname=data.hostname, version=data.version
    )
    return PairAnswer(agent_id=agent.id, token=token)


@router.post("/heartbeat", response_model=HeartbeatAnswer, openapi_extra=BEARER)
async def heartbeat(data: Heartbeat, agent: AgentDep, session: SessionDep) -> HeartbeatAnswer:
    """The devices the agent's ADB server sees now."""
    await agents.heartbeat(session, agent, data)
    return HeartbeatAnswer(agent_id=agent.id, poll_s=agents.HEARTBEAT_S)


@router.post("/commands/next", response_model=AgentCommandRead | None, openapi_extra=BEARER)
async def next_command(
    agent: AgentDep,
    db: DbDep,
    settings: SettingsDep,
    wait_s: Annotated[float, Query(ge=0, le=agents.MAX_WAIT_S)] = agents.MAX_WAIT_S,
) -> AgentCommandRead | None:
    """The next ADB command for the agent to run, waiting up to `wait_s` for one (null)."""
    return await agents.next_command(db, settings, agent, wait_s)


@router.post("/commands/{command_id}/result", status_code=204, openapi_extra=BEARER)
async def command_result(
    command_id: Id, data: AgentResult, agent: AgentDep, session: SessionDep
) -> None:
    await agents.answer(session, agent, command_id, data)
