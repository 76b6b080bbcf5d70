"""The batch of a bulk action on its audit events: the batch id and the file it
read (`account unlock --all-locked/--from-file`, `account import`); `audit --batch`.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Events written before this revision, and single actions, keep NULL.
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("batch_id", sa.String(32)))
        batch.add_column(sa.Column("batch_source", sa.String(1000)))
    op.create_index("ix_audit_batch", "audit_events", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_batch", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("batch_source")
        batch.drop_column("batch_id")
