"""Request and response shapes of the asset API (field names of the original system)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from pixsim7.assets.models import ContentDomain, ContentRating, MediaType
from pixsim7.pagination import Page

MAX_TAGS = 50


def clean_tags(tags: list[str] | None) -> list[str] | None:
    """Trimmed, de-duplicated (first wins), at most MAX_TAGS, each 1-64 characters."""
    if tags is None:
        return None
    seen: dict[str, None] = {}
    for raw in tags:
        tag = raw.strip()
        if not tag or len(tag) > 64:
            raise ValueError("each tag must be 1 to 64 characters")
        seen.setdefault(tag, None)
    if len(seen) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return list(seen)


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


class AssetFilters(BaseModel):
    media_type: MediaType | None = None
    provider_id: str | None = None
    workspace_id: int | None = None
    tag: str | None = None
    q: str | None = Field(default=None, max_length=200)  # text in prompt or description
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    source_job_id: int | None = None
    sort: Sort = Sort.NEWEST

    @field_validator("created_after", "created_before")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        # A time without an offset (``?created_after=2026-01-01T00:00``) is read as UTC.
        return value.replace(tzinfo=dt.UTC) if value and value.tzinfo is None else value


class AssetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=10_000)
    tags: list[str] | None = None
    style_tags: list[str] | None = None
    content_domain: ContentDomain | None = None
    content_category: str | None = Field(default=None, max_length=64)
    content_rating: ContentRating | None = None
    age_restricted: bool | None = None
    searchable: bool | None = None
    workspace_id: int | None = None

    @field_validator("tags", "style_tags")
    @classmethod
    def _clean(cls, value: list[str] | None) -> list[str] | None:
        return clean_tags(value)


class UploadFromUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    workspace_id: int | None = None
    description: str | None = Field(default=None, max_length=10_000)
    tags: list[str] | None = None
    source_page_url: str | None = Field(default=None, max_length=2048)  # where it was captured

    @field_validator("tags")
    @classmethod
    def _clean(cls, value: list[str] | None) -> list[str] | None:
        return clean_tags(value)


class AssetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    media_type: str
    mime_type: str
    width: int | None
    height: int | None
    duration_sec: float | None
    fps: float | None
    codec: str | None
    has_audio: bool
    file_size_bytes: int
    sha256: str
    provider_id: str | None
    provider_asset_id: str | None
    source_job_id: int | None
    original_source_url: str | None
    upload_method: str
    original_filename: str | None
    prompt: str | None
    description: str | None
    tags: list[str]
    style_tags: list[str]
    content_domain: str
    content_category: str | None
    content_rating: str
    age_restricted: bool
    searchable: bool
    workspace_id: int | None
    is_local: bool
    file_url: str
    thumbnail_url: str | None
    preview_url: str | None
    last_accessed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetPage(Page[AssetRead]):
    total: int


class JobSummary(BaseModel):
    id: int
    status: str
    provider_id: str
    operation_type: str


class LineageLink(BaseModel):
    asset_id: int
    relation: str
    operation: str | None
    sequence_order: int


class LineageSummary(BaseModel):
    parent_count: int
    child_count: int
    parents: list[LineageLink]


class AssetDetail(AssetRead):
    job: JobSummary | None
    lineage: LineageSummary
