"""Bulk provisioning: `account import` from CSV and its inverse, `account export`.

An import is streamed: the file is read in batches of rows, each row is
checked with the same identity rules as `account add` (in a pool of worker
processes when the file holds more than one batch: phone and email parsing
is CPU work), and valid rows are written one short write transaction per
batch, so other commands are never blocked for long. Only the NIRs and
emails already accepted are remembered, in a temporary on-disk table, to
refuse duplicates within the file (memory stays flat: a million rows' keys as
Python dicts took 304 MiB); duplicates against the database are looked up per
batch through the unique indexes.

With `stop_on_error` (the default) the whole file is checked first and
nothing is written if any row is refused; the checked rows wait in an
anonymous temporary file (owner-only, gone when closed) and are then
written batch by batch, without parsing the file a second time.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from sqlalchemy import insert, or_, select

from db.decisions import audit_row
from db.schema import accounts, audit_events
from db.store import Store
from engine.errors import SesameError, invalid
from engine.events import Audit
from engine.identity import (
    check_birth_date_matches_nir,
    parse_birth_date,
    parse_email,
    parse_mobile,
    parse_nir,
)
from engine.model import AccountState
from engine.spreadsheet import restore_cell

if TYPE_CHECKING:
    from sqlalchemy import Connection

REQUIRED_COLUMNS = ("nir", "birth_date", "email", "mobile")
HASH_COLUMN = "password_hash"
BATCH_ROWS = 5000
# Worker processes for checking rows; the parent reads the file and writes.
MAX_WORKERS = 4

# (phase, rows done, rows in all): the CLI draws a progress bar with it.
Progress = Callable[[str, int, int], None]
Tick = Callable[[int], None]

_ISO_DATE = re.compile(r"\A\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*\Z")
# The PHC string's salt and hash: standard base64 without padding.
_PHC_B64 = re.compile(r"\A[A-Za-z0-9+/]+\Z")
# An imported hash costs its own parameters at the next login: refuse what
# sesame.toml itself would refuse (1 GiB, t=100, p=64), so that a stray value
# cannot make one login allocate gigabytes.
_MAX_MEMORY_KIB = 1 << 20
_MAX_TIME_COST = 100
_MAX_PARALLELISM = 64
_MIN_SALT_BYTES = 8
_MIN_HASH_BYTES = 16


@dataclass(frozen=True)
class NewAccount:
    """A checked row, ready to insert."""

    line: int
    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    sms_capable: bool
    password_hash: str | None


@dataclass(frozen=True)
class Refusal:
    """A refused row: its line in the file and the refusal's code, reason and
    parameters (plain values, so that worker processes can return them)."""

    line: int
    code: str
    reason: str | None = None
    params: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, line: int, error: SesameError) -> Refusal:
        return cls(line, error.code, error.reason, dict(error.params))


Checked = NewAccount | Refusal
_Batch = TypeVar("_Batch")


@dataclass
class ImportReport:
    dry_run: bool
    stop_on_error: bool
    rows: int = 0
    valid: int = 0
    imported: int = 0
    refused: list[Refusal] = field(default_factory=list)
    interrupted: bool = False  # SIGINT: `imported` rows are committed, no more

    def count(self, batch: list[Checked]) -> list[NewAccount]:
        """Count a checked batch in; return its valid rows."""
        self.rows += len(batch)
        valid = []
        for item in batch:
            if isinstance(item, Refusal):
                self.refused.append(item)
            else:
                valid.append(item)
        return valid

    def refuse_taken(self, valid: list[NewAccount], conn: Connection) -> list[NewAccount]:
        """Refuse the rows an existing account already has; count and return the others."""
        fresh, taken = _split_existing(conn, valid)
        self.refused.extend(taken)
        self.refused.sort(key=lambda refusal: refusal.line)
        self.valid += len(fresh)
        return fresh


@dataclass(frozen=True)
class ExportedAccount:
    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    password_hash: str | None


# --- import ------------------------------------------------------------------


def import_accounts(
    store: Store,
    path: Path,
    *,
    stop_on_error: bool,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `path`; the report says what was imported and which lines were refused."""
    report = ImportReport(dry_run=dry_run, stop_on_error=stop_on_error)
    with _StopOnInterrupt(report) as stop:
        _import(store, path, report, stop, progress)
    return report


