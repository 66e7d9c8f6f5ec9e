"""daily use: jobs.prompt (text search over the queue), assets.trashed_at (the trash) and
assets.favorite

Revision ID: 0018_daily
Revises: 0011_account_base_url_trusted
Create Date: 2026-12-22 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pixsim7.db

revision: str = "0018_daily"
down_revision: str | None = "0020_automation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_jobs = sa.table(
    "jobs",
    sa.column("id", sa.Integer),
    sa.column("params", sa.JSON),
    sa.column("prompt", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("prompt", sa.Text(), nullable=True))
    with op.batch_alter_table("assets") as batch:
        batch.add_column(
            sa.Column("trashed_at", pixsim7.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("favorite", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index("ix_assets_trashed_at", "assets", ["trashed_at"])
    op.create_index("ix_assets_owner_favorite", "assets", ["owner_id", "favorite", "id"])
    # The prompt of the jobs there are, read from their parameters (the text searched).
    conn = op.get_bind()
    rows = conn.execute(sa.select(_jobs.c.id, _jobs.c.params)).all()
    for job_id, params in rows:
        prompt = params.get("prompt") if isinstance(params, dict) else None
        if isinstance(prompt, str) and prompt:
            conn.execute(sa.update(_jobs).where(_jobs.c.id == job_id).values(prompt=prompt))


def downgrade() -> None:
    op.drop_index("ix_assets_owner_favorite", table_name="assets")
    op.drop_index("ix_assets_trashed_at", table_name="assets")
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("favorite")
        batch.drop_column("trashed_at")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("prompt")
