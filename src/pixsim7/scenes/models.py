"""Scenes, what they use, their revisions, and play sessions.

A scene's graph (flags, nodes, edges) is one JSON document: it is always read and written
whole (the editor saves it, the engine plays it). What must hold across rows is kept in link
tables with real foreign keys: every asset a node plays (`scene_assets`) and every scene a
node calls (`scene_calls`), so neither can be deleted while in use without the scenes
service being asked (assets/usage.py). `has_return` and `params` are derived from the graph
on save: validating a call reads them instead of the callee's whole graph.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7 import clock
from pixsim7.db import Base, BigId, IdMixin, JSONType, TimestampMixin, UTCDateTime


class Scene(IdMixin, TimestampMixin, Base):
    __tablename__ = "scenes"
    __table_args__ = (
        Index("ix_scenes_owner_id", "owner_id", "id"),
        Index("ix_scenes_owner_workspace", "owner_id", "workspace_id", "id"),
    )

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("workspaces.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    start_node: Mapped[str | None] = mapped_column(String(64))
    graph: Mapped[dict[str, Any]] = mapped_column(JSONType)  # {"flags", "nodes", "edges"}
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published
    version: Mapped[int] = mapped_column(Integer, default=1)
    node_count: Mapped[int] = mapped_column(Integer, default=0)
    has_return: Mapped[bool] = mapped_column(Boolean, default=False)
    params: Mapped[list[str]] = mapped_column(JSONType, default=list)  # declared flag names
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # For the scene list, counted on save (null: saved before they were kept).
    error_count: Mapped[int | None] = mapped_column(Integer)
    warning_count: Mapped[int | None] = mapped_column(Integer)
    # The clip whose thumbnail stands for the scene: the first its start node plays.
    poster_asset_id: Mapped[int | None] = mapped_column(BigId)
    # The editor's own drawing aids ({"frames": [...]}), not part of what plays.
    layout: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class SceneAsset(Base):
    """An asset some node of the scene plays. No ON DELETE: deleting the asset must go
    through assets/service.py, which asks the scenes first."""

    __tablename__ = "scene_assets"
    __table_args__ = (Index("ix_scene_assets_asset_id", "asset_id", "scene_id"),)

    scene_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("scenes.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(BigId, ForeignKey("assets.id"), primary_key=True)


class SceneCall(Base):
    """A scene some `scene_call` node of the scene calls (itself included)."""

    __tablename__ = "scene_calls"
    __table_args__ = (Index("ix_scene_calls_callee_id", "callee_id", "scene_id"),)

    scene_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("scenes.id", ondelete="CASCADE"), primary_key=True
    )
    callee_id: Mapped[int] = mapped_column(BigId, ForeignKey("scenes.id"), primary_key=True)


class SceneRevision(IdMixin, Base):
    """A saved version of a scene, kept for restoring (the newest `scene_revisions_kept`)."""

    __tablename__ = "scene_revisions"
    __table_args__ = (UniqueConstraint("scene_id", "version"),)

    scene_id: Mapped[int] = mapped_column(BigId, ForeignKey("scenes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    start_node: Mapped[str | None] = mapped_column(String(64))
    graph: Mapped[dict[str, Any]] = mapped_column(JSONType)
    node_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class PlaySession(IdMixin, TimestampMixin, Base):
    """A save slot: the engine state of one playthrough and the bundle it plays, pinned at
    its start so later edits of the scene cannot pull nodes from under it."""

    __tablename__ = "play_sessions"
    __table_args__ = (
        Index("ix_play_sessions_owner_id", "owner_id", "id"),
        Index("ix_play_sessions_scene_id", "scene_id", "id"),
    )

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    scene_id: Mapped[int] = mapped_column(BigId, ForeignKey("scenes.id", ondelete="CASCADE"))
    scene_version: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(100))
    seed: Mapped[int] = mapped_column(BigInteger)
    bundle: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="playing")  # playing | ended
    version: Mapped[int] = mapped_column(Integer, default=1)


class SceneFill(IdMixin, Base):
    """A clip asked for from a scene's node: when its job completes, the job's asset is added
    to the node (fills.py). A row, so the link survives a closed browser and a restart;
    `state` leaves `waiting` once, when the job's end has been dealt with."""

    __tablename__ = "scene_fills"
    __table_args__ = (
        Index("ix_scene_fills_scene_id", "scene_id", "id"),
        Index("ix_scene_fills_state", "state", "job_id"),
    )

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    scene_id: Mapped[int] = mapped_column(BigId, ForeignKey("scenes.id", ondelete="CASCADE"))
    node_id: Mapped[str] = mapped_column(String(64))
    job_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(16), default="waiting")  # FILL_STATES
    message: Mapped[str | None] = mapped_column(Text)  # why it did not attach
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
