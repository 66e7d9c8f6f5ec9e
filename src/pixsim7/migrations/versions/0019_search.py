"""Asset search on each database's own text index: an FTS5 trigram table on SQLite
(`assets_search`, kept by triggers), a pg_trgm GIN index on PostgreSQL; and the owner on
`asset_tags`, so the tag filter and its count read one index

Revision ID: 0019_search
Revises: 0011_account_base_url_trusted
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_search"
down_revision: str | None = "0017_scene_fills"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# What is searched, as one text: prompt, description and the tags (their JSON punctuation
# taken out). The same expression is in pixsim7/assets/search.py: PostgreSQL uses the index
# only for a query that repeats it exactly.
_PG_BODY = (
    "(coalesce(prompt, '') || ' ' || coalesce(description, '') || ' ' || "
    "translate(coalesce(tags::text, ''), '[]\",', ''))"
)


def _sqlite_body(row: str) -> str:
    tags = f"coalesce({row}.tags, '')"
    for char in ("[", "]", '"', ","):
        tags = f"replace({tags}, '{char}', '')"
    return f"coalesce({row}.prompt, '') || ' ' || coalesce({row}.description, '') || ' ' || {tags}"


def _sqlite_row(row: str) -> str:
    return f"{row}.id, '[' || {row}.owner_id || ']', {_sqlite_body(row)}"


_SQLITE = [
    # Contentless: only rowids are read back; the owner is a column of its own, so a query
    # is `owner : "[7]" AND body : "..."` and counting needs no look at the assets table.
    "CREATE VIRTUAL TABLE assets_search USING fts5("
    "owner, body, content='', tokenize='trigram case_sensitive 0')",
    "CREATE TRIGGER assets_search_insert AFTER INSERT ON assets BEGIN "
    f"INSERT INTO assets_search(rowid, owner, body) VALUES ({_sqlite_row('new')}); END",
    "CREATE TRIGGER assets_search_delete AFTER DELETE ON assets BEGIN "
    "INSERT INTO assets_search(assets_search, rowid, owner, body) "
    f"VALUES ('delete', {_sqlite_row('old')}); END",
    "CREATE TRIGGER assets_search_update AFTER UPDATE OF owner_id, prompt, description, tags "
    "ON assets BEGIN "
    "INSERT INTO assets_search(assets_search, rowid, owner, body) "
    f"VALUES ('delete', {_sqlite_row('old')}); "
    f"INSERT INTO assets_search(rowid, owner, body) VALUES ({_sqlite_row('new')}); END",
    f"INSERT INTO assets_search(rowid, owner, body) SELECT {_sqlite_row('assets')} FROM assets",
]


def upgrade() -> None:
    with op.batch_alter_table("asset_tags") as batch:
        batch.add_column(sa.Column("owner_id", _BIG_ID, nullable=True))
    op.execute(
        "UPDATE asset_tags SET owner_id = "
        "(SELECT owner_id FROM assets WHERE assets.id = asset_tags.asset_id)"
    )
    with op.batch_alter_table("asset_tags") as batch:
        batch.alter_column("owner_id", existing_type=_BIG_ID, nullable=False)
        batch.drop_index("ix_asset_tags_tag")
        batch.create_index("ix_asset_tags_owner_tag", ["owner_id", "tag", "asset_id"])
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension: the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_assets_search ON assets USING gin ({_PG_BODY} gin_trgm_ops)")
    else:
        for statement in _SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The extension stays: it may have been there before, for something else.
        op.execute("DROP INDEX IF EXISTS ix_assets_search")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS assets_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS assets_search")
    with op.batch_alter_table("asset_tags") as batch:
        batch.drop_index("ix_asset_tags_owner_tag")
        batch.create_index("ix_asset_tags_tag", ["tag", "asset_id"])
        batch.drop_column("owner_id")
