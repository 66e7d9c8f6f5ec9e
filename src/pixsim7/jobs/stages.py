"""The named stages of a job's life, each one log line with its duration, so that a job's
story can be read from the logs of every process that handled it (`GET /logs/jobs/{id}/
timeline`):

  created     the API took it (the request's id is on the line)
  claimed     a worker took it with an account; duration: the wait in the queue
  submitting  the provider call begins (attempt number)
  submitted   the provider accepted it (its job id); duration: claim to acceptance
  polled      the provider's answer moved it (progress) or ended it
  completed   done; duration: acceptance to result
  failed      ended with an error class; requeued: the attempt failed and it goes back
  cancelled   ended by a cancel
  downloaded  its output fetched; duration: the download
  ingested    the output is an asset; duration: download, probe, thumbnails and row

Lines logged inside a transaction that is run again (a deadlock victim) appear twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pixsim7 import clock
from pixsim7.jobs.models import Job
from pixsim7.logging import get_logger
from pixsim7.logs import metrics

log = get_logger("pixsim7.jobs.stages")


def since(start: dt.datetime | None, now: dt.datetime | None = None) -> float | None:
    """Seconds from `start` to now (None without a start)."""
    if start is None:
        return None
    return max(0.0, ((now or clock.now()) - start).total_seconds())


def stage(
    name: str, job: Job, *, seconds: float | None = None, level: str = "info", **fields: Any
) -> None:
    """Log stage `name` of `job` (its owner, provider and account on the line)."""
    duration = {"duration_ms": round(seconds * 1000, 1)} if seconds is not None else {}
    getattr(log, level)(
        f"job {name}",
        stage=name,
        job_id=job.id,
        user_id=job.owner_id,
        provider=job.provider_id,
        account_id=fields.pop("account_id", job.account_id),
        **duration,
        **fields,
    )


def submitted(job: Job, started: dt.datetime | None, provider_job_id: str) -> None:
    seconds = since(started)
    if seconds is not None:
        metrics.SUBMIT_SECONDS.labels(job.provider_id).observe(seconds)
    stage("submitted", job, seconds=seconds, provider_job_id=provider_job_id)


def completed(job: Job) -> None:
    seconds = since(job.submitted_at, job.completed_at)
    if seconds is not None:
        metrics.COMPLETION_SECONDS.labels(job.provider_id).observe(seconds)
    stage("completed", job, seconds=seconds, asset_id=job.asset_id)


def failed(job: Job, error_class: str, message: str, *, verb: str, account_id: int | None) -> None:
    """An attempt failed: the job `failed`, was `requeued` or `cancelled`."""
    metrics.PROVIDER_ERRORS.labels(job.provider_id, error_class).inc()
    stage(
        verb,
        job,
        seconds=since(job.started_at),
        level="warning" if verb == "failed" else "info",
        error_class=error_class,
        message=message,
        account_id=account_id,
    )