def _import(
    store: Store,
    path: Path,
    report: ImportReport,
    stop: _StopOnInterrupt,
    progress: Progress | None,
) -> None:
    """Check then write (stop), check and write batch by batch (skip), or only check."""
    today = store.now().date()
    total = _count_lines(path) if progress else 0
    first_phase = "check" if report.dry_run or report.stop_on_error else "import"
    checked = stop.between(_checked_batches(path, today, _tick(progress, first_phase, total)))
    if report.dry_run:
        for batch in checked:
            with store.read() as conn:
                report.refuse_taken(report.count(batch), conn)
    elif not report.stop_on_error:
        for batch in checked:
            with store.write() as conn:
                _lock_accounts(conn)
                fresh = report.refuse_taken(report.count(batch), conn)
                _insert(store, conn, fresh, path.name)
            report.imported += len(fresh)
    else:
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as spool:
            for batch in checked:
                with store.read() as conn:
                    fresh = report.refuse_taken(report.count(batch), conn)
                if not report.refused:  # once a row is refused, only the report matters
                    _spool(spool, fresh)
            if not report.refused and not report.interrupted:
                spool.seek(0)
                _import_spooled(store, spool, report, path.name, stop, progress)


class _StopOnInterrupt:
    """SIGINT (Ctrl-C) during an import: the batch in hand is finished (its short
    transaction commits or rolls back whole), no further batch is started, and the
    report says what was committed, instead of a bare exit 130."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> _StopOnInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._request)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _request(self, _signum: int, _frame: object) -> None:
        self.requested = True

    def between(self, batches: Iterator[_Batch]) -> Iterator[_Batch]:
        """`batches`, until an interrupt is requested."""
        for batch in batches:
            if self.requested:
                self.report.interrupted = True
                getattr(batches, "close", lambda: None)()  # the file and the workers now
                return
            yield batch


class _Taken(Exception):
    """Raised inside a batch's transaction to roll it back."""

    def __init__(self, refused: list[Refusal]) -> None:
        super().__init__()
        self.refused = refused


def _import_spooled(
    store: Store,
    spool: IO[str],
    report: ImportReport,
    source: str,
    stop: _StopOnInterrupt,
    progress: Progress | None,
) -> None:
    """Write the checked rows; stop at a batch whose row someone created meanwhile."""
    tick = _tick(progress, "import", report.valid)
    for batch in stop.between(_unspool(spool)):
        try:
            with store.write() as conn:
                _lock_accounts(conn)
                fresh, taken = _split_existing(conn, batch)
                if taken:
                    raise _Taken(taken)
                _insert(store, conn, fresh, source)
        except _Taken as stopped:
            report.refused.extend(stopped.refused)
            report.valid -= len(stopped.refused)
            return
        report.imported += len(fresh)
        tick(report.imported)


def _lock_accounts(conn: Connection) -> None:
    """Hold off other writers of `accounts` until this batch commits.

    SQLite's BEGIN IMMEDIATE already does; on PostgreSQL a row created by
    another command between the duplicate check and the insert would end the
    import with an IntegrityError instead of a refused row.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")


def _split_existing(
    conn: Connection, rows: list[NewAccount]
) -> tuple[list[NewAccount], list[Refusal]]:
    """The rows no account has yet, and a refusal for each of the others."""
    if not rows:
        return [], []
    nirs = [row.nir for row in rows]
    emails = [row.email for row in rows if row.email]
    query = select(accounts.c.nir, accounts.c.email).where(
        or_(accounts.c.nir.in_(nirs), accounts.c.email.in_(emails))
    )
    taken_nirs: set[str] = set()
    taken_emails: set[str] = set()
    for nir, email in conn.execute(query):
        taken_nirs.add(nir)
        if email:
            taken_emails.add(email)
    fresh: list[NewAccount] = []
    taken: list[Refusal] = []
    for row in rows:
        if row.nir in taken_nirs or (row.email and row.email in taken_emails):
            taken.append(Refusal(row.line, "account_exists"))
        else:
            fresh.append(row)
    return fresh, taken


def _insert(store: Store, conn: Connection, rows: list[NewAccount], source: str) -> None:
    """The accounts and one `account_imported` audit event each, in the caller's transaction."""
    if not rows:
        return
    now = store.now()
    values = [
        {
            "nir": row.nir,
            "birth_date": row.birth_date,
            "email": row.email,
            "mobile": row.mobile,
            "sms_capable": row.sms_capable,
            "password_hash": row.password_hash,
            "state": AccountState.ACTIVE.value,
            "failed_attempts": 0,
            "created_at": now,
        }
        for row in rows
    ]
    created = conn.execute(insert(accounts).returning(accounts.c.id, accounts.c.nir), values)
    ids = {nir: account_id for account_id, nir in created}
    actor = store.settings.actor
    audits = [
        audit_row(
            Audit(
                "account_imported",
                None,
                AccountState.ACTIVE,
                {
                    "file": source,
                    "line": str(row.line),
                    "password": "imported" if row.password_hash else "none",
                },
            ),
            ids[row.nir],
            now,
            actor,
        )
        for row in rows
    ]
    conn.execute(insert(audit_events), audits)


