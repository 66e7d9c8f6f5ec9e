"""user_sessions.kind (web, extension) and extension_session_opens (the audit and rate
limit of opening a provider site signed in as an account)

Revision ID: 0016_extension
Revises: 0010_job_runner
Create Date: 2026-12-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pixsim7.db

revision: str = "0016_extension"
down_revision: str | None = "0010_job_runner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="web", nullable=False)
        )
    op.create_table(
        "extension_session_opens",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", _BIG_ID, nullable=False),
        sa.Column("account_id", _BIG_ID, nullable=True),
        sa.Column("provider_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", pixsim7.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_extension_session_opens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["provider_accounts.id"],
            name=op.f("fk_extension_session_opens_account_id_provider_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_session_opens")),
    )
    op.create_index(
        "ix_extension_session_opens_user", "extension_session_opens", ["user_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_extension_session_opens_user", table_name="extension_session_opens")
    op.drop_table("extension_session_opens")
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_column("kind")
