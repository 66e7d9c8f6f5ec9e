from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator


class JobInput(BaseModel):
    """One input by role: an asset, a URL, or the output of a job this one depends on."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(min_length=1, max_length=64)
    asset_id: int | None = None
    url: str | None = Field(default=None, max_length=4000)
    job_id: int | None = None

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

    provider_id: str = Field(min_length=1, max_length=32)
    operation_type: str = Field(min_length=1, max_length=32)
    params: dict[str, Any] = Field(default_factory=dict)
    inputs: list[JobInput] = Field(default_factory=list, max_length=32)
    priority: int = Field(default=0, ge=-1000, le=1000)
    scheduled_at: dt.datetime | None = None
    depends_on: list[int] = Field(default_factory=list, max_length=64)
    workspace_id: int | None = None
    name: str | None = Field(default=None, max_length=200)
    account_id: int | None = None


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

    priority: int | None = Field(default=None, ge=-1000, le=1000)
    scheduled_at: dt.datetime | None = None
    name: str | None = Field(default=None, max_length=200)


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
