"""Automation's tables: device agents, devices, presets, executions (with their
screenshots), loops, and the ADB commands relayed to agents."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7 import clock
from pixsim7.db import Base, BigId, IdMixin, JSONType, TimestampMixin, UTCDateTime

LOCAL_SOURCE = "local"  # a device of the server's own ADB server (PIXSIM7_ADB_ADDRESS)


class AgentStatus(StrEnum):
    PAIRING = "pairing"  # a code was issued; no agent has used it yet
    ONLINE = "online"
    OFFLINE = "offline"  # paired, but its heartbeat stopped
    REVOKED = "revoked"


class DeviceStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    BUSY = "busy"  # shown only: an online device whose lease is held


class ExecutionStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = frozenset({ExecutionStatus.QUEUED, ExecutionStatus.RUNNING})
TERMINAL = frozenset({ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED})


class PresetCategory(StrEnum):
    LOGIN = "login"
    REWARD = "reward"
    OTHER = "other"


SYNCS_CREDITS = frozenset({PresetCategory.LOGIN, PresetCategory.REWARD})


class DeviceAgent(IdMixin, TimestampMixin, Base):
    __tablename__ = "automation_agents"

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default=AgentStatus.PAIRING.value)
    # sha256 of the one-time pairing code, then of the agent's own token: never stored raw.
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    hostname: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[str | None] = mapped_column(String(32))
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Device(IdMixin, TimestampMixin, Base):
    __tablename__ = "automation_devices"
    __table_args__ = (UniqueConstraint("source", "serial"),)

    # "local", or "agent:<id>": where its ADB server is.
    source: Mapped[str] = mapped_column(String(32))
    agent_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("automation_agents.id", ondelete="CASCADE"), index=True
    )
    # The agent's owner; none for the server's own devices (an admin's to share).
    owner_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    serial: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(128))
    model: Mapped[str | None] = mapped_column(String(128))
    android_version: Mapped[str | None] = mapped_column(String(32))
    adb_state: Mapped[str] = mapped_column(String(32), default="device")
    online: Mapped[bool] = mapped_column(Boolean, default=True)
    account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="SET NULL")
    )
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # One execution at a time: the lease of the worker running it, renewed while it runs.
    lease_execution_id: Mapped[int | None] = mapped_column(BigId)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AutomationPreset(IdMixin, TimestampMixin, Base):
    __tablename__ = "automation_presets"

    # None for the built-in presets everyone may run (and copy).
    owner_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    builtin_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16), default=PresetCategory.OTHER.value)
    provider_id: Mapped[str | None] = mapped_column(String(32))
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    variables: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class AutomationExecution(IdMixin, Base):
    __tablename__ = "automation_executions"
    __table_args__ = (
        Index("ix_automation_executions_owner", "owner_id", "id"),
        Index("ix_automation_executions_status", "status", "id"),
    )

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    preset_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("automation_presets.id", ondelete="SET NULL")
    )
    preset_name: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))
    # What runs, copied when queued: editing the preset later changes no run.
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    variables: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    account_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("provider_accounts.id", ondelete="SET NULL"), index=True
    )
    requested_device_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("automation_devices.id", ondelete="SET NULL")
    )
    device_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("automation_devices.id", ondelete="SET NULL")
    )
    loop_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("automation_loops.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ExecutionStatus.QUEUED.value)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    logs: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_action_path: Mapped[str | None] = mapped_column(String(64))
    error_action_type: Mapped[str | None] = mapped_column(String(32))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    credits_synced: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ExecutionScreenshot(IdMixin, Base):
    __tablename__ = "automation_screenshots"

    execution_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("automation_executions.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(255))  # under the data dir
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class ExecutionLoop(IdMixin, TimestampMixin, Base):
    __tablename__ = "automation_loops"

    owner_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, paused, stopped
    status_message: Mapped[str | None] = mapped_column(Text)
    config: Mapped[dict[str, Any]] = mapped_column(JSONType)  # schemas.LoopConfig
    device_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("automation_devices.id", ondelete="SET NULL")
    )
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    run_day: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD of runs_today
    runs_today: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[int] = mapped_column(BigId, default=0)  # round robin: the last account
    # The step under way: its account, which of its presets runs, and that execution; the
    # loop waits for it before the next preset or step.
    step_account_id: Mapped[int | None] = mapped_column(BigId)
    step_preset_index: Mapped[int] = mapped_column(Integer, default=0)
    current_execution_id: Mapped[int | None] = mapped_column(BigId)


class AgentCommand(IdMixin, Base):
    """An ADB request for a device behind an agent: queued by the server, taken by the
    agent over its outbound connection, answered by it."""

    __tablename__ = "automation_agent_commands"
    __table_args__ = (Index("ix_automation_agent_commands_pending", "agent_id", "status", "id"),)

    agent_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("automation_agents.id", ondelete="CASCADE")
    )
    op: Mapped[str] = mapped_column(String(16))  # shell, exec
    serial: Mapped[str] = mapped_column(String(128))
    command: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, done
    output: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
