"""Request and response shapes of the accounts API (the original system's field names).

Credentials go in, never out: a read says which kinds are set, with a masked hint.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from pixsim7.accounts.credentials import parse_cookies
from pixsim7.fields import (
    COOKIE_NAME_PATTERN,
    COOKIE_VALUE_PATTERN,
    TOKEN_PATTERN,
    Id,
    Int,
    Number,
    Omittable,
    Text,
)

# Sent to the provider in HTTP headers: printable ASCII only.
Secret = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=8192, pattern=TOKEN_PATTERN)
]
MAX_HEADER = 65536


def _jar(value: object) -> object:
    """A "a=b; c=d" header string as a mapping (its pairs then checked as a mapping's)."""
    if isinstance(value, str):
        if len(value) > MAX_HEADER:
            raise ValueError(f"at most {MAX_HEADER} characters")
        return parse_cookies(value)
    return value


# A cookie jar as a mapping, or as a "a=b; c=d" header string.
Cookies = dict[
    Annotated[str, StringConstraints(max_length=256, pattern=COOKIE_NAME_PATTERN)],
    Annotated[str, StringConstraints(max_length=8192, pattern=COOKIE_VALUE_PATTERN)],
]
CookiesIn = Annotated[
    Cookies,
    Field(max_length=200),
    BeforeValidator(
        _jar, json_schema_input_type=Cookies | Annotated[Text, Field(max_length=MAX_HEADER)]
    ),
]
CreditType = Annotated[Text, StringConstraints(min_length=1, max_length=32)]
Amount = Annotated[Number, Field(ge=0, le=1e12)]
ProviderId = Annotated[Text, StringConstraints(min_length=1, max_length=32)]


def _check_url(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL")
    return value.rstrip("/")


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: ProviderId
    nickname: Text | None = Field(default=None, max_length=128)
    email: Text | None = Field(default=None, max_length=320)
    api_key: Secret | None = None
    jwt_token: Secret | None = None
    cookies: CookiesIn | None = None
    # The app's sign-in password, for automation presets ({password}); never returned.
    password: Text | None = Field(default=None, max_length=256)
    base_url: Text | None = Field(default=None, max_length=512)
    priority: int = Field(default=0, ge=-1000, le=1000)
    # None: as many as the provider's plan allows (its default until the plan is read).
    max_concurrent_jobs: Int | None = Field(default=None, ge=1, le=1000)
    daily_cap: Int | None = Field(default=None, ge=0)
    is_shared: bool = False
    # Admins only: base_url may be a private address (a ComfyUI on the LAN).
    base_url_trusted: bool = False

    _url = field_validator("base_url")(_check_url)


class AccountUpdate(BaseModel):
    """Only the fields sent change; a credential sent as null or "" is cleared, and
    `max_concurrent_jobs` sent as null follows the provider's plan again. New credentials,
    base URL or concurrency are checked with the provider at once."""

    model_config = ConfigDict(extra="forbid")

    nickname: Text | None = Field(default=None, max_length=128)
    email: Text | None = Field(default=None, max_length=320)
    api_key: Secret | None = None
    jwt_token: Secret | None = None
    cookies: CookiesIn | None = None
    # The app's sign-in password, for automation presets ({password}); never returned.
    password: Text | None = Field(default=None, max_length=256)
    base_url: Text | None = Field(default=None, max_length=512)
    priority: Omittable[Int] = Field(default=None, ge=-1000, le=1000)
    max_concurrent_jobs: Int | None = Field(default=None, ge=1, le=1000)
    daily_cap: Int | None = Field(default=None, ge=0)
    # Users may disable their account or re-enable it (e.g. after fixing credentials).
    status: Omittable[str] = Field(default=None, pattern="^(active|disabled)$")
    is_shared: Omittable[bool] = None
    base_url_trusted: Omittable[bool] = None  # admins only; a user's new base_url drops it

    _url = field_validator("base_url")(_check_url)


class AccountRead(BaseModel):
    id: int
    provider_id: str
    owner_id: int | None
    is_shared: bool
    is_builtin: bool
    can_manage: bool  # the caller may edit, sync, test and delete it
    nickname: str | None
    email: str | None  # hidden (null) from users who cannot manage the account
    provider_user_id: str | None
    base_url: str | None
    base_url_trusted: bool  # an admin allowed base_url to be a private address
    has_api_key: bool
    has_jwt_token: bool
    has_cookies: bool
    has_password: bool  # an app password is stored (for automation)
    api_key_hint: str | None  # "…ab12"; null for users who cannot manage the account
    jwt_token_hint: str | None
    status: str
    status_message: str | None
    cooldown_until: dt.datetime | None
    priority: int
    max_concurrent_jobs: int  # the limit in force
    max_concurrent_jobs_ceiling: int  # the plan's, or the user's setting when lower
    max_concurrent_jobs_setting: int | None  # the user's; null: the plan decides
    daily_cap: int | None
    credit_pool: str | None  # the pool its jobs spend from
    # pool -> amount; a pool not listed is unknown (never read, or a provider that shows
    # no balance and no budget set): jobs are not held back by it.
    credits: dict[str, float]
    success_count: int
    failure_count: int
    success_rate: float | None  # 0..1; null before the first finished job
    mean_generation_seconds: float | None
    jobs_today: int  # submitted since midnight UTC, counted from jobs
    in_flight_jobs: int  # submitting or processing now, counted from jobs
    last_used_at: dt.datetime | None
    last_synced_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CreditSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credit_type: CreditType
    amount: Amount


class CreditUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: Id
    credits: dict[CreditType, Amount] = Field(min_length=1, max_length=16)


class BulkCreditUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    updates: list[CreditUpdate] = Field(min_length=1, max_length=1000)


class ImportRaw(BaseModel):
    """What the browser extension read from a signed-in provider tab (other keys an
    extension version may add are ignored, not stored)."""

    model_config = ConfigDict(extra="ignore")

    cookies: CookiesIn
    bearer_token: Secret | None = None


class ImportCookies(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: ProviderId
    raw_data: ImportRaw


class ProviderCheck(BaseModel):
    """The outcome of a call to the provider with this account's credentials."""

    ok: bool
    error_class: str | None = None  # providers.base.ErrorClass when not ok
    message: str | None = None
    credits: dict[str, float] | None = None  # as the provider reported them
    max_concurrency: int | None = None
    daily_cap: int | None = None


class SyncResult(ProviderCheck):
    account: AccountRead


class AccountSaved(AccountRead):
    """An account as created or changed, with what the provider said of it."""

    check: ProviderCheck | None = None  # null: nothing was asked (no credential changed)


class ImportResult(SyncResult):
    created: bool  # a new account, or new credentials on the one of this identity


def event_data(read: AccountRead) -> dict[str, Any]:
    """The `account.*` event payload: state only; no credentials, hints or identity,
    since a shared account's events go to every user."""
    private = {"api_key_hint", "jwt_token_hint", "email", "provider_user_id", "base_url"}
    return read.model_dump(mode="json", exclude=private | {"can_manage"})
