"""Support staff's tools: find, inspect, change and unlock accounts, read the audit log,
and the dashboard.

Reads are single read-only transactions whose filters follow the indexes of
migration 0002, so they stay fast on a million accounts. Every change goes
through the unit of work (load → `engine.step` → save) with the support
actor and reason, like the member's own commands.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.exc import IntegrityError

from db import rows
from db.accounts import AccountView, account_status
from db.schema import accounts, audit_events, flows, outbox
from db.store import Store
from db.unit_of_work import Result, apply_event, finish, fresh_secrets
from engine.errors import SesameError, invalid
from engine.identity import Identifier, Nir, Phone, parse_identifier
from engine.machine import Context, effective_account, live_flow, step
from engine.model import (
    OPEN_FLOW_STATES,
    Account,
    AccountState,
    Channel,
    ChannelsChanged,
    DisabledBySupport,
    EnabledBySupport,
    Event,
    Flow,
    UnlockedBySupport,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Row

# --- when: "30m", "2h", "7d" ago, or a date / ISO datetime ---------------------------


def _check_reason(reason: str) -> str:
    """The support reason goes to the audit log: it must say something."""
    text = reason.strip()
    if not text:
        raise invalid("reason_empty")
    return text


# --- account list --------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFilter:
    state: AccountState | None = None
    locked_since: datetime | None = None
    has_flow: bool = False


@dataclass(frozen=True)
class AccountPage:
    views: list[AccountView]
    total: int


def _state_arms(state: AccountState, now: datetime) -> list[list[ColumnElement[bool]]]:
    """The state the member experiences (an ended time-limited lock is active), as
    disjoint index-friendly conjunctions: an OR would make SQLite sort every row."""
    c = accounts.c
    if state is AccountState.LOCKED:
        return [[c.state == "locked", or_(c.locked_until.is_(None), c.locked_until > now)]]
    if state is AccountState.ACTIVE:
        return [[c.state == "active"], [c.state == "locked", c.locked_until <= now]]
    return [[c.state == state.value]]


def _arms(filters: AccountFilter, now: datetime) -> list[list[ColumnElement[bool]]]:
    """The filter as a union of disjoint conjunctions, each starting from an index
    (state, state+locked_at, or flows.state for the open flows)."""
    common: list[ColumnElement[bool]] = []
    if filters.locked_since is not None:
        common.append(accounts.c.locked_at >= filters.locked_since)
    if filters.has_flow:
        open_flows = select(flows.c.account_id).where(
            flows.c.state.in_(OPEN_FLOW_STATES), flows.c.expires_at > now
        )
        common.append(accounts.c.id.in_(open_flows))
    state = filters.state
    if state is None and filters.locked_since is not None:
        state = AccountState.LOCKED
    if state is None:
        return [common]
    return [[*arm, *common] for arm in _state_arms(state, now)]


def _newest_first(arms: list[list[ColumnElement[bool]]]) -> Any:
    """Accounts matching any arm, newest first: each arm walks its index in id order
    and SQLite merges them (MERGE UNION ALL), so a page never sorts the table."""
    if len(arms) == 1:
        return select(accounts).where(*arms[0]).order_by(accounts.c.id.desc())
    union = union_all(*(select(accounts).where(*arm) for arm in arms))
    return union.order_by(union.selected_columns.id.desc())


def list_accounts(store: Store, filters: AccountFilter, limit: int, offset: int) -> AccountPage:
    """One page, newest account first, and the number of matching accounts."""
    if filters.locked_since is not None and filters.state not in (None, AccountState.LOCKED):
        raise invalid("options_conflict", options="--locked-since, --state")
    now = store.now()
    arms = _arms(filters, now)
    page = _newest_first(arms).limit(limit).offset(offset)
    with store.read() as conn:
        found = [rows.account_from_row(row) for row in conn.execute(page)]
        total = sum(
            conn.execute(select(func.count()).select_from(accounts).where(*arm)).scalar_one()
            for arm in arms
        )
        open_by_account = _open_flows(conn, [account.id for account in found])
    views = [
        AccountView(effective_account(a, now), live_flow(open_by_account.get(a.id), now))
        for a in found
    ]
    return AccountPage(views, total)


def _open_flows(conn: Connection, account_ids: list[int]) -> dict[int, Flow]:
    if not account_ids:
        return {}
    query = select(flows).where(
        flows.c.account_id.in_(account_ids), flows.c.state.in_(OPEN_FLOW_STATES)
    )
    return {row.account_id: rows.flow_from_row(row) for row in conn.execute(query)}


# --- account show and the audit log ---------------------------------------------------


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    nir: str | None
    flow_id: str | None
    event: str
    state_before: str | None
    state_after: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class SentMessage:
    """An outbox row as support may see it: no body, no secret."""

    id: str
    channel: str
    recipient: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class AccountDetail:
    view: AccountView
    events: list[AuditEvent]
    messages: list[SentMessage]


SHOW_LAST = 10


def _event_from_row(row: Row[Any]) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        nir=row.nir,
        flow_id=row.flow_id,
        event=row.event,
        state_before=row.state_before,
        state_after=row.state_after,
        detail=json.loads(row.detail or "{}"),
    )


def _events_query() -> Any:
    return select(audit_events, accounts.c.nir).outerjoin(
        accounts, accounts.c.id == audit_events.c.account_id
    )


def account_detail(store: Store, ident: Identifier) -> AccountDetail:
    """`status`, plus the account's last audit events and messages, oldest first."""
    view = account_status(store, ident)
    account_id = view.account.id
    events = (
        _events_query()
        .where(audit_events.c.account_id == account_id)
        .order_by(audit_events.c.id.desc())
        .limit(SHOW_LAST)
    )
    messages = (
        select(
            outbox.c.id, outbox.c.channel, outbox.c.recipient, outbox.c.status, outbox.c.created_at
        )
        .where(outbox.c.account_id == account_id)
        .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())
        .limit(SHOW_LAST)
    )
    with store.read() as conn:
        found_events = [_event_from_row(row) for row in conn.execute(events)]
        found_messages = [
            SentMessage(row.id, row.channel, row.recipient, row.status, row.created_at)
            for row in conn.execute(messages)
        ]
    return AccountDetail(view, found_events[::-1], found_messages[::-1])


