"""log_entries: every process's structured log lines, for the log viewer and API

Revision ID: 0017_logs
Revises: 0011_account_base_url_trusted
Create Date: 2026-12-21 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pixsim7.db

revision: str = "0017_logs"
down_revision: str | None = "0011_account_base_url_trusted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# (index name, its columns): each ends with the id, read backwards for newest first.
_INDEXES = [
    ("ix_log_entries_ts", ["ts"]),
    ("ix_log_entries_level", ["level", "id"]),
    ("ix_log_entries_logger", ["logger", "id"]),
    ("ix_log_entries_request", ["request_id", "id"]),
    ("ix_log_entries_user", ["user_id", "id"]),
    ("ix_log_entries_job", ["job_id", "id"]),
    ("ix_log_entries_account", ["account_id", "id"]),
    ("ix_log_entries_provider", ["provider", "id"]),
    ("ix_log_entries_error_class", ["error_class", "id"]),
    ("ix_log_entries_stage", ["stage", "id"]),
]


def upgrade() -> None:
    op.create_table(
        "log_entries",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("ts", pixsim7.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("logger", sa.String(length=128), nullable=False),
        sa.Column("event", sa.String(length=1000), nullable=False),
        sa.Column("process", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("user_id", _BIG_ID, nullable=True),
        sa.Column("job_id", _BIG_ID, nullable=True),
        sa.Column("account_id", _BIG_ID, nullable=True),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("error_class", sa.String(length=32), nullable=True),
        sa.Column("exception", sa.Text(), nullable=True),
        sa.Column("extra", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entries")),
    )
    for name, columns in _INDEXES:
        op.create_index(name, "log_entries", columns)


def downgrade() -> None:
    for name, _ in _INDEXES:
        op.drop_index(name, table_name="log_entries")
    op.drop_table("log_entries")
