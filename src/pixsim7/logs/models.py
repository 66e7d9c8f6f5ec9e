"""LogEntry: one structured log line of any process, stored for the viewer and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, BigId, IdMixin, JSONType, UTCDateTime


class LogEntry(IdMixin, Base):
    """Lines are written in batches by each process's sink (logs/sink.py) and read newest
    first by id. Each index below leads with a column the API filters on and ends with the
    id, so a filtered page is read backwards along one index and stops after a page."""

    __tablename__ = "log_entries"
    __table_args__ = (
        Index("ix_log_entries_ts", "ts"),
        Index("ix_log_entries_level", "level", "id"),
        Index("ix_log_entries_logger", "logger", "id"),
        Index("ix_log_entries_request", "request_id", "id"),
        Index("ix_log_entries_user", "user_id", "id"),
        Index("ix_log_entries_job", "job_id", "id"),
        Index("ix_log_entries_account", "account_id", "id"),
        Index("ix_log_entries_provider", "provider", "id"),
        Index("ix_log_entries_error_class", "error_class", "id"),
        Index("ix_log_entries_stage", "stage", "id"),
    )

    ts: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    level: Mapped[int] = mapped_column(SmallInteger)  # the standard numbers: 10 debug … 50
    logger: Mapped[str] = mapped_column(String(128))
    event: Mapped[str] = mapped_column(String(1000))
    process: Mapped[str] = mapped_column(String(32))  # api, worker, web, extension
    worker_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(128))
    user_id: Mapped[int | None] = mapped_column(BigId)  # no foreign key: lines outlive rows
    job_id: Mapped[int | None] = mapped_column(BigId)
    account_id: Mapped[int | None] = mapped_column(BigId)
    provider: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(32))
    duration_ms: Mapped[float | None] = mapped_column(Float)
    error_class: Mapped[str | None] = mapped_column(String(32))
    exception: Mapped[str | None] = mapped_column(Text)  # the traceback, when there is one
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
