"""What `sesame metrics` counts: outbox messages by status and channel from an
index alone, and the rate limits' refusals by minute.

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, channel) answers "how many messages in each status, on each channel"
    # by reading the index only, not every message's row (docs/performance.md).
    op.create_index("ix_outbox_status_channel", "outbox", ["status", "channel"])
    # A refused step writes no audit event: a count a minute (db/refusals.py).
    op.create_table(
        "rate_limit_refusals",
        sa.Column("minute", UtcDateTime, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_refusals")
    op.drop_index("ix_outbox_status_channel", "outbox")
