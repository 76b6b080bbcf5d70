"""Move a whole installation from one database to another (SQLite ⇄ PostgreSQL).

Every column is copied as it is, primary keys included, so audit events and
messages keep pointing at the same accounts and flows. The source is read in
one transaction (a consistent snapshot: WAL on SQLite, REPEATABLE READ on
PostgreSQL) and counted in that snapshot; the target is written in batches, one
short transaction each, then counted again: a table whose count differs is
reported by name. A copy stopped half-way leaves a target that a second copy
refuses: empty it (or create it again) and start over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from db.schema import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    accounts,
    audit_events,
    flows,
    outbox,
    password_history,
)
from db.settings import Settings, database_url
from db.store import Store, current_revision_of, storage_error, translate_errors
from engine.errors import SesameError
from engine.outcomes import Code

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

BATCH_ROWS = 5000
# Foreign-key order: every table after the accounts its rows point at.
TABLES: tuple[Table, ...] = (accounts, flows, audit_events, outbox, password_history)
# Integer keys drawn from a sequence on PostgreSQL (flows and outbox use random ids).
SEQUENCED: tuple[Table, ...] = (accounts, audit_events, password_history)

# (table name, rows copied so far, rows in that table)
Progress = Callable[[str, int, int], None]


def copy_database(
    settings: Settings,
    source: str,
    target: str,
    *,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every row of `source` into the empty `target`; the rows per table.

    `source` and `target` are what `--db` accepts: a URL, or a SQLite file
    path relative to the current directory.
    """
    source_store = _open_source(settings, database_url(source, Path.cwd()))
    target_store = Store(replace(settings, db_url=database_url(target, Path.cwd())))
    with _snapshot(source_store) as reading:
        expected = {table.name: _count(reading, table) for table in TABLES}
        with target_store.read() as conn:
            _refuse_non_empty(conn)
        for table in TABLES:
            _copy_table(reading, target_store, table, expected[table.name], progress)
    if target_store.is_postgres:
        with target_store.write() as conn:
            _reset_sequences(conn)
    _verify(target_store, expected)
    return expected


def _open_source(settings: Settings, url: str) -> Store:
    """The source as it is: never created, never upgraded, at the head revision."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise storage_error("database", detail_key="no_such_file", path=str(path))
    revision = current_revision_of(url)
    if revision is None:
        raise storage_error("not_sesame", detail_key="no_schema_revision")
    if revision != HEAD_REVISION:
        reason = "schema_outdated" if revision in KNOWN_REVISIONS else "schema_newer"
        raise storage_error(reason, current=revision, head=HEAD_REVISION)
    return Store(replace(settings, db_url=url))


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """One read transaction over the whole copy, so the tables agree with each other."""
    with translate_errors(), store.engine.connect() as conn:
        if store.is_postgres:
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _count(conn: Connection, table: Table) -> int:
    from sqlalchemy import func, select

    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _refuse_non_empty(conn: Connection) -> None:
    held = {table.name: _count(conn, table) for table in TABLES}
    if any(held.values()):
        raise SesameError(Code.TARGET_NOT_EMPTY, params=held)


def _copy_table(
    reading: Connection,
    target: Store,
    table: Table,
    total: int,
    progress: Progress | None,
) -> None:
    """Stream the rows by primary key; one write transaction per batch on the target."""
    from sqlalchemy import insert, select

    statement = select(table).order_by(*table.primary_key.columns)
    result = reading.execution_options(yield_per=BATCH_ROWS).execute(statement)
    done = 0
    if progress:
        progress(table.name, done, total)
    for batch in result.partitions():
        rows = [dict(row._mapping) for row in batch]
        with target.write() as conn:
            conn.execute(insert(table), rows)
        done += len(rows)
        if progress:
            progress(table.name, done, total)


def _reset_sequences(conn: Connection) -> None:
    """Explicit ids do not move PostgreSQL's sequences: start them after the copied rows."""
    from sqlalchemy import text

    for table in SEQUENCED:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"
            )
        )


def _verify(target: Store, expected: dict[str, int]) -> None:
    with target.read() as conn:
        for table in TABLES:
            copied = _count(conn, table)
            if copied != expected[table.name]:
                raise storage_error(
                    "copy_count_mismatch",
                    table=table.name,
                    source=expected[table.name],
                    target=copied,
                )
