"""jobs.cancel_requested_at: a cancel asked for while the provider call is under way

Revision ID: 0007_job_cancel_requested
Revises: 0006_asset_storage_index
Create Date: 2026-12-01 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pixsim7.db

revision: str = "0007_job_cancel_requested"
down_revision: str | None = "0006_asset_storage_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("cancel_requested_at", pixsim7.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("cancel_requested_at")
