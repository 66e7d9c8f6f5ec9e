"""Users, with their role and their quota limits."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, IdMixin, JSONType, TimestampMixin, UTCDateTime


class Role(StrEnum):
    ADMIN = "admin"
    USER = "user"


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), default=Role.USER.value)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Quota limits; daily usage lives in quotas.models.UserQuotaUsage.
    max_jobs_per_day: Mapped[int] = mapped_column(default=1000)
    max_concurrent_jobs: Mapped[int] = mapped_column(default=20)
    max_storage_bytes: Mapped[int] = mapped_column(BigInteger, default=50 * 1024**3)
    max_provider_accounts: Mapped[int] = mapped_column(default=50)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value
