from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

Color = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


class WorkspaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    description: str | None = Field(default=None, max_length=10_000)
    color: str | None = Color
    icon: str | None = Field(default=None, max_length=64)
    parent_id: int | None = None


class WorkspaceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=128)
    description: str | None = Field(default=None, max_length=10_000)
    color: str | None = Color
    icon: str | None = Field(default=None, max_length=64)
    parent_id: int | None = None
    archived: bool | None = None


class WorkspaceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    color: str | None
    icon: str | None
    parent_id: int | None
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime
