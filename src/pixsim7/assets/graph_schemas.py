"""Shapes for lineage, branches, clips, variants and the metadata side tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pixsim7.assets.schemas import AssetRead

Name = Field(min_length=1, max_length=128)


class LineageEdgeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parent_asset_id: int
    relation: str = Field(default="derived_from", min_length=1, max_length=32)
    operation: str | None = Field(default=None, max_length=32)
    sequence_order: int = Field(default=0, ge=0)


class LineageEdgeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    parent_asset_id: int
    child_asset_id: int
    relation: str
    operation: str | None
    sequence_order: int
    source_job_id: int | None
    manual: bool
    created_at: dt.datetime


class LineageNode(BaseModel):
    asset: AssetRead
    level: int  # < 0 ancestors, 0 the asset, > 0 descendants


class LineageGraph(BaseModel):
    root_id: int
    nodes: list[LineageNode]
    edges: list[LineageEdgeRead]


class BranchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    branch_time: float = Field(ge=0)
    branch_frame: int | None = Field(default=None, ge=0)
    branch_name: str = Name
    branch_description: str | None = Field(default=None, max_length=10_000)
    branch_tag: str | None = Field(default=None, max_length=64)
    branch_type: str = Field(default="choice", max_length=32)
    game_metadata: dict[str, Any] = Field(default_factory=dict)


class BranchVariantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variant_asset_id: int
    variant_name: str = Name
    variant_tag: str | None = Field(default=None, max_length=64)
    display_order: int = 0
    weight: float = Field(default=1.0, ge=0)
    conditions: dict[str, Any] = Field(default_factory=dict)
    effects: dict[str, Any] = Field(default_factory=dict)


class BranchVariantRead(BranchVariantCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    branch_id: int


class BranchRead(BranchCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_asset_id: int
    variants: list[BranchVariantRead] = Field(default_factory=list)


class ClipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_time: float = Field(ge=0)
    end_time: float = Field(gt=0)
    start_frame: int | None = Field(default=None, ge=0)
    end_frame: int | None = Field(default=None, ge=0)
    clip_name: str = Name
    clip_tag: str | None = Field(default=None, max_length=64)
    clip_asset_id: int | None = None
    playback_metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> ClipCreate:
        if self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class ClipRead(ClipCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_asset_id: int


class VariantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variant_type: str = Field(min_length=1, max_length=32)
    variant_asset_id: int | None = None
    label: str | None = Field(default=None, max_length=128)
    width: int | None = Field(default=None, ge=1)
    height: int | None = Field(default=None, ge=1)
    extra: dict[str, Any] = Field(default_factory=dict)


class VariantRead(VariantCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    asset_id: int


class AudioMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    sample_rate: int | None = None
    channels: int | None = None
    bitrate: int | None = None
    bpm: float | None = None
    key: str | None = Field(default=None, max_length=16)
    has_vocals: bool | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class Model3DMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    polygon_count: int | None = None
    vertex_count: int | None = None
    file_format: str | None = Field(default=None, max_length=16)
    has_textures: bool | None = None
    has_animations: bool | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class AdultMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    intensity: int | None = Field(default=None, ge=0, le=10)
    tempo: str | None = Field(default=None, max_length=16)
    scene_type: str | None = Field(default=None, max_length=64)
    extra: dict[str, Any] = Field(default_factory=dict)


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_time: float = Field(ge=0)
    end_time: float = Field(gt=0)
    segment_type: str = Field(min_length=1, max_length=32)
    description: str | None = Field(default=None, max_length=10_000)
    extra: dict[str, Any] = Field(default_factory=dict)


class SegmentRead(SegmentCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    asset_id: int
