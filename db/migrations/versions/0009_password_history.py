"""The hashes of an account's previous passwords, so that a new password may
not be one of the last `password_history` (docs/rules.md, "New passwords").

Revision ID: 0009
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Starts empty: an account's current hash (on its row) is the first one checked.
    op.create_table(
        "password_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hash", sa.String(200), nullable=False),
        sa.Column("set_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_password_history_account", "password_history", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_password_history_account", "password_history")
    op.drop_table("password_history")
