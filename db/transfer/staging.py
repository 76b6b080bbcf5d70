"""The rows of a `--on-error stop` import, checked and decided by the machine,
waiting in temporary tables of the import's own connection until the whole
file is known to be valid; then written batch by batch with `INSERT … SELECT`.

The worker processes check each row, run its `AccountCreated` step and bind
the decision's values for the database, as plain tuples; this process fills
the staging tables with them (one `executemany` on SQLite, `COPY` on
PostgreSQL) while the workers check the next batches. What is left to do per
row is the database's: the duplicates against existing accounts, the inserts
into `accounts` and `audit_events` (their ids joined on the NIR), in C.
The tables are on disk (SQLite's temporary file, PostgreSQL's temporary
tablespace): memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    func,
    insert,
    literal,
    or_,
    select,
)

from db.batch import batch_columns
from db.creation import ACCOUNT_COLUMNS, bound_rows, decide
from db.decisions import audit_row
from db.schema import accounts, audit_events
from db.store import Store, translate_errors
from db.transfer.first_lines import FirstLines
from db.transfer.reading import BATCH_ROWS
from db.transfer.rows import NewAccount, RawRow, Refusal, check_batch
from db.transfer.writing import CreationContext, creation_events, lock_accounts
from engine.events import Audit

if TYPE_CHECKING:
    from sqlalchemy import Connection, Dialect

# An audit row's own values (its account's id and the batch are added in SQL).
AUDIT_COLUMNS = (
    "at",
    "actor",
    "os_user",
    "sudo_user",
    "flow_id",
    "event",
    "state_before",
    "state_after",
    "detail",
    "source",
)
# A staged audit is (line, nir, *AUDIT_COLUMNS).
_LINE = 0
# SQLite's page cache for the import's connection, in KiB (see `_larger_cache`).
CACHE_KIB = 32 * 1024

# A staged account: its line, its columns, its state last (an enum, as text).
_STAGED_COLUMNS = (*(name for name in ACCOUNT_COLUMNS if name != "state"), "state")
_account_values = attrgetter(*_STAGED_COLUMNS[:-1])
_audit_values = itemgetter(*AUDIT_COLUMNS)

_metadata = MetaData()
staged_accounts = Table(
    "sesame_staged_accounts",
    _metadata,
    Column("line", Integer, primary_key=True, autoincrement=False),
    *(Column(name, accounts.c[name].type) for name in _STAGED_COLUMNS),
    prefixes=["TEMPORARY"],
)
staged_audits = Table(
    "sesame_staged_audits",
    _metadata,
    Column("line", Integer, nullable=False),
    Column("nir", String(15), nullable=False),
    *(Column(name, audit_events.c[name].type) for name in AUDIT_COLUMNS),
    Index("ix_sesame_staged_audits_line", "line"),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class Decided:
    """A batch checked and decided in a worker: its refusals, and the staged
    rows of its valid ones (values bound for the database)."""

    rows: int
    refused: list[Refusal]
    accounts: list[tuple[Any, ...]]
    audits: list[tuple[Any, ...]]


def check_and_decide(
    context: CreationContext,
    source: str,
    dialect_name: str,
    columns: dict[str, int],
    today: date,
    batch: list[RawRow],
) -> Decided:
    """Check raw rows, then decide each valid one (pure: runs in a worker process)."""
    checked = check_batch(columns, today, batch)
    refused = [item for item in checked if isinstance(item, Refusal)]
    valid = [item for item in checked if isinstance(item, NewAccount)]
    decisions = decide(creation_events(context, source, valid), context.machine)
    now, actor = context.machine.now, context.actor
    # The decisions' rows as tuples in the staging tables' order, straight from
    # the decisions (a creation's only effects are audit events).
    accounts = [
        (row.line, *_account_values(decision.account), decision.account.state.value)
        for row, decision in zip(valid, decisions, strict=True)
    ]
    audits = [
        (row.line, row.nir, *_audit_values(audit_row(effect, None, now, actor)))
        for row, decision in zip(valid, decisions, strict=True)
        for effect in decision.effects
        if isinstance(effect, Audit)
    ]
    dialect = _dialect(dialect_name)
    return Decided(
        len(batch),
        refused,
        bound_rows(dialect, staged_accounts, accounts),
        bound_rows(dialect, staged_audits, audits),
    )


@cache
def _dialect(name: str) -> Dialect:
    from sqlalchemy.engine import make_url

    dialect: Dialect = make_url(f"{name}://").get_dialect()()
    return dialect


class Staging:
    """The staging tables on one connection, held for the whole import."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # (first line, last line, rows) of each staged batch
        self.ranges: list[tuple[int, int, int]] = []

    @property
    def dialect_name(self) -> str:
        return f"{self.conn.dialect.name}+{self.conn.dialect.driver}"

    def add(self, decided: Decided) -> None:
        """Stage a batch's valid rows; a batch of the write phase starts with it."""
        if not decided.accounts:
            return
        first, last = decided.accounts[0][_LINE], decided.accounts[-1][_LINE]
        self.ranges.append((first, last, len(decided.accounts)))
        with self.conn.begin():
            self._fill(staged_accounts, decided.accounts)
            self._fill(staged_audits, decided.audits)

    def _fill(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        names = [column.name for column in table.columns]
        if self.conn.dialect.name != "postgresql":
            marks = ", ".join("?" * len(names))
            self.conn.exec_driver_sql(f"INSERT INTO {table.name} VALUES ({marks})", rows)
            return
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def repeats(self) -> list[Refusal]:
        """A refusal for each staged row that repeats an earlier row's NIR or
        email (`FirstLines`). The database tells first whether any key is there
        twice: usually none is, and no row is read back."""
        staged = staged_accounts.c
        twice = [
            select(key).where(key.is_not(None)).group_by(key).having(func.count() > 1).limit(1)
            for key in (staged.nir, staged.email)
        ]
        with self.conn.begin():
            if all(self.conn.execute(query).first() is None for query in twice):
                return []
            keys = select(staged.line, staged.nir, staged.email).order_by(staged.line)
            rows = self.conn.execute(keys.execution_options(yield_per=BATCH_ROWS))
            refused: list[Refusal] = []
            with FirstLines() as first_lines:
                for chunk in rows.partitions():
                    refused.extend(first_lines.repeats([(*row,) for row in chunk]))
        return refused

    def taken(self, first: int | None = None, last: int | None = None) -> list[Refusal]:
        """A refusal for each staged row (between the lines `first` and `last`)
        whose NIR or email an existing account already has."""
        staged = staged_accounts.c
        nir_taken = select(accounts.c.id).where(accounts.c.nir == staged.nir).exists()
        email_taken = select(accounts.c.id).where(accounts.c.email == staged.email).exists()
        query = select(staged.line).where(
            or_(nir_taken, and_(staged.email.is_not(None), email_taken))
        )
        if first is not None:
            query = query.where(staged.line.between(first, last))
        with self.conn.begin():
            lines = self.conn.execute(query.order_by(staged.line)).scalars().all()
        return [Refusal(line, "account_exists") for line in lines]

    def valid(self, excluded: set[int]) -> tuple[int, list[tuple[int, str]]]:
        """How many staged rows are not `excluded`, and (line, mobile) of those
        whose mobile cannot receive an SMS."""
        staged = staged_accounts.c
        unsendable = (
            select(staged.line, staged.mobile)
            .where(staged.mobile.is_not(None), ~staged.sms_capable)
            .order_by(staged.line)
        )
        with self.conn.begin():
            count = self.conn.execute(select(func.count()).select_from(staged_accounts))
            total = count.scalar_one()
            no_sms = [(line, mobile) for line, mobile in self.conn.execute(unsendable)]
        return total - len(excluded), [item for item in no_sms if item[0] not in excluded]

    def write(self, first: int, last: int) -> None:
        """Insert the staged rows between two lines, accounts then their audit
        events, in one write transaction (IntegrityError: rolled back whole)."""
        staged, audit = staged_accounts.c, staged_audits.c
        in_batch = staged.line.between(first, last)
        rows = select(*(staged[name] for name in ACCOUNT_COLUMNS)).where(in_batch)
        new_accounts = insert(accounts).from_select(ACCOUNT_COLUMNS, rows.order_by(staged.line))
        batch = batch_columns()
        audit_rows = (
            select(
                *(audit[name] for name in AUDIT_COLUMNS),
                accounts.c.id,
                literal(batch["batch_id"], String()),
                literal(batch["batch_source"], String()),
            )
            .join_from(staged_audits, accounts, audit.nir == accounts.c.nir)
            .where(audit.line.between(first, last))
            .order_by(audit.line)
        )
        names = [*AUDIT_COLUMNS, "account_id", "batch_id", "batch_source"]
        new_audits = insert(audit_events).from_select(names, audit_rows)
        self.conn.execution_options(sesame_write=True)
        try:
            with self.conn.begin():
                lock_accounts(self.conn)
                self.conn.execute(new_accounts)
                self.conn.execute(new_audits)
        finally:
            self.conn.execution_options(sesame_write=False)


@contextmanager
def staging(store: Store) -> Iterator[Staging]:
    """Staging tables on a connection of the store's, dropped at the end."""
    with translate_errors(), store.engine.connect() as conn:
        with conn.begin():
            _metadata.create_all(conn)
        cache_size = _larger_cache(conn)
        try:
            yield Staging(conn)
        finally:
            if conn.in_transaction():
                conn.rollback()
            with conn.begin():
                _metadata.drop_all(conn)
                if cache_size is not None:
                    conn.exec_driver_sql(f"PRAGMA cache_size = {cache_size}")


def _larger_cache(conn: Connection) -> int | None:
    """SQLite: a page cache of CACHE_KIB for the import's connection (the unique
    indexes take rows in no order: with SQLite's default 2 MiB, the write phase
    reads its pages again and again); the previous size, to restore it."""
    if conn.dialect.name != "sqlite":
        return None
    with conn.begin():
        previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
        conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    return previous
