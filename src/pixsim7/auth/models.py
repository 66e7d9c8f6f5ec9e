"""One UserSession per issued access token: the token's `jti` names it. Its kind says which
client holds it (the web app, the browser extension), so the sessions list can name it and
routes can require one."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7 import clock
from pixsim7.db import Base, BigId, UTCDateTime


class SessionKind(StrEnum):
    WEB = "web"  # the web app, the API, scripts
    EXTENSION = "extension"  # the browser extension; may open provider sites signed in


class UserSession(Base):
    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(
        String(16), default=SessionKind.WEB.value, server_default=SessionKind.WEB.value
    )
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def is_live(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
