"""One row per provider site opened signed in through the extension: the audit of who
received which account's session (never the values), and what the rate limit counts, so
the limit holds across API processes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7 import clock
from pixsim7.db import Base, BigId, IdMixin, UTCDateTime


class SessionOpen(IdMixin, Base):
    __tablename__ = "extension_session_opens"
    __table_args__ = (Index("ix_extension_session_opens_user", "user_id", "created_at"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    # Kept when the account is deleted: the audit outlives it.
    account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="SET NULL")
    )
    provider_id: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[str | None] = mapped_column(String(64))  # the extension's UserSession
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
