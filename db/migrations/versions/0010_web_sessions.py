"""The member pages' server-side state (`web_sessions`) and the per-source
count of sign-ins and identity checks (`source_attempts`), for `sesame serve`.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from db.schema import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("flow_id", sa.String(32), nullable=True),
        sa.Column("ident", sa.String(320), nullable=True),
        sa.Column("digest", sa.String(64), nullable=True),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_web_sessions_expires", "web_sessions", ["expires_at"])
    op.create_table(
        "source_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_source_attempts_source_at", "source_attempts", ["source", "at"])


def downgrade() -> None:
    op.drop_index("ix_source_attempts_source_at", "source_attempts")
    op.drop_table("source_attempts")
    op.drop_index("ix_web_sessions_expires", "web_sessions")
    op.drop_table("web_sessions")
