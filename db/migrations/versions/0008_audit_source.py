"""Where a failure came from: the client the calling front end names (`--source`,
`SESAME_SOURCE`) on every audit event of the member's commands (docs/support.md).

Revision ID: 0008
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Events written before this revision, and by commands without --source, keep NULL.
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("source", sa.String(64)))
    # `audit --source`, `account list --source`: the events of one source by time.
    op.create_index("ix_audit_source_at", "audit_events", ["source", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_source_at", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("source")
