"""an index that sums a user's storage without reading the asset rows

Revision ID: 0006_asset_storage_index
Revises: 0005_credit_pools
Create Date: 2026-12-01 04:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_asset_storage_index"
down_revision: str | None = "0005_credit_pools"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # At 100,000 assets the sum read every row: 75-90 ms on SQLite, 35-70 ms on PostgreSQL,
    # paid by every upload's quota check.
    op.create_index("ix_assets_owner_size", "assets", ["owner_id", "file_size_bytes"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_assets_owner_size", table_name="assets")
