"""Each member's language: what their SMS and emails are written in, whatever
the operator's `--lang` (issue: messages went out in the operator's language).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every existing member was written to in French until now: they keep it.
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("language", sa.String(2), nullable=False, server_default="fr"))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("language")