@dataclass(frozen=True)
class AuditFilter:
    ident: Identifier | None = None
    since: datetime | None = None
    until: datetime | None = None
    events: tuple[str, ...] = ()
    actor: str | None = None


def _audit_conditions(conn: Connection, filters: AuditFilter) -> list[ColumnElement[bool]]:
    c = audit_events.c
    conditions: list[ColumnElement[bool]] = []
    if filters.ident is not None:
        account = rows.find_account(conn, filters.ident)
        if account is None:
            raise SesameError("not_found")
        conditions.append(c.account_id == account.id)
    if filters.since is not None:
        conditions.append(c.at >= filters.since)
    if filters.until is not None:
        conditions.append(c.at < filters.until)
    if filters.events:
        conditions.append(c.event.in_(filters.events))
    if filters.actor is not None:
        conditions.append(c.actor == filters.actor)
    return conditions


@dataclass(frozen=True)
class AuditPage:
    """The events, oldest first, and the newest event id of the whole log at that
    moment (where `--follow` goes on from)."""

    events: list[AuditEvent]
    last_id: int


def audit_log(store: Store, filters: AuditFilter, limit: int) -> AuditPage:
    """The newest `limit` matching events, returned oldest first."""
    with store.read() as conn:
        last_id = _last_event_id(conn)
        query = (
            _events_query()
            .where(audit_events.c.id <= last_id, *_audit_conditions(conn, filters))
            .order_by(audit_events.c.id.desc())
            .limit(limit)
        )
        found = [_event_from_row(row) for row in conn.execute(query)]
    return AuditPage(found[::-1], last_id)


def follow_audit(
    store: Store, filters: AuditFilter, after_id: int, interval: float = 1.0
) -> Iterator[list[AuditEvent]]:
    """Forever: every `interval` seconds, the matching events written since the last
    look (each poll reads only the new ids, however selective the filters)."""
    last = after_id
    while True:
        time.sleep(interval)
        with store.read() as conn:
            newest = _last_event_id(conn)
            query = (
                _events_query()
                .where(
                    audit_events.c.id > last,
                    audit_events.c.id <= newest,
                    *_audit_conditions(conn, filters),
                )
                .order_by(audit_events.c.id)
            )
            found = [_event_from_row(row) for row in conn.execute(query)]
        last = newest
        if found:
            yield found


def _last_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(audit_events.c.id), 0))).scalar_one())


# --- the dashboard -------------------------------------------------------------------

OUTBOX_STATUSES = ("queued", "sent", "failed", "abandoned")


@dataclass(frozen=True)
class FlowCount:
    state: str
    channel: str | None
    count: int


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    accounts: dict[str, int]
    locks_last_24h: int
    open_flows: list[FlowCount]
    outbox: dict[str, int]
    oldest_queued_at: datetime | None


