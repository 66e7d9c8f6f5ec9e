"""assets: the owner's ordered indexes end in trashed_at, so a gallery query ("not in the
trash") and its capped count are answered from the index alone

Every list, search and count of a user's assets filters `trashed_at IS NULL`. With
trashed_at outside these indexes each counted match cost a look at its row: at 1,000,000
assets a capped count of 10,001 took 30-85 ms (SQLite, a row lookup each) and PostgreSQL
chose a sequential scan (83 ms); with it, 1-3 ms from the index alone (bench/README.md).

Revision ID: 0023_trash_in_owner_indexes
Revises: 0022_scene_layout
Create Date: 2026-12-07 06:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023_trash_in_owner_indexes"
down_revision: str | None = "0022_scene_layout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name: the columns before this migration (trashed_at is appended to each)
_INDEXES = {
    "ix_assets_owner_id": ["owner_id", "id"],
    "ix_assets_owner_type": ["owner_id", "media_type", "id"],
    "ix_assets_owner_provider": ["owner_id", "provider_id", "media_type", "id"],
    "ix_assets_owner_workspace": ["owner_id", "workspace_id", "id"],
    "ix_assets_owner_favorite": ["owner_id", "favorite", "id"],
}


def _recreate(with_trash: bool) -> None:
    # Plain index statements (no batch rebuild of `assets`, which on SQLite would drop the
    # search triggers of 0019_search with the old table).
    for name, columns in _INDEXES.items():
        op.drop_index(name, table_name="assets")
        op.create_index(name, "assets", [*columns, "trashed_at"] if with_trash else columns)


def upgrade() -> None:
    _recreate(with_trash=True)


def downgrade() -> None:
    _recreate(with_trash=False)
