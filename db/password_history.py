"""The hashes of an account's previous passwords (table `password_history`).

The current hash lives on the account's row and counts as the first of the
`password_history` remembered; this table keeps the `password_history - 1`
before it, newest first, pruned in the transaction that adds one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select

from db.schema import password_history

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.model import Account


def previous_hashes(conn: Connection, account: Account, remembered: int) -> list[str]:
    """The hashes a new password may not verify against: the current one, then the
    newest `remembered - 1` before it (none when `remembered` is 0)."""
    if remembered <= 0 or account.password_hash is None:
        return []
    rows = conn.execute(
        select(password_history.c.hash)
        .where(password_history.c.account_id == account.id)
        .order_by(password_history.c.id.desc())
        .limit(remembered - 1)
    )
    return [account.password_hash, *(row.hash for row in rows)]


def remember(
    conn: Connection, account_id: int, old_hash: str, set_at: datetime, remembered: int
) -> None:
    """Keep the replaced hash, then prune beyond `remembered - 1` (all of them at 0 or 1)."""
    keep = max(remembered - 1, 0)
    if keep:
        conn.execute(
            insert(password_history).values(account_id=account_id, hash=old_hash, set_at=set_at)
        )
    newest = (
        select(password_history.c.id)
        .where(password_history.c.account_id == account_id)
        .order_by(password_history.c.id.desc())
        .limit(keep)
    )
    conn.execute(
        delete(password_history).where(
            password_history.c.account_id == account_id,
            password_history.c.id.not_in(newest),
        )
    )
