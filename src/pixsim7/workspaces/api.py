from __future__ import annotations

from fastapi import APIRouter, Query, status

from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import SessionDep
from pixsim7.fields import Id, Text
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from pixsim7.workspaces import service
from pixsim7.workspaces.schemas import WorkspaceCreate, WorkspaceRead, WorkspaceUpdate

router = APIRouter(prefix="/workspaces", tags=["workspaces"])


@router.get("", response_model=Page[WorkspaceRead])
async def list_workspaces(
    user: CurrentUser,
    session: SessionDep,
    cursor: Text | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    parent_id: Id | None = None,
    include_archived: bool = False,
) -> Page[WorkspaceRead]:
    rows, next_cursor = await service.list(
        session,
        user,
        cursor=cursor,
        limit=limit,
        parent_id=parent_id,
        include_archived=include_archived,
    )
    return Page(items=[WorkspaceRead.model_validate(w) for w in rows], next_cursor=next_cursor)


@router.post("", response_model=WorkspaceRead, status_code=status.HTTP_201_CREATED)
async def create_workspace(
    data: WorkspaceCreate, user: CurrentUser, session: SessionDep
) -> WorkspaceRead:
    return WorkspaceRead.model_validate(await service.create(session, user, data))


@router.get("/{workspace_id}", response_model=WorkspaceRead)
async def get_workspace(workspace_id: Id, user: CurrentUser, session: SessionDep) -> WorkspaceRead:
    return WorkspaceRead.model_validate(await service.get_owned(session, user, workspace_id))


@router.patch("/{workspace_id}", response_model=WorkspaceRead)
async def update_workspace(
    workspace_id: Id, data: WorkspaceUpdate, user: CurrentUser, session: SessionDep
) -> WorkspaceRead:
    return WorkspaceRead.model_validate(await service.update(session, user, workspace_id, data))


@router.delete("/{workspace_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_workspace(workspace_id: Id, user: CurrentUser, session: SessionDep) -> None:
    await service.delete(session, user, workspace_id)
