"""Request and response shapes of the automation API."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pixsim7.automation import actions as A
from pixsim7.automation import variables as V
from pixsim7.automation.models import PresetCategory
from pixsim7.fields import Id, Number, Omittable, Text

Name = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
VarName = Annotated[str, StringConstraints(pattern=V.NAME_PATTERN)]
VarValue = Annotated[Text, StringConstraints(max_length=1000)]
Variables = Annotated[dict[VarName, VarValue], Field(max_length=50)]
Serial = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- presets ---------------------------------------------------------------------------


def _check_actions(actions: list[Any], variables: dict[str, str]) -> None:
    A.count(actions)
    try:
        used = A.variables_used(actions)
    except ValueError as exc:
        raise ValueError(f"actions: {exc}") from exc
    unknown = used - set(V.ACCOUNT_VARIABLES) - set(variables)
    if unknown:
        names = ", ".join("{" + n + "}" for n in sorted(unknown))
        raise ValueError(f"the variables {names} are neither the account's nor the preset's")
    clash = set(variables) & set(V.ACCOUNT_VARIABLES)
    if clash:
        raise ValueError(f"{', '.join(sorted(clash))}: the account's own, not the preset's")


class PresetCreate(_In):
    name: Name
    description: Text | None = Field(default=None, max_length=2000)
    category: PresetCategory = PresetCategory.OTHER
    provider_id: Text | None = Field(default=None, max_length=32)
    actions: A.ActionList = Field(min_length=1)
    variables: Variables = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid(self) -> PresetCreate:
        _check_actions(self.actions, self.variables)
        return self


class PresetUpdate(_In):
    name: Omittable[Name] = None
    description: Text | None = Field(default=None, max_length=2000)
    category: Omittable[PresetCategory] = None
    provider_id: Text | None = Field(default=None, max_length=32)
    actions: Omittable[A.ActionList] = Field(default=None, min_length=1)
    variables: Omittable[Variables] = None


class PresetRead(BaseModel):
    id: int
    owner_id: int | None
    is_builtin: bool  # everyone's; copy it to change it
    can_edit: bool
    name: str
    description: str | None
    category: str
    provider_id: str | None
    actions: list[dict[str, Any]]
    variables: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime


class ActionSchema(BaseModel):
    """What the preset builder draws its forms from."""

    action: dict[str, Any]  # JSON schema of one action (a tagged union; $defs inside)
    account_variables: list[str]  # substituted from the account: email, password, nickname
    secret_variables: list[str]  # never shown: masked in logs
    keys: list[str]
    max_actions: int
    max_depth: int


# -- devices and agents ----------------------------------------------------------------


class DeviceRead(BaseModel):
    id: int
    serial: str
    name: str | None
    model: str | None
    android_version: str | None
    status: str  # online, offline, busy
    adb_state: str  # as ADB says: device, offline, unauthorized
    agent_id: int | None  # null: the server's own ADB server
    owner_id: int | None
    is_shared: bool
    account_id: int | None
    execution_id: int | None  # what runs on it now
    last_seen_at: dt.datetime | None


class DeviceUpdate(_In):
    name: Text | None = Field(default=None, max_length=128)
    account_id: Id | None = None  # the account usually run on it; null clears it
    is_shared: Omittable[bool] = None  # admins only


class AgentCreate(_In):
    name: Name


class AgentRead(BaseModel):
    id: int
    owner_id: int
    name: str
    status: str  # pairing, online, offline, revoked
    is_shared: bool
    hostname: str | None
    version: str | None
    last_seen_at: dt.datetime | None
    pairing_expires_at: dt.datetime | None
    devices: int
    created_at: dt.datetime


class AgentPairing(BaseModel):
    agent: AgentRead
    pairing_code: str  # shown once; the agent trades it for its own token
    command: str  # what to run on the machine the phones are plugged into


class AgentUpdate(_In):
    name: Omittable[Name] = None
    is_shared: Omittable[bool] = None  # admins only


class PairRequest(_In):
    hostname: Text | None = Field(default=None, max_length=255)
    version: Text | None = Field(default=None, max_length=32)


class PairAnswer(BaseModel):
    agent_id: int
    token: str  # the agent's own; sent as a bearer token from now on


class ReportedDevice(_In):
    serial: Serial
    state: Annotated[str, StringConstraints(max_length=32, pattern=r"^[a-z_-]*$")] = "device"
    model: Text | None = Field(default=None, max_length=128)
    android_version: Text | None = Field(default=None, max_length=32)


class Heartbeat(_In):
    devices: list[ReportedDevice] = Field(default_factory=list, max_length=200)
    hostname: Text | None = Field(default=None, max_length=255)
    version: Text | None = Field(default=None, max_length=32)


class HeartbeatAnswer(BaseModel):
    agent_id: int
    poll_s: float  # how often to heartbeat


class AgentCommandRead(BaseModel):
    id: int
    op: str  # shell, exec
    serial: str
    command: str


class AgentResult(_In):
    output_b64: Annotated[
        str, StringConstraints(max_length=24_000_000, pattern=r"^[A-Za-z0-9+/=]*$")
    ] = ""
    error: Text | None = Field(default=None, max_length=2000)


# -- executions ------------------------------------------------------------------------


class ExecutionCreate(_In):
    preset_id: Id
    account_id: Id | None = None  # the variables {email}, {password}, {nickname} come from it
    device_id: Id | None = None  # null: any free device
    variables: Variables = Field(default_factory=dict)  # override the preset's


class ScreenshotRead(BaseModel):
    id: int
    label: str
    url: str
    size_bytes: int
    created_at: dt.datetime


class ExecutionRead(BaseModel):
    id: int
    owner_id: int
    preset_id: int | None
    preset_name: str
    category: str
    account_id: int | None
    device_id: int | None
    requested_device_id: int | None
    loop_id: int | None
    status: str  # queued, running, completed, failed, cancelled
    cancel_requested: bool
    logs: list[dict[str, Any]]  # path, type, message (masked), ok, started_at, duration_ms
    error_message: str | None
    error_action_path: str | None  # e.g. "3" or "3.1.0" inside blocks
    error_action_type: str | None
    error_params: dict[str, Any] | None
    credits_synced: bool
    screenshots: list[ScreenshotRead]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


# -- loops -----------------------------------------------------------------------------


class Schedule(StrEnum):
    INTERVAL = "interval"
    DAILY_WINDOW = "daily_window"


class Selection(StrEnum):
    ROUND_ROBIN = "round_robin"
    MOST_CREDITS = "most_credits"
    LEAST_CREDITS = "least_credits"
    SPECIFIC = "specific"


class LoopConfig(_In):
    schedule: Schedule = Schedule.INTERVAL
    interval_s: int = Field(default=3600, ge=60, le=7 * 86400)  # between steps (interval)
    window_start: str = Field(default="08:00", pattern=TIME_PATTERN)  # UTC, daily_window
    window_end: str = Field(default="20:00", pattern=TIME_PATTERN)
    preset_ids: list[Id] = Field(default_factory=list, max_length=20)  # run in order
    # Per account, presets instead of the shared list (account id -> preset ids).
    account_presets: dict[
        Annotated[str, StringConstraints(pattern=r"^[1-9]\d{0,17}$")], list[Id]
    ] = Field(default_factory=dict, max_length=200)
    provider_id: Text = Field(default="pixverse", min_length=1, max_length=32)
    selection: Selection = Selection.ROUND_ROBIN
    account_ids: list[Id] = Field(default_factory=list, max_length=500)  # specific
    min_credits: Number | None = Field(default=None, ge=0, le=1e12)
    max_credits: Number | None = Field(default=None, ge=0, le=1e12)
    skip_success_within_h: Number | None = Field(default=None, gt=0, le=24 * 30)
    daily_cap: int | None = Field(default=None, ge=1, le=10_000)  # steps per UTC day
    delay_s: int = Field(default=0, ge=0, le=86400)  # after a step ends, before the next
    max_consecutive_failures: int = Field(default=3, ge=1, le=1000)

    @model_validator(mode="after")
    def _valid(self) -> LoopConfig:
        if not self.preset_ids and not self.account_presets:
            raise ValueError("give preset_ids, or account_presets")
        if self.selection == Selection.SPECIFIC and not self.account_ids:
            raise ValueError("selection 'specific' needs account_ids")
        low, high = self.min_credits, self.max_credits
        if low is not None and high is not None and low > high:
            raise ValueError("min_credits is above max_credits")
        if self.schedule == Schedule.DAILY_WINDOW and self.window_start == self.window_end:
            raise ValueError("the daily window is empty")
        return self


class LoopCreate(_In):
    name: Name
    config: LoopConfig
    device_id: Id | None = None  # null: any free device
    active: bool = True


class LoopUpdate(_In):
    name: Omittable[Name] = None
    config: Omittable[LoopConfig] = None
    device_id: Id | None = None


class LoopRead(BaseModel):
    id: int
    owner_id: int
    name: str
    status: str  # active, paused, stopped (after too many failures in a row)
    status_message: str | None
    config: dict[str, Any]
    device_id: int | None
    next_run_at: dt.datetime | None
    last_run_at: dt.datetime | None
    runs_today: int
    consecutive_failures: int
    current_execution_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


def parse_time(value: str) -> dt.time:
    if not re.fullmatch(TIME_PATTERN, value):
        raise ValueError(value)
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))
