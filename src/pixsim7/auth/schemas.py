from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pixsim7.users.schemas import UserRead


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320, description="email or username")
    password: str = Field(min_length=1, max_length=256)


class LoginResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    user: UserRead


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ip_address: str | None
    user_agent: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime
    current: bool = False
