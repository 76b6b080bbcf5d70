"""Indexes for the console's identifier completion on PostgreSQL: `nir` and `email`
in the "C" collation, so that a prefix range (`db/completion.py`) is both right and
indexed whatever the database's collation. SQLite's unique indexes compare byte-wise
already: nothing to add there.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_INDEXES = {"ix_accounts_nir_c": "nir", "ix_accounts_email_c": "email"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column in _INDEXES.items():
        op.execute(f'CREATE INDEX {name} ON accounts ({column} COLLATE "C")')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _INDEXES:
        op.execute(f"DROP INDEX {name}")
