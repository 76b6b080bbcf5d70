"""`account import`: the steps of `db.transfer` put together, with the report.

Three ways through the file: only check (`--dry-run`); check and write batch
by batch (`--on-error skip`); or check and decide everything into staging
tables, then write them (`--on-error stop`, the default: nothing written if a
row is refused).
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import IntegrityError

from db.batch import Batch, audit_batch
from db.store import Store
from db.transfer.first_lines import FirstLines
from db.transfer.pool import map_in_order
from db.transfer.reading import count_lines, header, open_file, raw_batches
from db.transfer.rows import Checked, NewAccount, Refusal, check_batch
from db.transfer.staging import Decided, Staging, check_and_decide, staging
from db.transfer.writing import (
    creation_context,
    insert_accounts,
    lock_accounts,
    split_existing,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

# (phase, rows done, rows in all): the CLI draws a progress bar with it.
Progress = Callable[[str, int, int], None]
Tick = Callable[[int], None]
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
    # valid rows whose mobile is stored but cannot receive an SMS: (line, E.164)
    no_sms: list[tuple[int, str]] = field(default_factory=list)
    # the batch on the audit events (None for a dry run)
    batch: Batch | None = None

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
        fresh, taken = split_existing(conn, valid)
        self.refused.extend(taken)
        self.refused.sort(key=lambda refusal: refusal.line)
        self.valid += len(fresh)
        self.no_sms.extend(
            (row.line, row.mobile) for row in fresh if row.mobile and not row.sms_capable
        )
        return fresh


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
    with _StopOnInterrupt(report) as stop, _long_lived_objects_frozen(), ExitStack() as stack:
        if not dry_run:
            report.batch = stack.enter_context(audit_batch(str(path)))
        _import(store, path, report, stop, progress)
    return report


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist before the import.

    An import allocates millions of short-lived objects, and each full collection
    would walk again every module, table and metadata object loaded so far
    (a third of the machine's time deciding new accounts); frozen before the
    worker processes fork, they are skipped there too. Unfrozen afterwards, so
    that an import run in a long-lived process leaves the collector as it was.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _import(
    store: Store,
    path: Path,
    report: ImportReport,
    stop: _StopOnInterrupt,
    progress: Progress | None,
) -> None:
    """Check then write (stop), check and write batch by batch (skip), or only check."""
    today = store.now().date()
    total = count_lines(path) if progress else 0
    first_phase = "check" if report.dry_run or report.stop_on_error else "import"
    tick = _tick(progress, first_phase, total)
    if report.stop_on_error and not report.dry_run:
        _check_then_write(store, path, report, stop, progress, tick)
        return
    checked = stop.between(_checked_batches(path, today, tick))
    if report.dry_run:
        for batch in checked:
            with store.read() as conn:
                report.refuse_taken(report.count(batch), conn)
    else:
        for batch in checked:
            with store.write() as conn:
                lock_accounts(conn)
                fresh = report.refuse_taken(report.count(batch), conn)
                insert_accounts(store, conn, fresh, path.name)
            report.imported += len(fresh)


def _check_then_write(
    store: Store,
    path: Path,
    report: ImportReport,
    stop: _StopOnInterrupt,
    progress: Progress | None,
    tick: Tick,
) -> None:
    """The whole file checked and decided into the staging tables, then, if no
    row was refused, written batch by batch."""
    with staging(store) as staged:
        work = partial(check_and_decide, creation_context(store), path.name, staged.dialect_name)
        for decided in stop.between(_decided_batches(path, store.now().date(), work, tick)):
            report.rows += decided.rows
            report.refused.extend(decided.refused)
            staged.add(decided)
        repeats = staged.repeats()
        repeated = {refusal.line for refusal in repeats}
        taken = [refusal for refusal in staged.taken() if refusal.line not in repeated]
        report.refused.extend([*repeats, *taken])
        report.refused.sort(key=lambda refusal: refusal.line)
        report.valid, report.no_sms = staged.valid(repeated | {r.line for r in taken})
        if not report.refused and not report.interrupted:
            write_staged(staged, report, stop, progress)


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


def write_staged(
    staged: Staging, report: ImportReport, stop: _StopOnInterrupt, progress: Progress | None
) -> None:
    """Write the staged rows a batch at a time; stop at a batch whose row someone
    created meanwhile (rolled back whole), reporting that row as a duplicate."""
    tick = _tick(progress, "import", report.valid)
    for first, last, count in stop.between(iter(staged.ranges)):
        try:
            staged.write(first, last)
        except IntegrityError:  # rolled back: say which rows someone created meanwhile
            taken = staged.taken(first, last)
            if not taken:
                raise
            report.refused.extend(taken)
            report.valid -= len(taken)
            return
        report.imported += count
        tick(report.imported)


def _tick(progress: Progress | None, phase: str, total: int) -> Tick:
    if progress is None:
        return lambda done: None
    progress(phase, 0, total)
    return lambda done: progress(phase, done, total)


def _checked_batches(path: Path, today: date, tick: Tick) -> Iterator[list[Checked]]:
    """The file's rows, checked, batch by batch in order; duplicates in the file refused."""
    done = 0
    with open_file(path) as handle, FirstLines() as first_lines:
        columns, delimiter = header(handle, path)
        check = partial(check_batch, columns, today)
        for batch in map_in_order(check, raw_batches(handle, path, delimiter)):
            yield first_lines.refuse_repeats(batch)
            done += len(batch)
            tick(done)


def _decided_batches(
    path: Path, today: date, work: Callable[..., Decided], tick: Tick
) -> Iterator[Decided]:
    """The file's rows checked and decided (`staging.check_and_decide`), batch by
    batch in order (the repeats within the file are found once staged)."""
    done = 0
    with open_file(path) as handle:
        columns, delimiter = header(handle, path)
        batches = raw_batches(handle, path, delimiter)
        for decided in map_in_order(partial(work, columns, today), batches):
            yield decided
            done += decided.rows
            tick(done)
