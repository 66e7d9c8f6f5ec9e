"""Android automation: device agents, devices, presets, executions and their screenshots,
loops, commands relayed to agents; provider_accounts.password_enc (the app's password)

Revision ID: 0020_automation
Revises: 0011_account_base_url_trusted
Create Date: 2027-01-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pixsim7.db

revision: str = "0020_automation"
down_revision: str | None = "0017_logs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = pixsim7.db.UTCDateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", _BIG_ID, autoincrement=True, nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("provider_accounts") as batch:
        batch.add_column(sa.Column("password_enc", sa.Text(), nullable=True))

    t = "automation_agents"
    op.create_table(
        t,
        _id(),
        sa.Column("owner_id", _BIG_ID, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("is_shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pairing_code_hash", sa.String(length=64), nullable=True),
        sa.Column("pairing_expires_at", _TS, nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("hostname", sa.String(length=255), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.Column("last_seen_at", _TS, nullable=True),
        *_stamps(),
        _fk(t, "owner_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("pairing_code_hash", name=op.f(f"uq_{t}_pairing_code_hash")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{t}_token_hash")),
    )
    op.create_index(op.f(f"ix_{t}_created_at"), t, ["created_at"])

    t = "automation_devices"
    op.create_table(
        t,
        _id(),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("agent_id", _BIG_ID, nullable=True),
        sa.Column("owner_id", _BIG_ID, nullable=True),
        sa.Column("is_shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("serial", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("android_version", sa.String(length=32), nullable=True),
        sa.Column("adb_state", sa.String(length=32), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("account_id", _BIG_ID, nullable=True),
        sa.Column("last_seen_at", _TS, nullable=True),
        sa.Column("lease_execution_id", _BIG_ID, nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        *_stamps(),
        _fk(t, "agent_id", "automation_agents", "CASCADE"),
        _fk(t, "owner_id", "users", "CASCADE"),
        _fk(t, "account_id", "provider_accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("source", "serial", name=op.f(f"uq_{t}_source")),
    )
    op.create_index(op.f(f"ix_{t}_agent_id"), t, ["agent_id"])
    op.create_index(op.f(f"ix_{t}_owner_id"), t, ["owner_id"])
    op.create_index(op.f(f"ix_{t}_created_at"), t, ["created_at"])

    t = "automation_presets"
    op.create_table(
        t,
        _id(),
        sa.Column("owner_id", _BIG_ID, nullable=True),
        sa.Column("builtin_key", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=32), nullable=True),
        sa.Column("actions", _JSON, nullable=False),
        sa.Column("variables", _JSON, nullable=False),
        *_stamps(),
        _fk(t, "owner_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("builtin_key", name=op.f(f"uq_{t}_builtin_key")),
    )
    op.create_index(op.f(f"ix_{t}_owner_id"), t, ["owner_id"])
    op.create_index(op.f(f"ix_{t}_created_at"), t, ["created_at"])

    t = "automation_loops"
    op.create_table(
        t,
        _id(),
        sa.Column("owner_id", _BIG_ID, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_message", sa.Text(), nullable=True),
        sa.Column("config", _JSON, nullable=False),
        sa.Column("device_id", _BIG_ID, nullable=True),
        sa.Column("next_run_at", _TS, nullable=True),
        sa.Column("last_run_at", _TS, nullable=True),
        sa.Column("run_day", sa.String(length=10), nullable=True),
        sa.Column("runs_today", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("cursor", _BIG_ID, nullable=False),
        sa.Column("step_account_id", _BIG_ID, nullable=True),
        sa.Column("step_preset_index", sa.Integer(), nullable=False),
        sa.Column("current_execution_id", _BIG_ID, nullable=True),
        *_stamps(),
        _fk(t, "owner_id", "users", "CASCADE"),
        _fk(t, "device_id", "automation_devices", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_owner_id"), t, ["owner_id"])
    op.create_index(op.f(f"ix_{t}_next_run_at"), t, ["next_run_at"])
    op.create_index(op.f(f"ix_{t}_created_at"), t, ["created_at"])

    t = "automation_executions"
    op.create_table(
        t,
        _id(),
        sa.Column("owner_id", _BIG_ID, nullable=False),
        sa.Column("preset_id", _BIG_ID, nullable=True),
        sa.Column("preset_name", sa.String(length=128), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("actions", _JSON, nullable=False),
        sa.Column("variables", _JSON, nullable=False),
        sa.Column("account_id", _BIG_ID, nullable=True),
        sa.Column("requested_device_id", _BIG_ID, nullable=True),
        sa.Column("device_id", _BIG_ID, nullable=True),
        sa.Column("loop_id", _BIG_ID, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("logs", _JSON, nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_action_path", sa.String(length=64), nullable=True),
        sa.Column("error_action_type", sa.String(length=32), nullable=True),
        sa.Column("error_params", _JSON, nullable=True),
        sa.Column("credits_synced", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        _fk(t, "owner_id", "users", "CASCADE"),
        _fk(t, "preset_id", "automation_presets", "SET NULL"),
        _fk(t, "account_id", "provider_accounts", "SET NULL"),
        _fk(t, "requested_device_id", "automation_devices", "SET NULL"),
        _fk(t, "device_id", "automation_devices", "SET NULL"),
        _fk(t, "loop_id", "automation_loops", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index("ix_automation_executions_owner", t, ["owner_id", "id"])
    op.create_index("ix_automation_executions_status", t, ["status", "id"])
    op.create_index(op.f(f"ix_{t}_account_id"), t, ["account_id"])
    op.create_index(op.f(f"ix_{t}_loop_id"), t, ["loop_id"])

    t = "automation_screenshots"
    op.create_table(
        t,
        _id(),
        sa.Column("execution_id", _BIG_ID, nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk(t, "execution_id", "automation_executions", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_execution_id"), t, ["execution_id"])

    t = "automation_agent_commands"
    op.create_table(
        t,
        _id(),
        sa.Column("agent_id", _BIG_ID, nullable=False),
        sa.Column("op", sa.String(length=16), nullable=False),
        sa.Column("serial", sa.String(length=128), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("output", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("done_at", _TS, nullable=True),
        _fk(t, "agent_id", "automation_agents", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index("ix_automation_agent_commands_pending", t, ["agent_id", "status", "id"])


def downgrade() -> None:
    op.drop_table("automation_agent_commands")
    op.drop_table("automation_screenshots")
    op.drop_table("automation_executions")
    op.drop_table("automation_loops")
    op.drop_table("automation_presets")
    op.drop_table("automation_devices")
    op.drop_table("automation_agents")
    with op.batch_alter_table("provider_accounts") as batch:
        batch.drop_column("password_enc")
