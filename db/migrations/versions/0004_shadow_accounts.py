"""Shadow accounts: unknown identifiers get the counters of real ones.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shadow_accounts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_at", UtcDateTime),
        sa.Column("locked_until", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "shadow_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_shadow_events_key_event_at", "shadow_events", ["key", "event", "at"])
    op.create_table(
        "shadow_key",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("key", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shadow_key")
    op.drop_index("ix_shadow_events_key_event_at", "shadow_events")
    op.drop_table("shadow_events")
    op.drop_table("shadow_accounts")
