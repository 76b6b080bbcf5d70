"""Count outbox messages by status and channel from an index alone (`sesame metrics`).

Revision ID: 0011
Revises: 0009
"""

from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, channel) answers "how many messages in each status, on each channel"
    # by reading the index only, not every message's row (docs/performance.md).
    op.create_index("ix_outbox_status_channel", "outbox", ["status", "channel"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_channel", "outbox")
