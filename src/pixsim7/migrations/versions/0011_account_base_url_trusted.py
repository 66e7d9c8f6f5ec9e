"""provider_accounts.base_url_trusted: an admin vouched for the account's base URL, which
the outbound policy then lets be a private address

Revision ID: 0011_account_base_url_trusted
Revises: 0016_extension
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_account_base_url_trusted"
down_revision: str | None = "0016_extension"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("provider_accounts") as batch:
        batch.add_column(
            sa.Column("base_url_trusted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("provider_accounts") as batch:
        batch.drop_column("base_url_trusted")