def _spool(spool: IO[str], rows: list[NewAccount]) -> None:
    writer = csv.writer(spool, lineterminator="\n")
    for row in rows:
        writer.writerow(
            (
                row.line,
                row.nir,
                row.birth_date.isoformat(),
                row.email or "",
                row.mobile or "",
                int(row.sms_capable),
                row.password_hash or "",
            )
        )


def _unspool(spool: IO[str]) -> Iterator[list[NewAccount]]:
    batch: list[NewAccount] = []
    for line, nir, birth_date, email, mobile, sms_capable, password_hash in csv.reader(spool):
        batch.append(
            NewAccount(
                line=int(line),
                nir=nir,
                birth_date=date.fromisoformat(birth_date),
                email=email or None,
                mobile=mobile or None,
                sms_capable=sms_capable == "1",
                password_hash=password_hash or None,
            )
        )
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _tick(progress: Progress | None, phase: str, total: int) -> Tick:
    if progress is None:
        return lambda done: None
    progress(phase, 0, total)
    return lambda done: progress(phase, done, total)


def _count_lines(path: Path) -> int:
    """Data lines, for the progress bar (a fast byte count, header excluded)."""
    count = 0
    with _open(path, binary=True) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
    return max(count - 1, 0)


# --- reading and checking rows ---------------------------------------------------


def _open(path: Path, *, binary: bool = False) -> Any:
    try:
        if binary:
            return path.open("rb")
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise invalid("import_file", path=str(path), detail=exc.strerror or str(exc)) from None


def _checked_batches(path: Path, today: date, tick: Tick) -> Iterator[list[Checked]]:
    """The file's rows, checked, batch by batch in order; duplicates in the file refused."""
    done = 0
    with _open(path) as handle, FirstLines() as first_lines:
        columns, delimiter = _header(handle, path)
        check = partial(check_batch, columns, today)
        for batch in _map_in_order(check, _raw_batches(handle, path, delimiter)):
            yield first_lines.refuse_repeats(batch)
            done += len(batch)
            tick(done)


def _header(handle: IO[str], path: Path) -> tuple[dict[str, int], str]:
    """The index of each known column, and the delimiter: `,` or, when the
    header uses it, `;` (spreadsheets set to French)."""
    try:
        header_line = handle.readline()
    except UnicodeDecodeError as exc:
        raise invalid("import_file", path=str(path), detail=str(exc)) from None
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in (*REQUIRED_COLUMNS, HASH_COLUMN)]
    if unknown:
        raise invalid("import_unknown_column", column=unknown[0])
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise invalid("import_columns", missing=",".join(missing))
    return {name: index for index, name in enumerate(names)}, delimiter


RawRow = tuple[int, list[str]]


