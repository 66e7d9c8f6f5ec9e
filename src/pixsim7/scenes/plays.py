"""Play sessions: save slots holding an engine state and the bundle it plays.

The server runs the same engine as the player, so a play advances only by inputs the state
accepts: the web player plays ahead locally (no round trip at a choice) and sends its
inputs; a refused one is a 422 naming it, and the stored state stays as it was. The bundle
is pinned when the play starts, so a play resumed on another device, or after the scene
was edited, goes on with the scene it began with. Each save is announced to the owner
(`play.updated`), so a player open on another device learns that the play moved on.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.events import EventBus
from pixsim7.pagination import paginate
from pixsim7.scenes import bundles, engine, service
from pixsim7.scenes.models import PlaySession
from pixsim7.scenes.schemas import PlayCreate, PlayUpdate
from pixsim7.users.models import User


class PlayNotFound(errors.NotFound):
    code = "play_not_found"


class InputRefused(errors.ValidationFailed):
    code = "input_refused"


async def get_owned(
    session: AsyncSession, user: User, play_id: int, *, lock: bool = False
) -> PlaySession:
    stmt = select(PlaySession).where(PlaySession.id == play_id)
    play = await session.scalar(stmt.with_for_update() if lock else stmt)
    if play is None or play.owner_id != user.id:
        raise PlayNotFound("play session not found")
    return play


async def create(session: AsyncSession, user: User, scene_id: int, data: PlayCreate) -> PlaySession:
    """A new play from the scene's start (drafts too: the engine ends a play as `stuck`
    where an unfinished graph runs out)."""
    scene = await service.get_owned(session, user, scene_id)
    bundle, _, _ = await bundles.build(session, scene)
    seed = data.seed if data.seed is not None else secrets.randbelow(2**32)
    state = engine.start(engine.load(bundle), seed)
    play = PlaySession(
        owner_id=user.id,
        scene_id=scene.id,
        scene_version=scene.version,
        label=data.label,
        seed=seed,
        bundle=bundle,
        state=state,
        status=_status(state),
        version=1,
    )
    session.add(play)
    await session.commit()
    return play


async def list(
    session: AsyncSession, user: User, *, scene_id: int | None, cursor: str | None, limit: int
) -> tuple[Sequence[PlaySession], str | None]:
    stmt = select(PlaySession).where(PlaySession.owner_id == user.id)
    if scene_id is not None:
        stmt = stmt.where(PlaySession.scene_id == scene_id)
    return await paginate(session, stmt, id_column=PlaySession.id, cursor=cursor, limit=limit)


async def advance(
    session: AsyncSession, user: User, play_id: int, data: PlayUpdate, *, bus: EventBus
) -> PlaySession:
    """Apply the inputs in order, all or none."""
    play = await get_owned(session, user, play_id, lock=True)
    if data.version is not None and data.version != play.version:
        raise errors.Conflict(
            f"the play moved on: its version is now {play.version}",
            code="version_conflict",
            fields={"version": "stale"},
            extra={"current_version": play.version},
        )
    loaded = engine.load(play.bundle)
    state = play.state
    for number, given in enumerate(data.inputs):
        try:
            state = engine.advance(loaded, state, given)
        except engine.InvalidInput as exc:
            raise InputRefused(
                f"input {number}: {exc.message}",
                fields={f"inputs.{number}": exc.code},
                extra={"input": number, "reason": exc.code},
            ) from exc
    if data.inputs:
        play.state = state
        play.status = _status(state)
        play.version += 1
    if "label" in data.model_fields_set:
        play.label = data.label
    play.updated_at = clock.now()
    await session.commit()
    await emit(bus, play)
    return play


async def delete(session: AsyncSession, user: User, play_id: int) -> None:
    await session.delete(await get_owned(session, user, play_id))
    await session.commit()


async def emit(bus: EventBus, play: PlaySession) -> None:
    """`play.updated` to the owner: where the save stands, not its state (a player that
    holds an older version reloads the play, or is told it moved on)."""
    data = {k: getattr(play, k) for k in ("id", "scene_id", "label", "status", "version")}
    data["updated_at"] = play.updated_at.isoformat()
    await bus.emit("play.updated", data, user_id=play.owner_id)


def options(play: PlaySession) -> dict[str, Any]:
    return engine.options(engine.load(play.bundle), play.state)


def _status(state: engine.State) -> str:
    return "ended" if state["phase"] == "ended" else "playing"
