"""Job states and the sets derived from them (ARCHITECTURE.md §6)."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    PENDING = "pending"  # waiting: schedule, dependencies, an account; wait_reason says which
    SUBMITTING = "submitting"  # an account slot is reserved, the provider call is under way
    PROCESSING = "processing"  # the provider has it; polled
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL: frozenset[JobStatus] = frozenset(
    {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}
)
# Jobs that hold an account slot: in-flight counts are derived from these.
IN_FLIGHT: frozenset[JobStatus] = frozenset({JobStatus.SUBMITTING, JobStatus.PROCESSING})


class SubmissionStatus(StrEnum):
    SUBMITTING = "submitting"  # row written, provider call not yet answered
    ACCEPTED = "accepted"  # the provider gave a job id
    REJECTED = "rejected"  # the provider refused it (no charge expected)
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    LOST = "lost"  # crashed mid-call and the provider has no record of it
