"""Workspaces: owner-only CRUD, nesting without cycles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.pagination import paginate
from pixsim7.users.models import User
from pixsim7.workspaces.models import Workspace
from pixsim7.workspaces.schemas import WorkspaceCreate, WorkspaceUpdate

MAX_DEPTH = 16


class WorkspaceNotFound(errors.NotFound):
    code = "workspace_not_found"


async def get_owned(session: AsyncSession, user: User, workspace_id: int) -> Workspace:
    """The workspace if `user` owns it; NotFound otherwise (existence is not leaked)."""
    ws = await session.get(Workspace, workspace_id)
    if ws is None or ws.owner_id != user.id:
        raise WorkspaceNotFound("workspace not found")
    return ws


def subtree(owner_id: int, workspace_id: int) -> Select[tuple[int]]:
    """The ids of the owner's workspace and of every one nested in it, at any depth: what a
    board shows is what is in it and in its sub-boards, as a folder shows its folders'."""
    tree = (
        select(Workspace.id)
        .where(Workspace.id == workspace_id, Workspace.owner_id == owner_id)
        .cte("board_tree", recursive=True)
    )
    tree = tree.union_all(select(Workspace.id).where(Workspace.parent_id == tree.c.id))
    return select(tree.c.id)


async def check_target(session: AsyncSession, user: User, workspace_id: int | None) -> None:
    """`workspace_id` named in a request as where something goes: the user's own workspace,
    or a 422 on that field (a 404 would say the thing itself was not found)."""
    if workspace_id is None:
        return
    try:
        await get_owned(session, user, workspace_id)
    except errors.NotFound as exc:
        raise errors.ValidationFailed(
            "workspace not found", fields={"workspace_id": "not found"}
        ) from exc


async def list(
    session: AsyncSession,
    user: User,
    *,
    cursor: str | None,
    limit: int,
    parent_id: int | None = None,
    include_archived: bool = False,
) -> tuple[Sequence[Workspace], str | None]:
    stmt = select(Workspace).where(Workspace.owner_id == user.id)
    if parent_id is not None:
        stmt = stmt.where(Workspace.parent_id == parent_id)
    if not include_archived:
        stmt = stmt.where(Workspace.archived.is_(False))
    return await paginate(session, stmt, id_column=Workspace.id, cursor=cursor, limit=limit)


async def create(session: AsyncSession, user: User, data: WorkspaceCreate) -> Workspace:
    if data.parent_id is not None:
        await _parent(session, user, data.parent_id)
    ws = Workspace(owner_id=user.id, **data.model_dump())
    session.add(ws)
    await session.commit()
    return ws


async def update(
    session: AsyncSession, user: User, workspace_id: int, data: WorkspaceUpdate
) -> Workspace:
    ws = await get_owned(session, user, workspace_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("parent_id") is not None:
        await _check_no_cycle(session, user, ws.id, changes["parent_id"])
    for name, value in changes.items():
        setattr(ws, name, value)
    await session.commit()
    return ws


async def delete(session: AsyncSession, user: User, workspace_id: int) -> None:
    """Delete a workspace; its children move up to its parent."""
    ws = await get_owned(session, user, workspace_id)
    await session.execute(
        sql_update(Workspace).where(Workspace.parent_id == ws.id).values(parent_id=ws.parent_id)
    )
    await session.delete(ws)
    await session.commit()


async def _parent(session: AsyncSession, user: User, parent_id: int) -> Workspace:
    try:
        return await get_owned(session, user, parent_id)
    except WorkspaceNotFound as exc:
        raise errors.ValidationFailed(
            "parent workspace not found", fields={"parent_id": "not found"}
        ) from exc


async def _check_no_cycle(session: AsyncSession, user: User, ws_id: int, parent_id: int) -> None:
    node: Workspace | None = await _parent(session, user, parent_id)
    for _ in range(MAX_DEPTH):
        if node is None:
            return
        if node.id == ws_id:
            raise errors.ValidationFailed(
                "a workspace cannot be nested inside itself",
                fields={"parent_id": "would make a cycle"},
            )
        node = await session.get(Workspace, node.parent_id) if node.parent_id else None
    raise errors.ValidationFailed(
        "nesting too deep", fields={"parent_id": f"max depth {MAX_DEPTH}"}
    )
