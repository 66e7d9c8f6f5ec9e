from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pixsim7.auth.models import SessionKind
from pixsim7.fields import Text
from pixsim7.users.schemas import UserRead


class LoginRequest(BaseModel):
    email: Text = Field(min_length=1, max_length=320, description="email or username")
    password: Text = Field(min_length=1, max_length=256)
    # Which client the session is for: "extension" names it in the sessions list and lets
    # it use the extension's routes.
    kind: SessionKind = SessionKind.WEB


class LoginResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    user: UserRead


class Registration(BaseModel):
    open: bool  # anyone may register; closed, the admin creates users


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: SessionKind
    ip_address: str | None
    user_agent: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime
    current: bool = False
