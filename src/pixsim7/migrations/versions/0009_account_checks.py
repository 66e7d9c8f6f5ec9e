"""provider_accounts: the user's concurrency setting apart from the plan's, and when the
provider was last asked for the balance (the refresh schedule)

Revision ID: 0009_account_checks
Revises: 0008_jobs_claim_by_provider
Create Date: 2026-12-06 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pixsim7.db

revision: str = "0009_account_checks"
down_revision: str | None = "0008_jobs_claim_by_provider"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing limits cannot be told apart from defaults: all follow the plan from the
    # next balance read, which the refresh makes at once (last_checked_at is empty).
    with op.batch_alter_table("provider_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_concurrent_jobs_setting", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("last_checked_at", pixsim7.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("provider_accounts", schema=None) as batch_op:
        batch_op.drop_column("last_checked_at")
        batch_op.drop_column("max_concurrent_jobs_setting")
