"""Shapes for lineage, branches, clips, variants and the metadata side tables."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pixsim7.assets.schemas import AssetRead
from pixsim7.fields import INT32_MAX, Id, Int, JsonObject, Number, Text

Name = Field(min_length=1, max_length=128)
Seconds = Annotated[Number, Field(ge=0, le=1e9)]


class LineageEdgeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parent_asset_id: Id
    relation: Text = Field(default="derived_from", min_length=1, max_length=32)
    operation: Text | None = Field(default=None, max_length=32)
    sequence_order: int = Field(default=0, ge=0, le=INT32_MAX)


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

    branch_time: Seconds
    branch_frame: Int | None = Field(default=None, ge=0)
    branch_name: Text = Name
    branch_description: Text | None = Field(default=None, max_length=10_000)
    branch_tag: Text | None = Field(default=None, max_length=64)
    branch_type: Text = Field(default="choice", max_length=32)
    game_metadata: JsonObject = Field(default_factory=dict)


class BranchVariantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variant_asset_id: Id
    variant_name: Text = Name
    variant_tag: Text | None = Field(default=None, max_length=64)
    display_order: Int = 0
    weight: Number = Field(default=1.0, ge=0, le=1e9)
    conditions: JsonObject = Field(default_factory=dict)
    effects: JsonObject = Field(default_factory=dict)


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

    start_time: Seconds
    end_time: Seconds = Field(gt=0)
    start_frame: Int | None = Field(default=None, ge=0)
    end_frame: Int | None = Field(default=None, ge=0)
    clip_name: Text = Name
    clip_tag: Text | None = Field(default=None, max_length=64)
    clip_asset_id: Id | None = None
    playback_metadata: JsonObject = Field(default_factory=dict)

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

    variant_type: Text = Field(min_length=1, max_length=32)
    variant_asset_id: Id | None = None
    label: Text | None = Field(default=None, max_length=128)
    width: Int | None = Field(default=None, ge=1)
    height: Int | None = Field(default=None, ge=1)
    extra: JsonObject = Field(default_factory=dict)


class VariantRead(VariantCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    asset_id: int


class AudioMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    sample_rate: Int | None = None
    channels: Int | None = None
    bitrate: Int | None = None
    bpm: Number | None = None
    key: Text | None = Field(default=None, max_length=16)
    has_vocals: bool | None = None
    extra: JsonObject = Field(default_factory=dict)


class Model3DMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    polygon_count: Int | None = None
    vertex_count: Int | None = None
    file_format: Text | None = Field(default=None, max_length=16)
    has_textures: bool | None = None
    has_animations: bool | None = None
    extra: JsonObject = Field(default_factory=dict)


class AdultMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    intensity: Int | None = Field(default=None, ge=0, le=10)
    tempo: Text | None = Field(default=None, max_length=16)
    scene_type: Text | None = Field(default=None, max_length=64)
    extra: JsonObject = Field(default_factory=dict)


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_time: Seconds
    end_time: Seconds = Field(gt=0)
    segment_type: Text = Field(min_length=1, max_length=32)
    description: Text | None = Field(default=None, max_length=10_000)
    extra: JsonObject = Field(default_factory=dict)


class SegmentRead(SegmentCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    asset_id: int
