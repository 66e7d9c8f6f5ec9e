from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from pixsim7.fields import Id, Omittable, Text

Color = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


class WorkspaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=128)
    description: Text | None = Field(default=None, max_length=10_000)
    color: str | None = Color
    icon: Text | None = Field(default=None, max_length=64)
    parent_id: Id | None = None


class WorkspaceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Omittable[Text] = Field(default=None, min_length=1, max_length=128)
    description: Text | None = Field(default=None, max_length=10_000)
    color: str | None = Color
    icon: Text | None = Field(default=None, max_length=64)
    parent_id: Id | None = None
    archived: Omittable[bool] = None


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
