"""Jobs (the queue is this table), their dependencies and their provider submissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, BigId, IdMixin, JSONType, TimestampMixin, UTCDateTime
from pixsim7.jobs.states import JobStatus, SubmissionStatus


class Job(IdMixin, TimestampMixin, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # The claim scans pending jobs by priority then age.
        Index("ix_jobs_claim", "status", "priority", "id"),
        Index("ix_jobs_owner_status", "owner_id", "status"),
        Index("ix_jobs_account_status", "account_id", "status"),
    )

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("workspaces.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    prompt: Mapped[str | None] = mapped_column(Text)  # params["prompt"], for text search
    provider_id: Mapped[str] = mapped_column(String(32))
    operation_type: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # [{"role": "source_image", "asset_id": 3} | {"role": ..., "url": "https://..."}]
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    priority: Mapped[int] = mapped_column(default=0)  # higher first
    run_after: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # scheduled_at

    status: Mapped[str] = mapped_column(String(16), default=JobStatus.PENDING.value)
    wait_reason: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(default=0)  # provider submissions made
    retries: Mapped[int] = mapped_column(default=0)  # retries spent from the budget
    progress: Mapped[float | None] = mapped_column(Float)

    # Lease: the worker holding the job, until when. Expired leases are claimable.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A cancel that came while the provider call was under way: the job keeps its account
    # slot (the provider may be starting it) until the worker sees the answer and cancels.
    cancel_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # next poll
    # The worker whose process runs the job, for providers whose jobs live there
    # (`ProviderInfo.runs_in_worker`): only it polls the job while it heartbeats.
    runner_id: Mapped[str | None] = mapped_column(String(64))

    account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="SET NULL")
    )
    pinned_account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="SET NULL")
    )
    provider_job_id: Mapped[str | None] = mapped_column(String(128))
    credit_type: Mapped[str | None] = mapped_column(String(32))
    estimated_credits: Mapped[float] = mapped_column(Float, default=0.0)
    reserved_credits: Mapped[float] = mapped_column(Float, default=0.0)  # held on the account
    actual_credits: Mapped[float | None] = mapped_column(Float)

    error_class: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    result_url: Mapped[str | None] = mapped_column(Text)  # provider output until ingested
    asset_id: Mapped[int | None] = mapped_column(BigId, index=True)  # the output asset
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# The claim: the best pending jobs of one provider, read in the index's own order up to
# its limit (`claim._candidates_statement`). Without the provider, a claim while every
# account but the always-free builtin one was busy read every pending job to find no
# `local` one; without the descending priority, it read and sorted all of them.
Index("ix_jobs_claim_provider", Job.status, Job.provider_id, Job.priority.desc(), Job.id)


class JobDependency(Base):
    __tablename__ = "job_dependencies"

    job_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class JobCost(Base):
    """The job's estimated price in each of its provider's credit pools: which pool pays
    is known only once an account is chosen, and pools price alike jobs differently."""

    __tablename__ = "job_costs"

    job_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    credit_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    credits: Mapped[float] = mapped_column(Float)


class ProviderSubmission(IdMixin, Base):
    """One attempt at the provider, written BEFORE the call (at-most-once at the provider)."""

    __tablename__ = "provider_submissions"

    job_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="SET NULL"), index=True
    )
    attempt: Mapped[int] = mapped_column()
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.SUBMITTING.value)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    provider_job_id: Mapped[str | None] = mapped_column(String(128))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error_class: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    may_be_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    credits: Mapped[float | None] = mapped_column(Float)


class QueueState(Base):
    """A user's paused queue: pending jobs of a paused user are not claimed."""

    __tablename__ = "job_queue_state"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    paused: Mapped[bool] = mapped_column(Boolean, default=False)


class Worker(Base):
    """A live worker process: it heartbeats; jobs it holds carry its id in lease_owner."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column()
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    stopping: Mapped[bool] = mapped_column(Boolean, default=False)


__all__ = ["Job", "JobDependency", "ProviderSubmission", "QueueState", "SubmissionStatus", "Worker"]
