"""Per-user, per-day usage counters (the limits themselves are columns of User)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Float, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, BigId, IdMixin


class UserQuotaUsage(IdMixin, Base):
    __tablename__ = "user_quota_usage"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    jobs_created: Mapped[int] = mapped_column(default=0, server_default="0")
    credits_spent: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    bytes_stored: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
