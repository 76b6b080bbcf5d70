"""What `sesame metrics` counts from: outbox messages by status, channel and
delivery time from an index alone, and the rate limits' refusals by minute.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, channel, delivered_at) answers "how many messages not sent, by status
    # and channel" and "how many sent on a channel in the last day" from ranges of
    # the index only, not every message's row (docs/performance.md).
    op.create_index(
        "ix_outbox_status_channel_delivered", "outbox", ["status", "channel", "delivered_at"]
    )
    # A refused step writes no audit event: a count a minute (db/refusals.py).
    op.create_table(
        "rate_limit_refusals",
        sa.Column("minute", UtcDateTime, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_refusals")
    op.drop_index("ix_outbox_status_channel_delivered", "outbox")
