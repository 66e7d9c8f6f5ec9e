"""jobs (status, provider_id, priority DESC, id): the claim reads the best pending jobs
of each provider that has an account with a free slot, in the index's order

Revision ID: 0008_jobs_claim_by_provider
Revises: 0007_job_cancel_requested
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_jobs_claim_by_provider"
down_revision: str | None = "0007_job_cancel_requested"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_jobs_claim_provider",
        "jobs",
        ["status", "provider_id", sa.text("priority DESC"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_claim_provider", table_name="jobs")