def _raw_batches(handle: IO[str], path: Path, delimiter: str) -> Iterator[list[RawRow]]:
    """(line number, fields) of each non-blank row, BATCH_ROWS at a time; each
    field as it was before `account export` quoted a formula-like cell."""
    reader = csv.reader(handle, delimiter=delimiter)
    batch: list[RawRow] = []
    line = 2  # the header is line 1
    try:
        for fields in reader:
            if fields:
                batch.append((line, [restore_cell(field) for field in fields]))
                if len(batch) == BATCH_ROWS:
                    yield batch
                    batch = []
            line = reader.line_num + 2
    except (csv.Error, UnicodeDecodeError) as exc:
        raise invalid("import_file", path=str(path), detail=f"line {line}: {exc}") from None
    if batch:
        yield batch


def _map_in_order(
    check: Callable[[list[RawRow]], list[Checked]], batches: Iterator[list[RawRow]]
) -> Iterator[list[Checked]]:
    """`check` over the batches, results in order; in worker processes when
    there is more than one batch, with a bounded number of batches in flight
    so that the file is never held in memory."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = min(_usable_cpus(), MAX_WORKERS)
    if second is None or workers < 2:
        yield check(first)
        if second is not None:
            yield check(second)
            yield from map(check, batches)
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from itertools import chain

    with ProcessPoolExecutor(workers, initializer=_leave_interrupts_to_the_parent) as pool:
        pending: deque[Future[list[Checked]]] = deque()
        for batch in chain((first, second), batches):
            pending.append(pool.submit(check, batch))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _leave_interrupts_to_the_parent() -> None:
    """A worker ignores Ctrl-C (sent to the whole process group): the parent
    decides when the import stops, between two batches."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _usable_cpus() -> int:
    """The CPUs this process may run on (a container may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_batch(columns: dict[str, int], today: date, batch: list[RawRow]) -> list[Checked]:
    """Check raw rows (in a worker process for large files)."""
    return [_check_fields(fields, columns, line, today) for line, fields in batch]


def _check_fields(fields: list[str], columns: dict[str, int], line: int, today: date) -> Checked:
    if len(fields) != len(columns):
        error = invalid("import_row_fields", count=len(fields), expected=len(columns))
        return Refusal.of(line, error)
    values = {name: fields[index] for name, index in columns.items()}
    try:
        return check_row(values, line, today)
    except SesameError as exc:
        return Refusal.of(line, exc)


def check_row(values: dict[str, str], line: int, today: date) -> NewAccount:
    """One row, checked like `account add`; the birth date may also be ISO (aaaa-mm-jj)."""
    nir = parse_nir(values["nir"])
    birth_date = parse_birth_date(_french_date(values["birth_date"]), today)
    check_birth_date_matches_nir(nir, birth_date)
    email = parse_email(values["email"]) if values["email"].strip() else None
    phone = parse_mobile(values["mobile"]) if values["mobile"].strip() else None
    raw_hash = values.get(HASH_COLUMN, "").strip()
    return NewAccount(
        line=line,
        nir=nir.value,
        birth_date=birth_date,
        email=email,
        mobile=phone.e164 if phone else None,
        sms_capable=bool(phone and phone.sms_capable),
        password_hash=check_password_hash(raw_hash) if raw_hash else None,
    )


def _french_date(raw: str) -> str:
    """`aaaa-mm-jj` (what databases export) as the procedure's `jj/mm/aaaa`."""
    match = _ISO_DATE.match(raw)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else raw


def check_password_hash(raw: str) -> str:
    """An argon2id (or argon2i) PHC string that login can verify, as given.

    Other parameters than configured are accepted: login rehashes with the
    configured ones at the next successful sign-in. argon2d is refused: its
    memory access depends on the password, which RFC 9106 advises against
    for password hashing.
    """
    from argon2 import Type, extract_parameters
    from argon2.exceptions import InvalidHashError

    parts = raw.split("$")
    try:
        params = extract_parameters(raw)
    except InvalidHashError:
        raise invalid("hash_format") from None
    if (
        len(parts) != 6
        or params.version != 19
        or not all(_PHC_B64.match(part) for part in parts[4:])
        or params.salt_len < _MIN_SALT_BYTES
        or params.hash_len < _MIN_HASH_BYTES
        or len(raw) > accounts.c.password_hash.type.length  # type: ignore[attr-defined]
    ):
        raise invalid("hash_format")
    if params.type not in (Type.ID, Type.I):
        raise invalid("hash_type")
    if (
        params.memory_cost > _MAX_MEMORY_KIB
        or params.time_cost > _MAX_TIME_COST
        or params.parallelism > _MAX_PARALLELISM
    ):
        raise invalid("hash_cost")
    return raw


