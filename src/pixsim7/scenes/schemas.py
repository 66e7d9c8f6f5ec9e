"""Request and response bodies of /scenes and /plays. The graph parts are the format's own
models (format.py), so the OpenAPI schema, and the web app's types made from it, describe
the scene format exactly."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pixsim7 import fields
from pixsim7.jobs.schemas import MAX_BATCH, JobCreate
from pixsim7.scenes.format import (
    MAX_EDGES,
    MAX_FLAGS,
    MAX_NODES,
    Bundle,
    Edge,
    FlagName,
    Id,
    Node,
    Value,
)

Title = Annotated[fields.Text, StringConstraints(min_length=1, max_length=200)]
Description = Annotated[fields.Text, StringConstraints(max_length=5_000)]
Flags = Annotated[dict[FlagName, Value], Field(max_length=MAX_FLAGS)]
Nodes = Annotated[list[Node], Field(max_length=MAX_NODES)]
Edges = Annotated[list[Edge], Field(max_length=MAX_EDGES)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


Extent = Annotated[float, Field(ge=-1_000_000, le=1_000_000, allow_inf_nan=False)]


class Frame(_In):
    """A labelled rectangle drawn behind the nodes it holds (the editor's grouping)."""

    id: Id
    label: Annotated[fields.Text, StringConstraints(max_length=200)] = ""
    x: Extent
    y: Extent
    width: Annotated[float, Field(ge=40, le=1_000_000, allow_inf_nan=False)]
    height: Annotated[float, Field(ge=40, le=1_000_000, allow_inf_nan=False)]


class Layout(_In):
    """What the editor draws besides the graph; saved with the scene, not played."""

    frames: list[Frame] = Field(default_factory=list, max_length=200)


class SceneCreate(_In):
    title: Title
    description: Description | None = None
    workspace_id: fields.Id | None = None
    start: Id | None = None
    flags: Flags = Field(default_factory=dict)
    nodes: Nodes = Field(default_factory=list)
    edges: Edges = Field(default_factory=list)
    layout: Layout | None = None


class SceneUpdate(_In):
    """Any of the fields; `version` is the one the change was made on (409 if stale)."""

    version: fields.Int
    title: Title | None = None
    description: Description | None = None
    workspace_id: fields.Id | None = None
    start: Id | None = None
    flags: Flags | None = None
    nodes: Nodes | None = None
    edges: Edges | None = None
    layout: Layout | None = None


class ProblemRead(BaseModel):
    code: str
    severity: Literal["error", "warning"]
    message: str
    node: str | None = None
    edge: str | None = None
    scene: int | None = None  # set when the problem is in a called scene


class SceneSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str | None
    workspace_id: int | None
    status: Literal["draft", "published"]
    version: int
    node_count: int
    error_count: int | None  # null: not counted yet (saved before counts were kept)
    warning_count: int | None
    poster_asset_id: int | None  # its thumbnail stands for the scene
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None


class SceneRead(SceneSummary):
    start: str | None
    flags: dict[str, Any]
    nodes: list[Node]
    edges: list[Edge]
    layout: Layout
    problems: list[ProblemRead]


class ScenePage(BaseModel):
    items: list[SceneSummary]
    next_cursor: str | None = None


class ValidationReport(BaseModel):
    problems: list[ProblemRead]
    errors: int
    warnings: int


class RevisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    title: str
    node_count: int
    created_at: dt.datetime


class RevisionList(BaseModel):
    items: list[RevisionRead]


class Restore(_In):
    version: fields.Int  # the scene's current version, as for a save


class SceneImport(_In):
    bundle: Bundle
    workspace_id: fields.Id | None = None


class ImportResult(BaseModel):
    scene: SceneRead  # the imported root
    scene_ids: dict[str, int]  # bundle scene id -> new scene id


class PlayCreate(_In):
    label: Annotated[fields.Text, StringConstraints(max_length=100)] | None = None
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)


class PlayUpdate(_In):
    """Inputs applied in order, all or none (a refused one is a 422 naming its index)."""

    inputs: list[fields.JsonObject] = Field(default_factory=list, max_length=100)
    version: fields.Int | None = None  # the play's version the inputs follow; 409 if stale
    label: Annotated[fields.Text, StringConstraints(max_length=100)] | None = None


class PlayRead(BaseModel):
    id: int
    scene_id: int
    scene_version: int
    label: str | None
    seed: int
    status: Literal["playing", "ended"]
    version: int
    state: dict[str, Any]
    options: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class PlayDetail(PlayRead):
    bundle: Bundle  # the pinned bundle, format pixsim7.scene/1


class PlayPage(BaseModel):
    items: list[PlayRead]
    next_cursor: str | None = None


class FillCreate(_In):
    """A clip for a video node: the job that makes it (the same body as POST /jobs)."""

    node: Id
    job: JobCreate


class FillBatch(_In):
    fills: list[FillCreate] = Field(min_length=1, max_length=MAX_BATCH)


class FillRead(BaseModel):
    id: int
    scene_id: int
    node: str
    job_id: int
    state: Literal["waiting", "attached", "failed", "gone"]
    message: str | None
    job_status: str
    created_at: dt.datetime
    settled_at: dt.datetime | None


class FillList(BaseModel):
    items: list[FillRead]
