"""job prices per credit pool, and the pool each account spends from

Revision ID: 0005_credit_pools
Revises: 0004_comfyui_templates
Create Date: 2026-12-01 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_credit_pools"
down_revision: str | None = "0004_comfyui_templates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "job_costs",
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("credit_type", sa.String(length=32), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_costs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "credit_type", name=op.f("pk_job_costs")),
    )
    with op.batch_alter_table("provider_accounts") as batch:
        batch.add_column(sa.Column("credit_pool", sa.String(length=32), nullable=True))
    # Jobs not yet finished keep the one price they had; accounts get the pool their
    # credentials imply (an API key spends Pixverse's platform pool, a session its web pool).
    op.execute(
        "INSERT INTO job_costs (job_id, credit_type, credits) "
        "SELECT id, credit_type, estimated_credits FROM jobs "
        "WHERE credit_type IS NOT NULL AND status IN ('pending', 'submitting', 'processing')"
    )
    op.execute(
        "UPDATE provider_accounts SET credit_pool = CASE "
        "WHEN provider_id = 'pixverse' AND api_key_enc IS NOT NULL THEN 'openapi' "
        "WHEN provider_id = 'pixverse' AND jwt_token_enc IS NOT NULL THEN 'web' "
        "WHEN provider_id = 'runway' THEN 'credits' "
        "WHEN provider_id = 'sora' THEN 'usd_cents' END"
    )


def downgrade() -> None:
    with op.batch_alter_table("provider_accounts") as batch:
        batch.drop_column("credit_pool")
    op.drop_table("job_costs")
