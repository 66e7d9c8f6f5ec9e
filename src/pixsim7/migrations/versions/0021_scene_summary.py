"""scenes: problem counts and a poster clip for the scene list

Revision ID: 0021_scene_summary
Revises: 0017_scene_fills
Create Date: 2026-12-08 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_scene_summary"
down_revision: str | None = "0019_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scenes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("warning_count", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "poster_asset_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("scenes", schema=None) as batch_op:
        batch_op.drop_column("poster_asset_id")
        batch_op.drop_column("warning_count")
        batch_op.drop_column("error_count")