class FirstLines:
    """The line where each NIR and email first appeared in the file, kept in a
    private temporary SQLite database (on disk, deleted when closed)."""

    def __init__(self) -> None:
        import sqlite3

        self._db = sqlite3.connect("")  # "": a temporary database, not ":memory:"
        self._db.execute("CREATE TABLE first (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def __enter__(self) -> FirstLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()

    def refuse_repeats(self, batch: list[Checked]) -> list[Checked]:
        """The batch with each repeated NIR (or email) refused; the first valid row
        with a key wins."""
        keys = [key for item in batch if isinstance(item, NewAccount) for key in _keys(item)]
        seen = dict(self._known(keys))
        result: list[Checked] = []
        new: list[tuple[str, int]] = []
        for item in batch:
            if isinstance(item, NewAccount):
                item = self._first_or_refused(item, seen, new)
            result.append(item)
        self._db.executemany("INSERT INTO first VALUES (?, ?)", new)
        return result

    @staticmethod
    def _first_or_refused(
        item: NewAccount, seen: dict[str, int], new: list[tuple[str, int]]
    ) -> Checked:
        nir_key, *email_key = _keys(item)
        if nir_key in seen:
            return Refusal(item.line, "import_duplicate_nir", None, {"first_line": seen[nir_key]})
        if email_key and email_key[0] in seen:
            first_line = seen[email_key[0]]
            return Refusal(item.line, "import_duplicate_email", None, {"first_line": first_line})
        for key in (nir_key, *email_key):
            seen[key] = item.line
            new.append((key, item.line))
        return item

    def _known(self, keys: list[str]) -> Iterator[tuple[str, int]]:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, line FROM first WHERE key IN ({marks})"
            yield from self._db.execute(query, chunk)


def _keys(item: NewAccount) -> list[str]:
    """A row's unique keys: its NIR, and its email when it has one."""
    return [f"nir:{item.nir}", *([f"email:{item.email}"] if item.email else [])]


# --- export ------------------------------------------------------------------


def export_accounts(
    store: Store, state: AccountState | None, *, with_hashes: bool
) -> Iterator[ExportedAccount]:
    """Every account (in creation order), streamed; hashes only when asked.

    Handing out password hashes is recorded in the audit log before the
    first row leaves, so that an interrupted export is recorded too.
    """
    now = store.now()
    query = select(
        accounts.c.nir,
        accounts.c.birth_date,
        accounts.c.email,
        accounts.c.mobile,
        accounts.c.password_hash,
    ).order_by(accounts.c.id)
    if state is not None:
        query = query.where(_effective_state_is(state, now))
    if with_hashes:
        detail = {"state": state.value if state else "all"}
        event = Audit("accounts_exported_with_hashes", None, None, detail)
        with store.write() as conn:
            conn.execute(insert(audit_events), [audit_row(event, None, now, store.settings.actor)])
    with store.read() as conn:
        for row in conn.execution_options(yield_per=1000).execute(query):
            yield ExportedAccount(
                nir=row.nir,
                birth_date=row.birth_date,
                email=row.email,
                mobile=row.mobile,
                password_hash=row.password_hash if with_hashes else None,
            )


def _effective_state_is(state: AccountState, now: datetime) -> Any:
    """The state as `status` shows it: a time-limited lock that has ended is active."""
    locked = accounts.c.state == AccountState.LOCKED.value
    lock_over = accounts.c.locked_until.is_not(None) & (accounts.c.locked_until <= now)
    if state is AccountState.LOCKED:
        return locked & ~lock_over
    if state is AccountState.ACTIVE:
        return (accounts.c.state == AccountState.ACTIVE.value) | (locked & lock_over)
    return accounts.c.state == state.value


def columns(with_hashes: bool) -> list[str]:
    """The CSV columns import reads and export writes."""
    return [*REQUIRED_COLUMNS, HASH_COLUMN] if with_hashes else list(REQUIRED_COLUMNS)
