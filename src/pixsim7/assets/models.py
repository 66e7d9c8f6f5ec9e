"""Assets: generated or uploaded media files, their origin, and the per-provider upload cache.

The bytes live in the content-addressed store (`pixsim7.storage`) under `sha256`; several
assets (of several users) may share one file. Stage timestamps (`stored_at`, `probed_at`,
`thumbnail_at`, `preview_at`) record which pipeline steps are done, so a re-run after a
crash only does what is missing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, BigId, IdMixin, JSONType, TimestampMixin, UTCDateTime


class MediaType(StrEnum):
    VIDEO = "video"
    IMAGE = "image"
    AUDIO = "audio"
    MODEL_3D = "model_3d"


class UploadMethod(StrEnum):
    GENERATED = "generated"
    UPLOAD = "upload"
    URL = "url"  # upload-from-url (the extension) and URL job inputs
    FRAME = "frame"  # a still taken from one of the user's videos (frames.py)


class ContentDomain(StrEnum):
    GENERAL = "general"
    ADULT = "adult"
    MEDICAL = "medical"
    SPORTS = "sports"
    FASHION = "fashion"
    EDUCATION = "education"


class ContentRating(StrEnum):
    GENERAL = "general"
    MATURE = "mature"
    ADULT = "adult"


class Asset(IdMixin, TimestampMixin, Base):
    __tablename__ = "assets"
    __table_args__ = (
        # The gallery's first page: newest of one owner, optionally narrowed by one of these.
        # Each index has id after the filters so "ORDER BY id DESC LIMIT n" reads the index
        # in order, then trashed_at, so "not in the trash" and the capped count of the
        # matches are answered from the index alone (0023_trash_in_owner_indexes).
        Index("ix_assets_owner_id", "owner_id", "id", "trashed_at"),
        Index("ix_assets_owner_type", "owner_id", "media_type", "id", "trashed_at"),
        Index(
            "ix_assets_owner_provider", "owner_id", "provider_id", "media_type", "id", "trashed_at"
        ),
        Index("ix_assets_owner_workspace", "owner_id", "workspace_id", "id", "trashed_at"),
        Index("ix_assets_owner_sha", "owner_id", "sha256"),
        # Storage in use (quota check on every upload, /users/me): summed from the index alone.
        Index("ix_assets_owner_size", "owner_id", "file_size_bytes"),
        Index("ix_assets_sha_access", "sha256", "last_accessed_at"),
        Index("ix_assets_owner_favorite", "owner_id", "favorite", "id", "trashed_at"),
    )

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("workspaces.id", ondelete="SET NULL")
    )
    media_type: Mapped[str] = mapped_column(String(16))
    mime_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    file_size_bytes: Mapped[int] = mapped_column(BigInteger)

    # Probe
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    duration_sec: Mapped[float | None] = mapped_column(Float)
    fps: Mapped[float | None] = mapped_column(Float)
    codec: Mapped[str | None] = mapped_column(String(32))
    has_audio: Mapped[bool] = mapped_column(Boolean, default=False)

    # Origin
    provider_id: Mapped[str | None] = mapped_column(String(32))
    provider_asset_id: Mapped[str | None] = mapped_column(String(256))
    source_job_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="SET NULL"), unique=True
    )
    original_source_url: Mapped[str | None] = mapped_column(Text)
    # Whether original_source_url can still fetch the bytes: eviction depends on it.
    remote_url_valid: Mapped[bool] = mapped_column(Boolean, default=False)
    upload_method: Mapped[str] = mapped_column(String(16))
    original_filename: Mapped[str | None] = mapped_column(String(255))  # display only
    prompt: Mapped[str | None] = mapped_column(Text)  # the job's prompt, for text search

    # Description and classification
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    style_tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    content_domain: Mapped[str] = mapped_column(String(16), default=ContentDomain.GENERAL.value)
    content_category: Mapped[str | None] = mapped_column(String(64))
    content_rating: Mapped[str] = mapped_column(String(16), default=ContentRating.GENERAL.value)
    age_restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    searchable: Mapped[bool] = mapped_column(Boolean, default=True)

    # Pipeline stages (None = not done yet) and the local cache state
    stored_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    probed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    thumbnail_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    preview_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_accessed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    evicted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Daily use: in the trash since (None: not trashed; emptied after PIXSIM7_TRASH_DAYS),
    # and marked as a favourite.
    trashed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    favorite: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AssetTag(Base):
    """One row per (asset, tag): the tag filter is an indexed lookup, not a JSON scan. The
    asset's owner is repeated here so that a user's page of a tag, and its count, read
    this one index, newest first, without a look at each asset."""

    __tablename__ = "asset_tags"

    asset_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigId)

    __table_args__ = (Index("ix_asset_tags_owner_tag", "owner_id", "tag", "asset_id"),)


class AssetProviderUpload(IdMixin, Base):
    """An asset's id at one provider account, so it is uploaded there only once."""

    __tablename__ = "asset_provider_uploads"
    __table_args__ = (UniqueConstraint("asset_id", "provider_id", "account_id"),)

    asset_id: Mapped[int] = mapped_column(BigId, ForeignKey("assets.id", ondelete="CASCADE"))
    provider_id: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="CASCADE"), index=True
    )
    remote_id: Mapped[str] = mapped_column(String(256))
    remote_url: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
