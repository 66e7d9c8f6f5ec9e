"""Request and response shapes of the logs API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pixsim7.fields import Id, JsonObject, Text
from pixsim7.logs.sink import LEVEL_NAMES, RESERVED

Level = Literal["debug", "info", "warning", "error", "critical"]
Source = Literal["web", "extension"]


class ClientLogLine(BaseModel):
    """One line of the web app's or the extension's own log (an error it met)."""

    model_config = ConfigDict(extra="forbid")

    level: Level = "error"
    message: Text = Field(min_length=1, max_length=1000)
    source: Source = "web"
    logger: str | None = Field(default=None, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    url: Text | None = Field(default=None, max_length=2000)
    stack: Text | None = Field(default=None, max_length=20_000, description="a stack trace")
    job_id: Id | None = Field(default=None, description="a job of the caller's it is about")
    account_id: Id | None = Field(default=None, description="an account of the caller's")
    context: JsonObject | None = Field(
        default=None, description="any other fields (not named as a stored column is)"
    )

    @field_validator("context")
    @classmethod
    def _free_fields(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        taken = sorted(RESERVED.intersection(value or {}))
        if taken:
            raise ValueError(f"reserved field names: {', '.join(taken)}")
        return value


class ClientLogBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[ClientLogLine] = Field(min_length=1, max_length=50)


class ClientLogAccepted(BaseModel):
    accepted: int


class LogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ts: dt.datetime
    level: Level
    logger: str
    event: str
    process: str
    worker_id: str | None
    request_id: str | None
    user_id: int | None
    job_id: int | None
    account_id: int | None
    provider: str | None
    stage: str | None
    duration_ms: float | None
    error_class: str | None
    exception: str | None
    extra: dict[str, Any]

    @field_validator("level", mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        return LEVEL_NAMES.get(value, "info") if isinstance(value, int) else value


class Facets(BaseModel):
    """Counts of the matching lines by field value: the newest `scanned` matches (at most
    10,000) among the 100,000 lines up to the newest match, so that they take a bounded
    time."""

    level: dict[str, int]
    logger: dict[str, int]
    provider: dict[str, int]
    error_class: dict[str, int]
    scanned: int = Field(description="matching lines counted (at most the facet limit)")
    complete: bool = Field(
        description="false when lines may match that were not counted (past 10,000 "
        "matches, or 100,000 lines or more older than the newest match)"
    )


class LogPage(BaseModel):
    items: list[LogRead]
    next_cursor: str | None = None
    facets: Facets | None = None


class StageRead(BaseModel):
    """One stage of a job's life, as a process logged it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    ts: dt.datetime
    stage: str
    event: str
    level: Level
    process: str
    worker_id: str | None
    provider: str | None
    account_id: int | None
    duration_ms: float | None
    error_class: str | None
    extra: dict[str, Any]

    @field_validator("level", mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        return LEVEL_NAMES.get(value, "info") if isinstance(value, int) else value


class Timeline(BaseModel):
    job_id: int
    stages: list[StageRead]


class LogFilter(BaseModel):
    """What `GET /logs` and its live tail match (all given conditions at once)."""

    level: Level | None = None  # this level and above
    logger: str | None = None  # this logger and those below it (`a.b` matches `a.b.c`)
    q: str | None = None  # text in the message
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    request_id: str | None = None
    job_id: int | None = None
    user_id: int | None = None
    account_id: int | None = None
    provider: str | None = None
    stage: str | None = None
    error_class: str | None = None
    process: str | None = None
