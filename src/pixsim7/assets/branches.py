"""Branches (choice points in a video), their variants, and clips: the game-building side of
an asset. Every asset named in a request must be the caller's; one query checks the set."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.assets import service as asset_service
from pixsim7.assets.graph_models import AssetBranch, AssetBranchVariant, AssetClip
from pixsim7.assets.graph_schemas import BranchCreate, BranchVariantCreate, ClipCreate
from pixsim7.users.models import User


class BranchNotFound(errors.NotFound):
    code = "branch_not_found"


async def require_owned(
    session: AsyncSession, user: User, asset_id: int, others: dict[str, int | None]
) -> None:
    """The path asset must be the user's (else 404); referenced ones too (else 422 on the field)."""
    ids = [asset_id, *(i for i in others.values() if i is not None)]
    owned = await asset_service.get_owned_many(session, user.id, ids)
    if asset_id not in owned:
        raise asset_service.AssetNotFound("asset not found")
    bad = {k: "asset not found" for k, v in others.items() if v is not None and v not in owned}
    if bad:
        raise errors.ValidationFailed("asset not found", fields=bad)


async def list_branches(
    session: AsyncSession, user: User, asset_id: int
) -> list[tuple[AssetBranch, Sequence[AssetBranchVariant]]]:
    await asset_service.get_owned(session, user, asset_id)
    branches = (
        await session.scalars(
            select(AssetBranch)
            .where(AssetBranch.source_asset_id == asset_id)
            .order_by(AssetBranch.branch_time, AssetBranch.id)
        )
    ).all()
    variants = (
        await session.scalars(
            select(AssetBranchVariant)
            .where(AssetBranchVariant.branch_id.in_([b.id for b in branches]))
            .order_by(AssetBranchVariant.display_order, AssetBranchVariant.id)
        )
    ).all()
    return [(b, [v for v in variants if v.branch_id == b.id]) for b in branches]


async def create_branch(
    session: AsyncSession, user: User, asset_id: int, data: BranchCreate
) -> AssetBranch:
    asset = await asset_service.get_owned(session, user, asset_id)
    if asset.duration_sec is not None and data.branch_time > asset.duration_sec:
        raise errors.ValidationFailed(
            "branch point is past the end of the video", fields={"branch_time": "past the end"}
        )
    branch = AssetBranch(source_asset_id=asset_id, **data.model_dump())
    session.add(branch)
    await session.commit()
    return branch


async def _branch(session: AsyncSession, user: User, asset_id: int, branch_id: int) -> AssetBranch:
    await asset_service.get_owned(session, user, asset_id)
    branch = await session.get(AssetBranch, branch_id)
    if branch is None or branch.source_asset_id != asset_id:
        raise BranchNotFound("branch not found")
    return branch


async def delete_branch(session: AsyncSession, user: User, asset_id: int, branch_id: int) -> None:
    await session.delete(await _branch(session, user, asset_id, branch_id))
    await session.commit()


async def add_variant(
    session: AsyncSession, user: User, asset_id: int, branch_id: int, data: BranchVariantCreate
) -> AssetBranchVariant:
    branch = await _branch(session, user, asset_id, branch_id)
    await require_owned(session, user, asset_id, {"variant_asset_id": data.variant_asset_id})
    variant = AssetBranchVariant(branch_id=branch.id, **data.model_dump())
    session.add(variant)
    await session.commit()
    return variant


async def delete_variant(
    session: AsyncSession, user: User, asset_id: int, branch_id: int, variant_id: int
) -> None:
    await _branch(session, user, asset_id, branch_id)
    variant = await session.get(AssetBranchVariant, variant_id)
    if variant is None or variant.branch_id != branch_id:
        raise errors.NotFound("branch variant not found", code="branch_variant_not_found")
    await session.delete(variant)
    await session.commit()


async def list_clips(session: AsyncSession, user: User, asset_id: int) -> Sequence[AssetClip]:
    await asset_service.get_owned(session, user, asset_id)
    stmt = (
        select(AssetClip)
        .where(AssetClip.source_asset_id == asset_id)
        .order_by(AssetClip.start_time, AssetClip.id)
    )
    return (await session.scalars(stmt)).all()


async def create_clip(
    session: AsyncSession, user: User, asset_id: int, data: ClipCreate
) -> AssetClip:
    await require_owned(session, user, asset_id, {"clip_asset_id": data.clip_asset_id})
    asset = await asset_service.get_owned(session, user, asset_id)
    if asset.duration_sec is not None and data.end_time > asset.duration_sec + 0.05:
        raise errors.ValidationFailed(
            "clip ends after the video", fields={"end_time": "past the end"}
        )
    clip = AssetClip(source_asset_id=asset_id, **data.model_dump())
    session.add(clip)
    await session.commit()
    return clip


async def delete_clip(session: AsyncSession, user: User, asset_id: int, clip_id: int) -> None:
    await asset_service.get_owned(session, user, asset_id)
    clip = await session.get(AssetClip, clip_id)
    if clip is None or clip.source_asset_id != asset_id:
        raise errors.NotFound("clip not found", code="clip_not_found")
    await session.delete(clip)
    await session.commit()
