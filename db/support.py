"""Support staff's actions: edit, disable, enable and unlock accounts, one or many.

Every change, dry runs included, goes through the unit of work
(`db.unit_of_work.run_step`) with the support actor and reason, like the
member's own commands. The read-only
views are in `db.listing` and `db.audit_log`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.account_view import AccountView
from db.batch import Batch, audit_batch
from db.listing import AccountFilter, filter_arms
from db.schema import accounts
from db.store import Store
from db.unit_of_work import EventFor, Named, QueuedMessage, Result, fresh_secrets, run_step
from engine.effective import effective_account, live_flow
from engine.errors import SesameError, invalid
from engine.events import (
    ChannelsChanged,
    DisabledBySupport,
    EnabledBySupport,
    ResetSentBySupport,
    UnlockedBySupport,
)
from engine.identity import Identifier, Nir, Phone, parse_identifier
from engine.model import Account, AccountState, Channel, Flow
from engine.outcomes import Code


def _check_reason(reason: str) -> str:
    """The support reason goes to the audit log: it must say something."""
    text = reason.strip()
    if not text:
        raise invalid("reason_empty")
    return text


# --- support actions: edit, disable, enable, unlock ----------------------------------


@dataclass(frozen=True)
class ChannelEdit:
    """Which channels change; a None value removes the channel."""

    change_email: bool = False
    email: str | None = None
    change_mobile: bool = False
    phone: Phone | None = None
    language: str | None = None  # None: unchanged

    def event(self, account: Account, reason: str) -> ChannelsChanged:
        email = self.email if self.change_email else account.email
        if not self.change_mobile:
            return ChannelsChanged(
                email, account.mobile, account.sms_capable, reason, self.language
            )
        phone = self.phone
        mobile, sms_capable = phone.e164 if phone else None, bool(phone and phone.sms_capable)
        return ChannelsChanged(email, mobile, sms_capable, reason, self.language)


@dataclass(frozen=True)
class SupportResult:
    """What a support action did (`code`), the account after it, and any reset sent."""

    code: str
    view: AccountView
    reset: Flow | None = None
    identity_failures_cleared: int = 0
    # The message carrying the reset's secret (its id, and its file with the files transport).
    reset_message: QueuedMessage | None = None


def _act(store: Store, ident: Identifier, event: EventFor) -> tuple[Result, AccountView]:
    """One step; the account as the step left it, without reading it again."""
    result = run_step(store, Named(ident), event)
    now = store.now()
    view = AccountView(effective_account(result.account, now), live_flow(result.open_flow, now))
    return result, view


def edit_channels(store: Store, ident: Identifier, edit: ChannelEdit, reason: str) -> SupportResult:
    """New contact channels; an email already registered elsewhere is `account_exists`."""
    why = _check_reason(reason)
    try:
        result, view = _act(store, ident, lambda account: edit.event(account, why))
    except IntegrityError:
        raise SesameError(Code.ACCOUNT_EXISTS) from None
    return SupportResult(result.outcome.code, view)


def disable(store: Store, ident: Identifier, reason: str) -> SupportResult:
    why = _check_reason(reason)
    result, view = _act(store, ident, lambda _: DisabledBySupport(why))
    return SupportResult(result.outcome.code, view)


def enable(store: Store, ident: Identifier, reason: str) -> SupportResult:
    why = _check_reason(reason)
    result, view = _act(store, ident, lambda _: EnabledBySupport(why))
    return SupportResult(result.outcome.code, view)


def unlock(
    store: Store, ident: Identifier, reason: str, send_reset: Channel | None
) -> SupportResult:
    """Lift the lock; with `send_reset`, the member's own channel gets the secret."""
    why = _check_reason(reason)
    event = UnlockedBySupport(why, send_reset, fresh_secrets())
    result, view = _act(store, ident, lambda _: event)
    reset = result.flow if send_reset else None
    return SupportResult(
        result.outcome.code,
        view,
        reset,
        result.outcome.identity_failures_cleared,
        result.message_of(reset),
    )


def send_reset(store: Store, ident: Identifier, reason: str, channel: Channel) -> SupportResult:
    """A temporary password or link to the member's own channel; the lock stays."""
    why = _check_reason(reason)
    event = ResetSentBySupport(why, channel, fresh_secrets())
    result, view = _act(store, ident, lambda _: event)
    return SupportResult(
        result.outcome.code, view, result.flow, reset_message=result.message_of(result.flow)
    )


