"""The automation API for users: action schema, presets, devices, agents, executions, loops.
The device agents' own routes are in `agent_api.py`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse

from pixsim7.auth.deps import AdminUser, CurrentUser
from pixsim7.automation import actions as A
from pixsim7.automation import agents, devices, executions, loops, presets
from pixsim7.automation import variables as V
from pixsim7.automation.schemas import (
    ActionSchema,
    AgentCreate,
    AgentPairing,
    AgentRead,
    AgentUpdate,
    DeviceRead,
    DeviceUpdate,
    ExecutionCreate,
    ExecutionRead,
    LoopCreate,
    LoopRead,
    LoopUpdate,
    PresetCreate,
    PresetRead,
    PresetUpdate,
)
from pixsim7.deps import BusDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(prefix="/automation", tags=["automation"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[Text | None, Query(max_length=200)]


@router.get("/action-schema", response_model=ActionSchema)
async def action_schema(_: CurrentUser) -> ActionSchema:
    """The typed action schema presets are checked against (the builder's forms)."""
    return ActionSchema(
        action=A.action_schema(),
        account_variables=list(V.ACCOUNT_VARIABLES),
        secret_variables=sorted(V.SECRET_VARIABLES),
        keys=[k.value for k in A.Key],
        max_actions=A.MAX_ACTIONS,
        max_depth=A.MAX_DEPTH,
    )


# -- presets ---------------------------------------------------------------------------


@router.get("/presets", response_model=Page[PresetRead])
async def list_presets(
    user: CurrentUser, session: SessionDep, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> Page[PresetRead]:
    items, next_cursor = await presets.list_page(session, user, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.post("/presets", response_model=PresetRead, status_code=status.HTTP_201_CREATED)
async def create_preset(data: PresetCreate, user: CurrentUser, session: SessionDep) -> PresetRead:
    return await presets.create(session, user, data)


@router.get("/presets/{preset_id}", response_model=PresetRead)
async def get_preset(preset_id: Id, user: CurrentUser, session: SessionDep) -> PresetRead:
    return presets.read(await presets.get_owned(session, user, preset_id), user)


@router.patch("/presets/{preset_id}", response_model=PresetRead, responses=error_responses(403))
async def update_preset(
    preset_id: Id, data: PresetUpdate, user: CurrentUser, session: SessionDep
) -> PresetRead:
    return await presets.update(session, user, preset_id, data)


@router.delete(
    "/presets/{preset_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(403)
)
async def delete_preset(preset_id: Id, user: CurrentUser, session: SessionDep) -> None:
    await presets.delete(session, user, preset_id)


# -- devices ---------------------------------------------------------------------------


@router.get("/devices", response_model=list[DeviceRead])
async def list_devices(user: CurrentUser, session: SessionDep) -> list[DeviceRead]:
    return [devices.read(d) for d in await devices.list_visible(session, user)]


@router.post("/devices/scan", response_model=list[DeviceRead])
async def scan_devices(
    _: AdminUser, session: SessionDep, settings: SettingsDep
) -> list[DeviceRead]:
    """Ask the server's own ADB server for its devices now (workers do every 30 s)."""
    return [devices.read(d) for d in await devices.scan_local(session, settings.adb_address)]


@router.get("/devices/{device_id}", response_model=DeviceRead)
async def get_device(device_id: Id, user: CurrentUser, session: SessionDep) -> DeviceRead:
    return devices.read(await devices.get_owned(session, user, device_id))


@router.patch("/devices/{device_id}", response_model=DeviceRead, responses=error_responses(403))
async def update_device(
    device_id: Id, data: DeviceUpdate, user: CurrentUser, session: SessionDep
) -> DeviceRead:
    return devices.read(await devices.update(session, user, device_id, data))


# -- agents ----------------------------------------------------------------------------


@router.get("/agents", response_model=list[AgentRead])
async def list_agents(user: CurrentUser, session: SessionDep) -> list[AgentRead]:
    return [await agents.read(session, a) for a in await agents.list_visible(session, user)]


@router.post("/agents", response_model=AgentPairing, status_code=status.HTTP_201_CREATED)
async def create_agent(
    data: AgentCreate, user: CurrentUser, session: SessionDep, request: Request
) -> AgentPairing:
    """A new agent and its one-time pairing code (valid 15 minutes)."""
    server = str(request.base_url).rstrip("/")
    return await agents.create(session, user, data.name, server)


@router.get("/agents/{agent_id}", response_model=AgentRead)
async def get_agent(agent_id: Id, user: CurrentUser, session: SessionDep) -> AgentRead:
    return await agents.read(session, await agents.get_owned(session, user, agent_id))


@router.patch("/agents/{agent_id}", response_model=AgentRead, responses=error_responses(403))
async def update_agent(
    agent_id: Id, data: AgentUpdate, user: CurrentUser, session: SessionDep
) -> AgentRead:
    return await agents.read(session, await agents.update(session, user, agent_id, data))


@router.post("/agents/{agent_id}/revoke", response_model=AgentRead)
async def revoke_agent(agent_id: Id, user: CurrentUser, session: SessionDep) -> AgentRead:
    """The agent's token stops working at once; its devices go offline."""
    return await agents.read(session, await agents.revoke(session, user, agent_id))


# -- executions ------------------------------------------------------------------------


@router.get("/executions", response_model=Page[ExecutionRead])
async def list_executions(
    user: CurrentUser,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    status: Annotated[Text | None, Query(max_length=16)] = None,
    account_id: Id | None = None,
    loop_id: Id | None = None,
) -> Page[ExecutionRead]:
    items, next_cursor = await executions.list_page(
        session,
        user,
        cursor=cursor,
        limit=limit,
        status=status,
        account_id=account_id,
        loop_id=loop_id,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.post("/executions", response_model=ExecutionRead, status_code=status.HTTP_201_CREATED)
async def create_execution(
    data: ExecutionCreate, user: CurrentUser, session: SessionDep, bus: BusDep
) -> ExecutionRead:
    """Queue a preset to run for an account on a device (or the first free one)."""
    return await executions.create(session, bus, user, data)


@router.get("/executions/{execution_id}", response_model=ExecutionRead)
async def get_execution(execution_id: Id, user: CurrentUser, session: SessionDep) -> ExecutionRead:
    return await executions.read(session, await executions.get_owned(session, user, execution_id))


@router.post(
    "/executions/{execution_id}/cancel",
    response_model=ExecutionRead,
    responses={409: {"description": "The execution has already ended."}},
)
async def cancel_execution(
    execution_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep
) -> ExecutionRead:
    return await executions.cancel(session, bus, user, execution_id)


@router.delete(
    "/executions/{execution_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: {"description": "The execution is queued or running: cancel it first."}},
)
async def delete_execution(
    execution_id: Id, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> None:
    await executions.delete_owned(session, settings, bus, user, execution_id)


@router.get(
    "/executions/{execution_id}/screenshots/{screenshot_id}",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}}}},
)
async def get_screenshot(
    execution_id: Id,
    screenshot_id: Id,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> FileResponse:
    path = await executions.screenshot_file(session, settings, user, execution_id, screenshot_id)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private"})


# -- loops -----------------------------------------------------------------------------


@router.get("/loops", response_model=list[LoopRead])
async def list_loops(user: CurrentUser, session: SessionDep) -> list[LoopRead]:
    return [loops.read(loop) for loop in await loops.list_owned(session, user)]


@router.post("/loops", response_model=LoopRead, status_code=status.HTTP_201_CREATED)
async def create_loop(data: LoopCreate, user: CurrentUser, session: SessionDep) -> LoopRead:
    return loops.read(await loops.create(session, user, data))


@router.get("/loops/{loop_id}", response_model=LoopRead)
async def get_loop(loop_id: Id, user: CurrentUser, session: SessionDep) -> LoopRead:
    return loops.read(await loops.get_owned(session, user, loop_id))


@router.patch("/loops/{loop_id}", response_model=LoopRead)
async def update_loop(
    loop_id: Id, data: LoopUpdate, user: CurrentUser, session: SessionDep
) -> LoopRead:
    return loops.read(await loops.update(session, user, loop_id, data))


@router.delete("/loops/{loop_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_loop(loop_id: Id, user: CurrentUser, session: SessionDep) -> None:
    await loops.delete(session, user, loop_id)


@router.post("/loops/{loop_id}/pause", response_model=LoopRead)
async def pause_loop(loop_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep) -> LoopRead:
    return loops.read(await loops.set_status(session, bus, user, loop_id, active=False))


@router.post("/loops/{loop_id}/resume", response_model=LoopRead)
async def resume_loop(loop_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep) -> LoopRead:
    """Active again, its failure count cleared (a loop stopped after failures too)."""
    return loops.read(await loops.set_status(session, bus, user, loop_id, active=True))


@router.post(
    "/loops/{loop_id}/run-now",
    response_model=ExecutionRead,
    responses={409: {"description": "A step is under way, or there is no account to run."}},
)
async def run_loop_now(
    loop_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep
) -> ExecutionRead:
    """Take a step now, whatever the schedule, daily cap or window."""
    execution = await loops.run_now(session, bus, user, loop_id)
    return await executions.read(session, execution)
