"""Account identifiers that begin with what support has typed (the console's Tab).

A prefix is a range of the index, `nir >= p AND nir < p'` where p' is p with its
last character incremented: index-friendly on both backends, unlike `LIKE 'p%'`
(SQLite's LIKE is case-insensitive, so its index is not used; PostgreSQL's needs
the "C" collation). SQLite compares the unique indexes of `nir` and `email`
byte-wise; on PostgreSQL the comparison is made in the "C" collation, served by
the indexes of migration 0012 whatever the database's own collation (in a
linguistic one, `1:` would sort among `1…` and the range would be wrong).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.schema import accounts

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from db.store import Store

_NIR_CHARS = frozenset("0123456789AB")
_NIR_SEPARATORS = str.maketrans("", "", " .")


@dataclass(frozen=True)
class Candidate:
    """An identifier to complete to, and the state of its account."""

    ident: str
    state: str


def identifier_candidates(store: Store, typed: str, limit: int = 20) -> list[Candidate]:
    """NIRs then email addresses that begin with `typed`, at most `limit` of each."""
    found: list[Candidate] = []
    nir = typed.translate(_NIR_SEPARATORS).upper()
    if nir and set(nir) <= _NIR_CHARS:
        found += _starting_with(store, accounts.c.nir, nir, limit)
    email = unicodedata.normalize("NFKC", typed).strip().lower()
    if email and not found:
        found += _starting_with(store, accounts.c.email, email, limit)
    return found


def _starting_with(
    store: Store, column: ColumnElement[str], prefix: str, limit: int
) -> list[Candidate]:
    from sqlalchemy import select

    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    key = column.collate("C") if store.is_postgres else column
    query = (
        select(column, accounts.c.state)
        .where(key >= prefix, key < upper)
        .order_by(key)
        .limit(limit)
    )
    with store.read() as conn:
        return [Candidate(ident, state) for ident, state in conn.execute(query)]
