"""Who else holds an asset: features whose rows point at assets (scenes) register a guard
here, and deleting an asset asks each one first.

A guard refuses the deletion (raising, e.g. a 409 naming what uses the asset) or, when the
deletion is forced, lets go of the asset inside the caller's transaction and may hand back
an announcement to send once that transaction has committed. The assets feature imports no
feature that uses it: the dependency points one way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.assets.models import Asset
from pixsim7.events import EventBus

Announcement = Callable[[EventBus], Awaitable[None]]
Guard = Callable[[AsyncSession, Asset, bool], Awaitable[Announcement | None]]
# Which of these asset ids the guard's feature uses (one query for many), so that a
# selection of thousands asks the guard only about those.
Used = Callable[[AsyncSession, Sequence[int]], Awaitable[set[int]]]

_guards: list[tuple[Guard, Used | None]] = []
CHUNK = 1000  # ids asked about in one query


def register(guard: Guard, *, used: Used | None = None) -> None:
    if all(guard is not known for known, _ in _guards):
        _guards.append((guard, used))


async def release(session: AsyncSession, asset: Asset, *, force: bool) -> list[Announcement]:
    """Ask every guard; the announcements are for after the commit."""
    return await release_many(session, [asset], force=force)


async def release_many(
    session: AsyncSession, assets: Sequence[Asset], *, force: bool
) -> list[Announcement]:
    """`release` for each of these assets."""
    announcements = []
    for guard, used in _guards:
        held: set[int] | None = None
        if used is not None and len(assets) > 1:
            ids = [a.id for a in assets]
            held = set()
            for start in range(0, len(ids), CHUNK):
                held |= await used(session, ids[start : start + CHUNK])
        for asset in assets:
            if held is not None and asset.id not in held:
                continue
            announcement = await guard(session, asset, force)
            if announcement is not None:
                announcements.append(announcement)
    return announcements
