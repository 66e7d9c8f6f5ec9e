"""Metadata side tables (audio, 3D, adult: one row per asset; temporal segments: many) and
asset variants, all read and written through their asset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.assets import service as asset_service
from pixsim7.assets.branches import require_owned
from pixsim7.assets.graph_models import (
    Asset3DMetadata,
    AssetAdultMetadata,
    AssetAudioMetadata,
    AssetTemporalSegment,
    AssetVariant,
)
from pixsim7.assets.graph_schemas import (
    AdultMetadata,
    AudioMetadata,
    Model3DMetadata,
    SegmentCreate,
    VariantCreate,
)
from pixsim7.users.models import User

# kind in the URL -> (table, schema)
METADATA_KINDS: dict[str, tuple[Any, type[BaseModel]]] = {
    "audio": (AssetAudioMetadata, AudioMetadata),
    "3d": (Asset3DMetadata, Model3DMetadata),
    "adult": (AssetAdultMetadata, AdultMetadata),
}


def _kind(kind: str) -> tuple[Any, type[BaseModel]]:
    if kind not in METADATA_KINDS:
        raise errors.NotFound(f"no metadata kind {kind!r}", code="metadata_kind_not_found")
    return METADATA_KINDS[kind]


async def get_metadata(session: AsyncSession, user: User, asset_id: int, kind: str) -> BaseModel:
    table, schema = _kind(kind)
    await asset_service.get_owned(session, user, asset_id)
    row = await session.get(table, asset_id)
    if row is None:
        raise errors.NotFound(f"no {kind} metadata for this asset", code="metadata_not_found")
    return schema.model_validate(row)


async def put_metadata(
    session: AsyncSession, user: User, asset_id: int, kind: str, data: dict[str, Any]
) -> BaseModel:
    table, schema = _kind(kind)
    await asset_service.get_owned(session, user, asset_id)  # 404 before any 422
    try:
        values = schema.model_validate(data)
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()}
        raise errors.ValidationFailed("invalid metadata", fields=fields) from exc
    row = await session.get(table, asset_id)
    if row is None:
        row = table(asset_id=asset_id)
        session.add(row)
    for name, value in values.model_dump().items():
        setattr(row, name, value)
    await session.commit()
    return schema.model_validate(row)


async def delete_metadata(session: AsyncSession, user: User, asset_id: int, kind: str) -> None:
    table, _ = _kind(kind)
    await asset_service.get_owned(session, user, asset_id)
    row = await session.get(table, asset_id)
    if row is not None:
        await session.delete(row)
        await session.commit()


async def list_segments(
    session: AsyncSession, user: User, asset_id: int
) -> Sequence[AssetTemporalSegment]:
    await asset_service.get_owned(session, user, asset_id)
    stmt = (
        select(AssetTemporalSegment)
        .where(AssetTemporalSegment.asset_id == asset_id)
        .order_by(AssetTemporalSegment.start_time, AssetTemporalSegment.id)
    )
    return (await session.scalars(stmt)).all()


async def add_segment(
    session: AsyncSession, user: User, asset_id: int, data: SegmentCreate
) -> AssetTemporalSegment:
    await asset_service.get_owned(session, user, asset_id)
    if data.end_time <= data.start_time:
        raise errors.ValidationFailed(
            "end_time must be after start_time", fields={"end_time": "before start"}
        )
    segment = AssetTemporalSegment(asset_id=asset_id, **data.model_dump())
    session.add(segment)
    await session.commit()
    return segment


async def delete_segment(session: AsyncSession, user: User, asset_id: int, segment_id: int) -> None:
    await asset_service.get_owned(session, user, asset_id)
    segment = await session.get(AssetTemporalSegment, segment_id)
    if segment is None or segment.asset_id != asset_id:
        raise errors.NotFound("segment not found", code="segment_not_found")
    await session.delete(segment)
    await session.commit()


async def list_variants(session: AsyncSession, user: User, asset_id: int) -> Sequence[AssetVariant]:
    await asset_service.get_owned(session, user, asset_id)
    stmt = select(AssetVariant).where(AssetVariant.asset_id == asset_id).order_by(AssetVariant.id)
    return (await session.scalars(stmt)).all()


async def add_variant(
    session: AsyncSession, user: User, asset_id: int, data: VariantCreate
) -> AssetVariant:
    await require_owned(session, user, asset_id, {"variant_asset_id": data.variant_asset_id})
    variant = AssetVariant(asset_id=asset_id, **data.model_dump())
    session.add(variant)
    await session.commit()
    return variant


async def delete_variant(session: AsyncSession, user: User, asset_id: int, variant_id: int) -> None:
    await asset_service.get_owned(session, user, asset_id)
    variant = await session.get(AssetVariant, variant_id)
    if variant is None or variant.asset_id != asset_id:
        raise errors.NotFound("variant not found", code="variant_not_found")
    await session.delete(variant)
    await session.commit()
