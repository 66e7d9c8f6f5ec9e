"""log_entries on SQLite: in a file of their own beside the database (`pixsim7.db`:
`pixsim7-logs.db`); on PostgreSQL nothing changes

Every process writes its log lines in batches of up to 500 rows through the table's ten
indexes. In the database's own file those writes took its one write lock, which every
other transaction waits for, and went through its write-ahead log: with them, each of the
scheduler's commits took 0.45-0.50 ms instead of 0.07, the log grew to 249 MB and the
dispatch rate fell 11 % (bench/README.md, "Logs"). In a file of their own they have their
own lock and log. Migrations see that file attached as the schema `logs` (env.py), and
so do the sessions that read (pixsim7/db.py); the lines are copied there.

Revision ID: 0024_logs_apart
Revises: 0023_trash_in_owner_indexes
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pixsim7.db

revision: str = "0024_logs_apart"
down_revision: str | None = "0023_trash_in_owner_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOGS = "logs"  # pixsim7.db.LOGS_SCHEMA when this was written
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
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
_COLUMNS = (
    "id, ts, level, logger, event, process, worker_id, request_id, user_id, job_id, "
    "account_id, provider, stage, duration_ms, error_class, exception, extra"
)


def _schemas() -> set[str]:
    """Which of the database ("main") and the lines' file hold a log_entries table."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return set()
    attached = {row[1] for row in bind.exec_driver_sql("PRAGMA database_list")}
    inspector = sa.inspect(bind)
    return {s for s in ("main", _LOGS) if s in attached and inspector.has_table("log_entries", s)}


def _attached() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "sqlite" and any(
        row[1] == _LOGS for row in bind.exec_driver_sql("PRAGMA database_list")
    )


def _create(schema: str) -> None:
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
        schema=schema,
    )
    for name, columns in _INDEXES:
        op.create_index(name, "log_entries", columns, schema=schema)


def _move(source: str, target: str) -> None:
    """The lines from one file to the other, then the source's table dropped."""
    have = _schemas()
    if target not in have:
        _create(target)
    if source in have:
        op.execute(
            f"INSERT INTO {target}.log_entries ({_COLUMNS}) "
            f"SELECT {_COLUMNS} FROM {source}.log_entries"
        )
        op.drop_table("log_entries", schema=source)


def upgrade() -> None:
    if _attached():
        _move("main", _LOGS)


def downgrade() -> None:
    if _attached():
        _move(_LOGS, "main")
