"""Support tooling and onward delivery: list/audit indexes, outbox retry columns.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_accounts_state_locked_at", "accounts", ["state", "locked_at"])
    op.create_index("ix_flows_state", "flows", ["state", "account_id"])
    op.create_index("ix_audit_event_at", "audit_events", ["event", "at"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", UtcDateTime))
        batch.add_column(sa.Column("last_error", sa.Text))
        batch.add_column(sa.Column("claimed_by", sa.String(64)))
        batch.add_column(sa.Column("claimed_until", UtcDateTime))
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_next", "outbox")
    with op.batch_alter_table("outbox") as batch:
        for column in ("claimed_until", "claimed_by", "last_error", "next_attempt_at", "attempts"):
            batch.drop_column(column)
    op.drop_index("ix_audit_event_at", "audit_events")
    op.drop_index("ix_flows_state", "flows")
    op.drop_index("ix_accounts_state_locked_at", "accounts")
