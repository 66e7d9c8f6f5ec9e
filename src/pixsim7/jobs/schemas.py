from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from pixsim7.fields import Id, Int, JsonObject, Omittable, Text, Timestamp


class JobInput(BaseModel):
    """One input by role: an asset, a URL, or the output of a job this one depends on."""

    model_config = ConfigDict(extra="forbid")

    role: Text = Field(min_length=1, max_length=64)
    asset_id: Id | None = None
    url: Text | None = Field(default=None, max_length=4000)
    job_id: Id | None = None

    @model_validator(mode="after")
    def _one_source(self) -> JobInput:
        given = [v for v in (self.asset_id, self.url, self.job_id) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of asset_id, url, job_id")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError("url must be http(s)")
        return self


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: Text = Field(min_length=1, max_length=32)
    operation_type: Text = Field(min_length=1, max_length=32)
    params: JsonObject = Field(default_factory=dict)
    inputs: list[JobInput] = Field(default_factory=list, max_length=32)
    priority: int = Field(default=0, ge=-1000, le=1000)
    scheduled_at: Timestamp | None = None
    depends_on: list[Id] = Field(default_factory=list, max_length=64)
    workspace_id: Id | None = None
    name: Text | None = Field(default=None, max_length=200)
    account_id: Id | None = None


MAX_BATCH = 100


class JobBatchCreate(BaseModel):
    """Several jobs created together, all or none (a prompt's variations, a script's run)."""

    model_config = ConfigDict(extra="forbid")

    jobs: list[JobCreate] = Field(min_length=1, max_length=MAX_BATCH)


class JobEstimate(BaseModel):
    """What a job request would be accepted as and cost, per credit pool."""

    provider_id: str
    operation_type: str
    params: dict[str, Any]
    credit_type: str | None
    estimated_credits: float
    costs: dict[str, float]


class JobUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority: Omittable[Int] = Field(default=None, ge=-1000, le=1000)
    scheduled_at: Timestamp | None = None
    name: Text | None = Field(default=None, max_length=200)


class JobFilters(BaseModel):
    """What the queue is narrowed to: the list's query, and a batch action's selection."""

    model_config = ConfigDict(extra="forbid")

    status: Text | None = Field(default=None, max_length=200, description="comma-separated")
    provider_id: Text | None = Field(default=None, max_length=32)
    operation_type: Text | None = Field(default=None, max_length=32)
    workspace_id: Id | None = None
    q: Text | None = Field(default=None, max_length=200, description="text in the prompt or name")
    created_after: Timestamp | None = None
    created_before: Timestamp | None = None


MAX_SELECTION = 5000


class JobSelection(BaseModel):
    """The jobs a batch action is about: these ids, or every job matching a filter (that
    the action applies to). All or none: one id the user does not own makes it a 404, one
    the action cannot apply to a 409, and nothing changes."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_SELECTION)
    filter: JobFilters | None = None

    @model_validator(mode="after")
    def _one_way(self) -> JobSelection:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("give either ids or filter")
        return self


class JobBatchPriority(JobSelection):
    priority: int = Field(ge=-1000, le=1000)


class JobBatchMove(JobSelection):
    workspace_id: Id | None = Field(description="the workspace to move them to; null: none")


class JobBatchResult(BaseModel):
    """The jobs the action changed."""

    ids: list[int]


class SubmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int | None
    attempt: int
    status: str
    provider_job_id: str | None
    error_class: str | None
    error_message: str | None
    may_be_duplicate: bool
    started_at: dt.datetime
    responded_at: dt.datetime | None
    finished_at: dt.datetime | None
    credits: float | None


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
    workspace_id: int | None
    name: str | None
    prompt: str | None = None
    provider_id: str
    operation_type: str
    params: dict[str, Any]
    inputs: list[dict[str, Any]]
    priority: int
    scheduled_at: dt.datetime | None = Field(
        default=None, validation_alias=AliasChoices("run_after", "scheduled_at")
    )
    status: str
    wait_reason: str | None
    cancel_requested_at: dt.datetime | None = None  # cancelled as soon as the provider answers
    attempts: int
    retries: int
    progress: float | None
    account_id: int | None
    pinned_account_id: int | None
    provider_job_id: str | None
    credit_type: str | None
    estimated_credits: float
    actual_credits: float | None
    error_class: str | None
    error_message: str | None
    result_url: str | None
    asset_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None
    submitted_at: dt.datetime | None
    completed_at: dt.datetime | None


class JobBatchRead(BaseModel):
    jobs: list[JobRead]


class JobDetail(JobRead):
    depends_on: list[int] = Field(default_factory=list)
    history: list[dict[str, Any]]
    submissions: list[SubmissionRead] = Field(default_factory=list)
    account_nickname: str | None = None


class QueueStateRead(BaseModel):
    paused: bool


class JobStats(BaseModel):
    by_status: dict[str, int]
    by_provider: dict[str, dict[str, int]]
    paused: bool
    credits_estimated_pending: float
    credits_spent: float
