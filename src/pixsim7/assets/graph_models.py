"""What hangs off an asset: lineage edges, branches and clips for games, variants, and the
metadata side tables (audio, 3D, temporal segments, adult) of the seed model."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, BigId, IdMixin, JSONType, TimestampMixin


def _asset_fk(**kw: Any) -> Any:
    return mapped_column(BigId, ForeignKey("assets.id", ondelete="CASCADE"), **kw)


class AssetLineage(IdMixin, TimestampMixin, Base):
    """parent -> child: the child was made from the parent (relation says in which role)."""

    __tablename__ = "asset_lineage"
    __table_args__ = (
        UniqueConstraint("parent_asset_id", "child_asset_id", "relation", "sequence_order"),
        Index("ix_asset_lineage_child", "child_asset_id"),
    )

    parent_asset_id: Mapped[int] = _asset_fk()
    child_asset_id: Mapped[int] = _asset_fk()
    relation: Mapped[str] = mapped_column(String(32))  # source_image, source_video, subject...
    operation: Mapped[str | None] = mapped_column(String(32))  # image_to_video, ...
    sequence_order: Mapped[int] = mapped_column(default=0)  # transition inputs keep their order
    source_job_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="SET NULL")
    )
    manual: Mapped[bool] = mapped_column(Boolean, default=False)


class AssetBranch(IdMixin, TimestampMixin, Base):
    """A point in a video where a game may branch to one of several variants."""

    __tablename__ = "asset_branches"

    source_asset_id: Mapped[int] = _asset_fk(index=True)
    branch_time: Mapped[float] = mapped_column(Float)  # seconds into the source
    branch_frame: Mapped[int | None] = mapped_column()
    branch_name: Mapped[str] = mapped_column(String(128))
    branch_description: Mapped[str | None] = mapped_column(Text)
    branch_tag: Mapped[str | None] = mapped_column(String(64))
    branch_type: Mapped[str] = mapped_column(String(32), default="choice")
    game_metadata: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AssetBranchVariant(IdMixin, TimestampMixin, Base):
    """One option at a branch: the video that plays if it is chosen."""

    __tablename__ = "asset_branch_variants"

    branch_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("asset_branches.id", ondelete="CASCADE"), index=True
    )
    variant_asset_id: Mapped[int] = _asset_fk(index=True)
    variant_name: Mapped[str] = mapped_column(String(128))
    variant_tag: Mapped[str | None] = mapped_column(String(64))
    display_order: Mapped[int] = mapped_column(default=0)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    effects: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AssetClip(IdMixin, TimestampMixin, Base):
    """A bookmarked range of a video, optionally rendered to its own asset."""

    __tablename__ = "asset_clips"

    source_asset_id: Mapped[int] = _asset_fk(index=True)
    start_time: Mapped[float] = mapped_column(Float)
    end_time: Mapped[float] = mapped_column(Float)
    start_frame: Mapped[int | None] = mapped_column()
    end_frame: Mapped[int | None] = mapped_column()
    clip_name: Mapped[str] = mapped_column(String(128))
    clip_tag: Mapped[str | None] = mapped_column(String(64))
    clip_asset_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("assets.id", ondelete="SET NULL")
    )
    playback_metadata: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AssetVariant(IdMixin, TimestampMixin, Base):
    """Another rendition of an asset (upscale, crop, re-encode), itself an asset or a note."""

    __tablename__ = "asset_variants"

    asset_id: Mapped[int] = _asset_fk(index=True)
    variant_asset_id: Mapped[int | None] = _asset_fk(nullable=True, index=True)
    variant_type: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(128))
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AssetAudioMetadata(Base):
    __tablename__ = "asset_audio_metadata"

    asset_id: Mapped[int] = _asset_fk(primary_key=True)
    sample_rate: Mapped[int | None] = mapped_column()
    channels: Mapped[int | None] = mapped_column()
    bitrate: Mapped[int | None] = mapped_column()
    bpm: Mapped[float | None] = mapped_column(Float)
    key: Mapped[str | None] = mapped_column(String(16))
    has_vocals: Mapped[bool | None] = mapped_column(Boolean)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class Asset3DMetadata(Base):
    __tablename__ = "asset_3d_metadata"

    asset_id: Mapped[int] = _asset_fk(primary_key=True)
    polygon_count: Mapped[int | None] = mapped_column()
    vertex_count: Mapped[int | None] = mapped_column()
    file_format: Mapped[str | None] = mapped_column(String(16))
    has_textures: Mapped[bool | None] = mapped_column(Boolean)
    has_animations: Mapped[bool | None] = mapped_column(Boolean)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AssetAdultMetadata(Base):
    __tablename__ = "asset_adult_metadata"

    asset_id: Mapped[int] = _asset_fk(primary_key=True)
    intensity: Mapped[int | None] = mapped_column()  # 0..10
    tempo: Mapped[str | None] = mapped_column(String(16))
    scene_type: Mapped[str | None] = mapped_column(String(64))
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AssetTemporalSegment(IdMixin, Base):
    """A stretch of a video: a scene, a keyframe, an action; ordered by start_time."""

    __tablename__ = "asset_temporal_segments"

    asset_id: Mapped[int] = _asset_fk(index=True)
    start_time: Mapped[float] = mapped_column(Float)
    end_time: Mapped[float] = mapped_column(Float)
    segment_type: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
