"""jobs.runner_id: the worker whose process runs a `local` render polls it alone; and a
job's error is its final outcome's (earlier attempts' errors live in its history)

Revision ID: 0010_job_runner
Revises: 0013_scenes
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_job_runner"
down_revision: str | None = "0013_scenes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("runner_id", sa.String(length=64), nullable=True))
    # Jobs that completed (or still run) after a failed attempt kept that attempt's error.
    op.execute(
        "UPDATE jobs SET error_class = NULL, error_message = NULL "
        "WHERE status <> 'failed' AND error_class IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("runner_id")
