"""Initial schema: accounts, recovery flows, audit events, outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

OPEN = "state IN ('choose_channel', 'code_sent', 'verified')"


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nir", sa.String(15), nullable=False, unique=True),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("email", sa.String(320), unique=True),
        sa.Column("mobile", sa.String(20)),
        sa.Column("sms_capable", sa.Boolean, nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_at", UtcDateTime),
        sa.Column("locked_until", UtcDateTime),
        sa.Column("last_login_at", UtcDateTime),
        sa.Column("password_changed_at", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_accounts_state", "accounts", ["state"])
    op.create_table(
        "flows",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(8)),
        sa.Column("secret_digest", sa.String(64)),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("code_attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_flows_account", "flows", ["account_id", "created_at"])
    op.create_index("ix_flows_secret_digest", "flows", ["secret_digest"])
    op.create_index(
        "uq_flows_one_open_per_account",
        "flows",
        ["account_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id")),
        sa.Column("flow_id", sa.String(32)),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("state_before", sa.String(16)),
        sa.Column("state_after", sa.String(16)),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_account_event_at", "audit_events", ["account_id", "event", "at"])
    op.create_index("ix_audit_at", "audit_events", ["at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id")),
        sa.Column("flow_id", sa.String(32)),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("redacted_body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("delivered_at", UtcDateTime),
    )
    op.create_index("ix_outbox_status", "outbox", ["status", "created_at"])
    op.create_index("ix_outbox_account", "outbox", ["account_id", "created_at"])


def downgrade() -> None:
    for table in ("outbox", "audit_events", "flows", "accounts"):
        op.drop_table(table)
