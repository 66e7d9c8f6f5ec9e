"""scene fills: clips asked for from a scene's node, attached when their job completes

Revision ID: 0017_scene_fills
Revises: 0011_account_base_url_trusted
Create Date: 2026-12-08 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pixsim7.db

revision: str = "0017_scene_fills"
down_revision: str | None = "0018_daily"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "scene_fills",
        sa.Column("owner_id", BIG_ID, nullable=False),
        sa.Column("scene_id", BIG_ID, nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("job_id", BIG_ID, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", pixsim7.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", pixsim7.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_scene_fills_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_scene_fills_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scene_id"],
            ["scenes.id"],
            name=op.f("fk_scene_fills_scene_id_scenes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scene_fills")),
        sa.UniqueConstraint("job_id", name=op.f("uq_scene_fills_job_id")),
    )
    op.create_index("ix_scene_fills_scene_id", "scene_fills", ["scene_id", "id"], unique=False)
    op.create_index("ix_scene_fills_state", "scene_fills", ["state", "job_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_scene_fills_state", table_name="scene_fills")
    op.drop_index("ix_scene_fills_scene_id", table_name="scene_fills")
    op.drop_table("scene_fills")
