"""jobs (status, provider_id, priority, id): the claim reads only the pending jobs of
providers that have an account with a free slot

Revision ID: 0008_jobs_claim_by_provider
Revises: 0007_job_cancel_requested
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_jobs_claim_by_provider"
down_revision: str | None = "0007_job_cancel_requested"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_jobs_claim_provider", "jobs", ["status", "provider_id", "priority", "id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_claim_provider", table_name="jobs")