# --- bulk unlock ---------------------------------------------------------------------

BULK_OUTCOMES = ("unlocked", "not_locked", "not_found", "failed")


@dataclass(frozen=True)
class AllLocked:
    """Every account locked now, optionally only those locked in a window
    (`since` inclusive, `until` exclusive)."""

    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class FromFile:
    """One NIR or email per line, or a CSV whose header names a `nir` or `id` column."""

    path: Path


@dataclass(frozen=True)
class BulkLine:
    line: int | None
    text: str
    ident: Identifier | None = None
    error: SesameError | None = None


@dataclass(frozen=True)
class BulkItem:
    line: int | None
    text: str
    nir: str | None
    outcome: str
    error: SesameError | None = None


@dataclass
class BulkReport:
    dry_run: bool
    items: list[BulkItem] = field(default_factory=list)
    # the batch id on the audit events (None for a dry run: nothing was written)
    batch: Batch | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def complete(self) -> bool:
        """Every line was unlocked or was not locked."""
        return all(item.outcome in ("unlocked", "not_locked") for item in self.items)


Progress = Callable[[Sequence[BulkLine]], AbstractContextManager[Iterable[BulkLine]]]


def bulk_unlock(
    store: Store,
    source: AllLocked | FromFile,
    reason: str,
    *,
    dry_run: bool,
    progress: Progress,
) -> BulkReport:
    """One transaction and one audit event per account; `dry_run` only predicts."""
    why = _check_reason(reason)
    work = read_unlock_file(source.path) if isinstance(source, FromFile) else _locked(store, source)
    report = BulkReport(dry_run)
    with ExitStack() as stack:
        if not dry_run:
            report.batch = stack.enter_context(audit_batch(_source_name(source)))
        with progress(work) as lines:
            for line in lines:
                report.items.append(_unlock_line(store, line, why, dry_run))
    return report


def _source_name(source: AllLocked | FromFile) -> str | None:
    """The file a bulk action read, as it was named (None: --all-locked)."""
    return str(source.path) if isinstance(source, FromFile) else None


def _locked(store: Store, source: AllLocked) -> list[BulkLine]:
    now = store.now()
    filters = AccountFilter(
        state=AccountState.LOCKED, locked_since=source.since, locked_until=source.until
    )
    [arm] = filter_arms(filters, now)
    query = select(accounts.c.nir).where(*arm).order_by(accounts.c.id)
    with store.read() as conn:
        nirs = list(conn.execute(query).scalars())
    return [BulkLine(None, nir, Identifier(nir=Nir(nir), email=None)) for nir in nirs]


def read_unlock_file(path: Path) -> list[BulkLine]:
    """Identifiers with their line numbers; blank lines skipped, a header recognised."""
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise invalid("file", path=str(path), detail=detail or str(exc)) from None
    numbered = [(n, raw) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not numbered:
        return []
    first = numbered[0][1]
    delimiter = next((d for d in ",;\t" if d in first), ",")
    header = [cell.strip().lower() for cell in next(csv.reader([first], delimiter=delimiter))]
    column = "nir" if "nir" in header else "id" if "id" in header else None
    if column is None:
        return [_bulk_line(n, raw.strip()) for n, raw in numbered]
    index = header.index(column)
    lines = []
    for number, raw in numbered[1:]:
        cells = next(csv.reader([raw], delimiter=delimiter))
        lines.append(_bulk_line(number, cells[index].strip() if index < len(cells) else ""))
    return lines


def _bulk_line(number: int, text: str) -> BulkLine:
    try:
        return BulkLine(number, text, parse_identifier(text))
    except SesameError as exc:
        return BulkLine(number, text, error=exc)


def _unlock_line(store: Store, line: BulkLine, reason: str, dry_run: bool) -> BulkItem:
    if line.ident is None:
        return BulkItem(line.line, line.text, None, "failed", line.error)
    event = UnlockedBySupport(reason, None, fresh_secrets())
    try:
        result = run_step(store, Named(line.ident), event, dry_run=dry_run, refuse=False)
    except SesameError as exc:
        if exc.code == "not_found":
            return BulkItem(line.line, line.text, None, "not_found")
        return BulkItem(line.line, line.text, None, "failed", exc)
    nir, code = result.account.nir, result.outcome.code
    if code in ("unlocked", "not_locked"):
        return BulkItem(line.line, line.text, nir, code)
    return BulkItem(line.line, line.text, nir, "failed", SesameError(code))
