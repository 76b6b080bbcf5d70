"""The operator as the system knows it, on every audit event: OS user, sudo's
invoking user, PostgreSQL role (docs/access.md).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Events written before this revision keep NULL: nobody recorded who ran them.
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("os_user", sa.String(200)))
        batch.add_column(sa.Column("sudo_user", sa.String(200)))
        # The database itself names the role of the session that inserts the row.
        role_default = sa.text("session_user") if postgres else None
        batch.add_column(sa.Column("db_role", sa.String(200), server_default=role_default))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("db_role")
        batch.drop_column("sudo_user")
        batch.drop_column("os_user")
