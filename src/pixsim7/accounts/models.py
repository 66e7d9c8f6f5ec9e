"""Provider accounts and their credit pools.

An account belongs to a user, or is shared (admin-managed, usable by everyone,
its credentials visible to no one). Credentials are stored encrypted.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7 import clock
from pixsim7.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime


class AccountStatus(StrEnum):
    ACTIVE = "active"
    EXHAUSTED = "exhausted"
    COOLING_DOWN = "cooling_down"
    AUTH_FAILED = "auth_failed"
    DISABLED = "disabled"


class SelectionStrategy(StrEnum):
    LEAST_RECENTLY_USED = "least_recently_used"
    MOST_CREDITS = "most_credits"
    ROUND_ROBIN = "round_robin"


class ProviderAccount(IdMixin, TimestampMixin, Base):
    __tablename__ = "provider_accounts"
    __table_args__ = (
        UniqueConstraint("provider_id", "owner_id", "provider_user_id"),
        Index("ix_provider_accounts_pick", "provider_id", "status", "priority"),
    )

    provider_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False)  # the local renderer's
    nickname: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(320))
    provider_user_id: Mapped[str | None] = mapped_column(String(128))  # identity at the provider
    base_url: Mapped[str | None] = mapped_column(String(512))  # overrides the provider default
    # Set by an admin only: `base_url` may be a private address (outbound policy).
    base_url_trusted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Encrypted with security.SecretBox; never returned by the API.
    api_key_enc: Mapped[str | None] = mapped_column(Text)
    jwt_token_enc: Mapped[str | None] = mapped_column(Text)
    cookies_enc: Mapped[str | None] = mapped_column(Text)
    # The password the provider's app signs in with: typed on a device by an automation
    # preset ({password}), never sent to the provider's API, never returned or logged.
    password_enc: Mapped[str | None] = mapped_column(Text)
    # Masked hints ("…ab12") so a user can tell which key is set.
    api_key_hint: Mapped[str | None] = mapped_column(String(16))
    jwt_token_hint: Mapped[str | None] = mapped_column(String(16))

    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.ACTIVE.value)
    status_message: Mapped[str | None] = mapped_column(Text)
    cooldown_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[int] = mapped_column(default=0)  # higher is chosen first
    # The limit in force: learned downward on concurrency errors, probed back up
    # towards `max_concurrent_jobs_ceiling`: the plan's (as the provider reports it), or the
    # user's setting when lower, or the provider's default until the plan is known.
    max_concurrent_jobs: Mapped[int] = mapped_column(default=1)
    max_concurrent_jobs_ceiling: Mapped[int] = mapped_column(default=1)
    max_concurrent_jobs_setting: Mapped[int | None] = mapped_column()  # None: the plan's
    daily_cap: Mapped[int | None] = mapped_column()
    # The pool its jobs spend from (decided by its credentials; see Provider.pool_for), so
    # the claim can compare a job's price in that pool with the balance in SQL.
    credit_pool: Mapped[str | None] = mapped_column(String(32))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # last answer read
    # When the provider was last asked for the balance, whatever it answered: the refresh
    # schedule every worker follows (accounts/refresh.py).
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    success_count: Mapped[int] = mapped_column(default=0)
    failure_count: Mapped[int] = mapped_column(default=0)
    total_generation_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    consecutive_successes: Mapped[int] = mapped_column(default=0)  # drives the upward probe


class ProviderCredit(Base):
    """Credits of one pool of one account (Pixverse keeps `web` and `openapi` apart)."""

    __tablename__ = "provider_credits"

    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    credit_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
