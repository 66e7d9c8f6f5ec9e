"""Request and response shapes of the asset API (field names of the original system)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from pixsim7.assets.models import ContentDomain, ContentRating, MediaType
from pixsim7.fields import NO_NUL_PATTERN, Id, Number, Omittable, Text, Timestamp
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
    """What the gallery is narrowed to: the list's query, and a batch action's selection."""

    model_config = ConfigDict(extra="forbid")

    media_type: MediaType | None = None
    provider_id: Text | None = None
    workspace_id: Id | None = None
    tag: Text | None = None
    q: Text | None = Field(default=None, max_length=200)  # in prompt, description or tags
    created_after: Timestamp | None = None
    created_before: Timestamp | None = None
    source_job_id: Id | None = None
    favorite: bool | None = None
    trashed: bool = False  # the trash instead of the gallery
    sort: Sort = Sort.NEWEST


MAX_SELECTION = 10_000


class AssetSelection(BaseModel):
    """The assets a batch action is about: these ids, or every asset matching a filter.
    All or none: one id the user does not own makes it a 404 and nothing changes."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_SELECTION)
    filter: AssetFilters | None = None

    @model_validator(mode="after")
    def _one_way(self) -> AssetSelection:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("give either ids or filter")
        return self


class AssetBatchTrash(AssetSelection):
    force: bool = Field(
        default=False, description="let go of the assets in scenes that play them (else 409)"
    )


class AssetBatchTags(AssetSelection):
    add: list[Text] = Field(default_factory=list, max_length=MAX_TAGS)
    remove: list[Text] = Field(default_factory=list, max_length=MAX_TAGS)

    @field_validator("add", "remove")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        return clean_tags(value) or []


class AssetBatchMove(AssetSelection):
    workspace_id: Id | None = Field(description="the workspace to move them to; null: none")


class AssetBatchFavorite(AssetSelection):
    favorite: bool


class AssetBatchResult(BaseModel):
    """The assets the action changed."""

    ids: list[int]


class AssetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Text | None = Field(default=None, max_length=10_000)
    tags: Omittable[list[Text]] = None
    style_tags: Omittable[list[Text]] = None
    content_domain: Omittable[ContentDomain] = None
    content_category: Text | None = Field(default=None, max_length=64)
    content_rating: Omittable[ContentRating] = None
    age_restricted: Omittable[bool] = None
    searchable: Omittable[bool] = None
    favorite: Omittable[bool] = None
    workspace_id: Id | None = None

    @field_validator("tags", "style_tags")
    @classmethod
    def _clean(cls, value: list[str] | None) -> list[str] | None:
        return clean_tags(value)


class FrameRequest(BaseModel):
    """Which frame of a video to keep as a picture: `at_sec` into it, or its last."""

    model_config = ConfigDict(extra="forbid")

    at_sec: Number | None = Field(default=None, ge=0, le=86_400)


class UploadFromUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    workspace_id: Id | None = None
    description: Text | None = Field(default=None, max_length=10_000)
    tags: list[Text] | None = None
    source_page_url: Text | None = Field(default=None, max_length=2048)  # where it was captured

    @field_validator("tags")
    @classmethod
    def _clean(cls, value: list[str] | None) -> list[str] | None:
        return clean_tags(value)


class UploadFields(BaseModel):
    """The text fields of a multipart upload, beside its `file` part (streamed apart)."""

    model_config = ConfigDict(extra="ignore")

    workspace_id: Id | None = None
    description: Text | None = Field(default=None, max_length=10_000)
    tags: list[Text] = Field(default_factory=list, description="comma-separated in the form")
    # The page the file was found on and its title (the browser extension sends them).
    source_url: str | None = Field(default=None, max_length=4000, pattern=r"^https?://[^\u0000]+$")
    source_title: Text | None = Field(default=None, max_length=10_000)

    @field_validator("workspace_id", "description", "source_url", "source_title", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("tags", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return [t for t in value.split(",") if t.strip()] if isinstance(value, str) else value

    @field_validator("tags")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        return clean_tags(value) or []


def upload_body() -> dict[str, Any]:
    """The upload route's request body for the OpenAPI document (the route reads it itself)."""
    fields = UploadFields.model_json_schema()["properties"]
    fields["tags"] = {"type": "string", "pattern": NO_NUL_PATTERN, "maxLength": 4000}
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}, **fields},
    }
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


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
    favorite: bool
    trashed_at: dt.datetime | None
    is_local: bool
    file_url: str
    thumbnail_url: str | None
    preview_url: str | None
    last_accessed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetPage(Page[AssetRead]):
    # Matches in all, counted up to 10,000: past that, `total` is 10,000 and `total_exact`
    # false ("10,000+").
    total: int
    total_exact: bool = True
    # The trash's listing says when it empties itself: this many days after a deletion.
    trash_days: int | None = None


class JobSummary(BaseModel):
    """The job that made the asset: what it was asked, where it ran, what it cost."""

    id: int
    status: str
    provider_id: str
    operation_type: str
    params: dict[str, Any] = Field(default_factory=dict)
    account_id: int | None = None
    account_nickname: str | None = None
    credit_type: str | None = None
    estimated_credits: float = 0.0
    actual_credits: float | None = None
    created_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


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
