"""Request and response shapes of users (the original system's field names)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from pixsim7.fields import BigInt, Int, JsonObject, Omittable, Text
from pixsim7.users.models import Role

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"


class QuotaLimits(BaseModel):
    max_jobs_per_day: int = Field(ge=0, le=1_000_000)
    max_concurrent_jobs: int = Field(ge=0, le=10_000)
    max_storage_bytes: int = Field(ge=0, le=10**15)
    max_provider_accounts: int = Field(ge=0, le=10_000)


class QuotaUsage(BaseModel):
    day: dt.date
    jobs_created: int
    credits_spent: float
    storage_bytes: int


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    username: str | None
    display_name: str | None
    role: Role
    is_active: bool
    preferences: dict[str, Any]
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    max_jobs_per_day: int
    max_concurrent_jobs: int
    max_storage_bytes: int
    max_provider_accounts: int


class MeRead(UserRead):
    usage: QuotaUsage


class UserCreate(BaseModel):
    email: EmailStr = Field(max_length=320)
    username: str | None = Field(
        default=None, min_length=2, max_length=64, pattern=USERNAME_PATTERN
    )
    password: Text = Field(min_length=8, max_length=256)


class UserAdminCreate(UserCreate):
    """A user the admin creates (registration open or not)."""

    model_config = ConfigDict(extra="forbid")

    role: Role = Role.USER


class PasswordReset(BaseModel):
    """An admin sets a user's password (a user who lost theirs); ends their sessions."""

    model_config = ConfigDict(extra="forbid")

    new_password: Text = Field(min_length=8, max_length=256)


class MeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Text | None = Field(default=None, max_length=128)
    username: str | None = Field(
        default=None, min_length=2, max_length=64, pattern=USERNAME_PATTERN
    )
    preferences: Omittable[JsonObject] = None
    current_password: Text | None = Field(default=None, max_length=256)
    new_password: Text | None = Field(default=None, min_length=8, max_length=256)


class UserAdminUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Omittable[Role] = None
    is_active: Omittable[bool] = None
    display_name: Text | None = Field(default=None, max_length=128)
    max_jobs_per_day: Omittable[Int] = Field(default=None, ge=0, le=1_000_000)
    max_concurrent_jobs: Omittable[Int] = Field(default=None, ge=0, le=10_000)
    max_storage_bytes: Omittable[BigInt] = Field(default=None, ge=0, le=10**15)
    max_provider_accounts: Omittable[Int] = Field(default=None, ge=0, le=10_000)