def dashboard(store: Store) -> Dashboard:
    """Counts for the support team's morning look; every query reads an index."""
    now = store.now()
    a, f, o = accounts.c, flows.c, outbox.c
    with store.read() as conn:
        by_state: dict[str, int] = {
            state: count
            for state, count in conn.execute(select(a.state, func.count()).group_by(a.state))
        }
        lock_ended = conn.execute(
            select(func.count()).where(a.state == "locked", a.locked_until <= now)
        ).scalar_one()
        locks = conn.execute(
            select(func.count()).where(
                audit_events.c.event == "account_locked",
                audit_events.c.at > now - timedelta(days=1),
            )
        ).scalar_one()
        flow_counts = [
            FlowCount(state, channel, count)
            for state, channel, count in conn.execute(
                select(f.state, f.channel, func.count())
                .where(f.state.in_(OPEN_FLOW_STATES), f.expires_at > now)
                .group_by(f.state, f.channel)
                .order_by(f.state, f.channel)
            )
        ]
        by_status: dict[str, int] = {
            status: count
            for status, count in conn.execute(select(o.status, func.count()).group_by(o.status))
        }
        oldest = conn.execute(
            select(o.created_at).where(o.status == "queued").order_by(o.created_at).limit(1)
        ).scalar()
    counts = {state.value: int(by_state.get(state.value, 0)) for state in AccountState}
    counts["locked"] -= lock_ended
    counts["active"] += lock_ended
    statuses = {status: 0 for status in OUTBOX_STATUSES}
    statuses.update({status: int(count) for status, count in by_status.items()})
    return Dashboard(
        now=now,
        accounts=counts,
        locks_last_24h=int(locks),
        open_flows=flow_counts,
        outbox=statuses,
        oldest_queued_at=oldest,
    )


# --- support actions: edit, disable, enable, unlock ----------------------------------


@dataclass(frozen=True)
class ChannelEdit:
    """Which channels change; a None value removes the channel."""

    change_email: bool = False
    email: str | None = None
    change_mobile: bool = False
    phone: Phone | None = None

    def event(self, account: Account, reason: str) -> ChannelsChanged:
        email = self.email if self.change_email else account.email
        if not self.change_mobile:
            return ChannelsChanged(email, account.mobile, account.sms_capable, reason)
        phone = self.phone
        return ChannelsChanged(
            email, phone.e164 if phone else None, bool(phone and phone.sms_capable), reason
        )


@dataclass(frozen=True)
class SupportResult:
    """What a support action did (`code`), the account after it, and any reset sent."""

    code: str
    view: AccountView
    reset: Flow | None = None


def _act(
    store: Store, ident: Identifier, event_for: Callable[[Account], Event]
) -> tuple[Result, AccountView]:
    """Load, step, save; after commit deliver, refuse or report the account as it now is."""
    with store.write() as conn:
        account = rows.find_account(conn, ident, for_update=True)
        if account is None:
            raise SesameError("not_found")
        flow = rows.open_flow(conn, account.id, for_update=True)
        decision, message_ids = apply_event(store, conn, account, flow, event_for(account))
    result = finish(store, decision, message_ids, ident)
    return result, account_status(store, Identifier(nir=Nir(result.account.nir), email=None))


def edit_channels(store: Store, ident: Identifier, edit: ChannelEdit, reason: str) -> SupportResult:
    """New contact channels; an email already registered elsewhere is `account_exists`."""
    why = _check_reason(reason)
    try:
        result, view = _act(store, ident, lambda account: edit.event(account, why))
    except IntegrityError:
        raise SesameError("account_exists") from None
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
    return SupportResult(result.outcome.code, view, result.flow if send_reset else None)


# --- bulk unlock ---------------------------------------------------------------------

BULK_OUTCOMES = ("unlocked", "not_locked", "not_found", "failed")


@dataclass(frozen=True)
class AllLocked:
    """Every account locked now, optionally only those locked since a moment."""

    since: datetime | None = None


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


@dataclass(frozen=True)
class BulkReport:
    dry_run: bool
    items: list[BulkItem] = field(default_factory=list)

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
    with progress(work) as lines:
        for line in lines:
            report.items.append(_unlock_line(store, line, why, dry_run))
    return report


def _locked(store: Store, source: AllLocked) -> list[BulkLine]:
    now = store.now()
    filters = AccountFilter(state=AccountState.LOCKED, locked_since=source.since)
    [arm] = _arms(filters, now)
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
        if dry_run:
            nir, code = _predict(store, line.ident, event)
        else:
            nir, code = _apply(store, line.ident, event)
    except SesameError as exc:
        return BulkItem(line.line, line.text, None, "failed", exc)
    if nir is None:
        return BulkItem(line.line, line.text, None, "not_found")
    if code in ("unlocked", "not_locked"):
        return BulkItem(line.line, line.text, nir, code)
    return BulkItem(line.line, line.text, nir, "failed", SesameError(code))


def _apply(store: Store, ident: Identifier, event: Event) -> tuple[str | None, str]:
    with store.write() as conn:
        account = rows.find_account(conn, ident, for_update=True)
        if account is None:
            return None, "not_found"
        flow = rows.open_flow(conn, account.id, for_update=True)
        decision, _ = apply_event(store, conn, account, flow, event)
    return account.nir, decision.outcome.code


def _predict(store: Store, ident: Identifier, event: Event) -> tuple[str | None, str]:
    """The engine's decision on the current rows, saved nowhere."""
    now = store.now()
    settings = store.settings
    with store.read() as conn:
        account = rows.find_account(conn, ident)
        if account is None:
            return None, "not_found"
        snapshot = rows.snapshot(conn, account, rows.open_flow(conn, account.id), now)
    decision = step(snapshot, event, Context(now, settings.policy, settings.lang))
    return account.nir, decision.outcome.code
