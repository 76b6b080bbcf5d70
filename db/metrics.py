"""What `sesame metrics` and the web server's `/metrics` expose: counts read from
the database, in the Prometheus text format written by `prometheus_client`.

Every figure is a gauge read at the moment of the scrape (a count over the last
hour or day can go down). The names, labels and what each one counts are in
docs/operations.md ("Metrics"); `METRIC_NAMES` is their list, held by a test.

Each count reads an index (docs/performance.md gives the plans and timings on
1,000,000 accounts): accounts by effective state, audit events by name and time,
open flows by state, outbox messages by status, channel and delivery time,
refusals by minute (migration 0011).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from db.effective_state import state_arms
from db.refusals import refusals_since
from db.schema import accounts, audit_events, flows, outbox
from engine.audit_events import AUDIT_EVENTS
from engine.counted import Counted
from engine.outbox_status import MessageStatus
from engine.states import OPEN_FLOW_STATES, AccountState, Channel, FlowState

if TYPE_CHECKING:
    from prometheus_client.core import GaugeMetricFamily
    from prometheus_client.registry import Collector
    from sqlalchemy import Connection

    from db.store import Store

# The windows of the counts over time: label value -> length.
WINDOWS: dict[str, timedelta] = {"1h": timedelta(hours=1), "24h": timedelta(days=1)}


def _event(name: str) -> str:
    """An audit event name, checked against engine.audit_events at import: a
    renamed event cannot leave a metric silently at 0."""
    if name not in AUDIT_EVENTS:
        raise AssertionError(f"unknown audit event {name!r}")
    return name


# Which audit events count as a lock or an unlock, and of which kind.
LOCK_EVENTS = {_event(Counted.ACCOUNT_LOCKED): "failures", _event("account_disabled"): "support"}
# account_unlocked with a flow is the member's recovery; without, support's.
UNLOCK_EVENTS = {_event("account_enabled"): "support", _event("lock_expired"): "expiry"}
UNLOCKED = _event("account_unlocked")
ABANDONED = _event("message_abandoned")
IDENTITY_FAILED = _event(Counted.IDENTITY_FAILED)

CHANNELS = tuple(c.value for c in Channel)
_CHANNELLED = (FlowState.CODE_SENT, FlowState.VERIFIED)
UNSENT = tuple(s.value for s in MessageStatus if s is not MessageStatus.SENT)
_WINDOWED = (*LOCK_EVENTS, *UNLOCK_EVENTS, UNLOCKED, ABANDONED, IDENTITY_FAILED)

PREFIX = "sesame_"
METRIC_NAMES = (
    "sesame_accounts",
    "sesame_locks",
    "sesame_unlocks",
    "sesame_open_flows",
    "sesame_outbox_messages",
    "sesame_messages_sent",
    "sesame_outbox_oldest_queued_age_seconds",
    "sesame_delivery_failures",
    "sesame_identity_check_failures",
    "sesame_rate_limit_refusals",
)


@dataclass
class Counts:
    """Everything the exposition shows, read in one transaction."""

    now: datetime
    accounts: dict[str, int] = field(default_factory=dict)
    # (event family, kind, window) -> count
    windowed: dict[tuple[str, str, str], int] = field(default_factory=dict)
    flows: dict[tuple[str, str], int] = field(default_factory=dict)
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)
    sent: dict[tuple[str, str], int] = field(default_factory=dict)
    oldest_queued: datetime | None = None


def read_counts(store: Store) -> Counts:
    now = store.now()
    counts = Counts(now)
    with store.read() as conn:
        counts.accounts = _accounts(conn, now)
        counts.windowed = _windowed(conn, now)
        for window, length in WINDOWS.items():
            refused = refusals_since(conn, now - length)
            counts.windowed[("rate_limit_refusals", "", window)] = refused
        counts.flows = _flows(conn, now)
        counts.outbox = _outbox(conn)
        counts.sent = _sent(conn, now)
        oldest = select(func.min(outbox.c.created_at)).where(
            outbox.c.status == MessageStatus.QUEUED
        )
        counts.oldest_queued = conn.execute(oldest).scalar_one()
    return counts


def _accounts(conn: Connection, now: datetime) -> dict[str, int]:
    """Accounts by effective state: a time-limited lock that has ended is active."""
    found: dict[str, int] = {}
    for state in AccountState:
        found[state.value] = sum(
            conn.execute(select(func.count()).select_from(accounts).where(*arm)).scalar_one()
            for arm in state_arms(state, now)
        )
    return found


def _windowed(conn: Connection, now: datetime) -> dict[tuple[str, str, str], int]:
    """The audit events of the last day (and hour), by family and kind."""
    c = audit_events.c
    hour_ago, day_ago = now - WINDOWS["1h"], now - WINDOWS["24h"]
    in_hour = func.sum(case((c.at > hour_ago, 1), else_=0))
    # Only an unlock needs its row (the flow says whose); the rest is counted in the index.
    plain = (
        select(c.event, in_hour, func.count())
        .where(c.event.in_([e for e in _WINDOWED if e != UNLOCKED]), c.at > day_ago)
        .group_by(c.event)
    )
    by_flow = (
        select(c.flow_id.is_(None), in_hour, func.count())
        .where(c.event == UNLOCKED, c.at > day_ago)
        .group_by(c.flow_id.is_(None))
    )
    found: dict[tuple[str, str, str], int] = {}

    def add(family: str, kind: str, hour: Any, day: Any) -> None:
        for window, count in (("1h", hour), ("24h", day)):
            key = (family, kind, window)
            found[key] = found.get(key, 0) + int(count or 0)

    for event, hour, day in conn.execute(plain):
        if event in LOCK_EVENTS:
            add("locks", LOCK_EVENTS[event], hour, day)
        elif event in UNLOCK_EVENTS:
            add("unlocks", UNLOCK_EVENTS[event], hour, day)
        elif event == ABANDONED:
            add("delivery_failures", "", hour, day)
        else:
            add("identity_check_failures", "", hour, day)
    for by_support, hour, day in conn.execute(by_flow):
        add("unlocks", "support" if by_support else "recovery", hour, day)
    return found


def _flows(conn: Connection, now: datetime) -> dict[tuple[str, str], int]:
    """Open flows by state and channel; an expired one is no longer open."""
    c = flows.c
    query = (
        select(c.state, c.channel, func.count())
        .where(c.state.in_(sorted(OPEN_FLOW_STATES)), c.expires_at > now)
        .group_by(c.state, c.channel)
    )
    return {(state, channel or "none"): n for state, channel, n in conn.execute(query)}


def _outbox(conn: Connection) -> dict[tuple[str, str], int]:
    """The messages not sent, by status and channel (sent ones pile up: see `_sent`)."""
    c = outbox.c
    query = (
        select(c.status, c.channel, func.count())
        .where(c.status.in_(UNSENT))
        .group_by(c.status, c.channel)
    )
    return {(status, channel): n for status, channel, n in conn.execute(query)}


def _sent(conn: Connection, now: datetime) -> dict[tuple[str, str], int]:
    """The messages sent in the last hour and day, by channel: (channel, window) -> n."""
    c = outbox.c
    hour_ago, day_ago = now - WINDOWS["1h"], now - WINDOWS["24h"]
    found: dict[tuple[str, str], int] = {}
    for channel in CHANNELS:
        # one range of ix_outbox_status_channel_delivered per channel
        query = select(func.sum(case((c.delivered_at > hour_ago, 1), else_=0)), func.count()).where(
            c.status == MessageStatus.SENT, c.channel == channel, c.delivered_at > day_ago
        )
        hour, day = conn.execute(query).one()
        found[(channel, "1h")], found[(channel, "24h")] = int(hour or 0), int(day)
    return found


def families(counts: Counts) -> Iterator[GaugeMetricFamily]:
    """The metric families, every label value present (0 when nothing counts)."""
    from prometheus_client.core import GaugeMetricFamily

    def gauge(name: str, text: str, labels: list[str]) -> GaugeMetricFamily:
        return GaugeMetricFamily(PREFIX + name, text, labels=labels)

    g = gauge("accounts", "Accounts by effective state (an ended lock is active).", ["state"])
    for state in AccountState:
        g.add_metric([state.value], counts.accounts.get(state.value, 0))
    yield g
    kinds = {
        "locks": ("Locks in the window, by kind.", ["failures", "support"]),
        "unlocks": ("Unlocks in the window, by kind.", ["support", "recovery", "expiry"]),
    }
    for family, (text, names) in kinds.items():
        g = gauge(family, text, ["kind", "window"])
        for kind in names:
            for window in WINDOWS:
                g.add_metric([kind, window], counts.windowed.get((family, kind, window), 0))
        yield g
    g = gauge("open_flows", "Open recovery flows by state and channel.", ["state", "channel"])
    for flow_state, channel in _flow_keys(counts):
        g.add_metric([flow_state, channel], counts.flows.get((flow_state, channel), 0))
    yield g
    g = gauge(
        "outbox_messages",
        "Outbox messages not sent (queued, failed, abandoned), by status and channel.",
        ["status", "channel"],
    )
    for status, channel in _outbox_keys(counts):
        g.add_metric([status, channel], counts.outbox.get((status, channel), 0))
    yield g
    g = gauge(
        "messages_sent", "Messages delivered in the window, by channel.", ["channel", "window"]
    )
    for channel in CHANNELS:
        for window in WINDOWS:
            g.add_metric([channel, window], counts.sent.get((channel, window), 0))
    yield g
    age = 0.0
    if counts.oldest_queued is not None:
        age = max(0.0, (counts.now - counts.oldest_queued).total_seconds())
    yield GaugeMetricFamily(
        PREFIX + "outbox_oldest_queued_age_seconds",
        "Age of the oldest queued message (0 when none is queued).",
        value=age,
    )
    windowed = {
        "delivery_failures": "Messages abandoned after failed deliveries, in the window.",
        "identity_check_failures": "Wrong dates of birth, in the window.",
        "rate_limit_refusals": "Steps refused by a rate limit, in the window (to the minute).",
    }
    for family, text in windowed.items():
        g = gauge(family, text, ["window"])
        for window in WINDOWS:
            g.add_metric([window], counts.windowed.get((family, "", window), 0))
        yield g


def _flow_keys(counts: Counts) -> list[tuple[str, str]]:
    # A flow has its channel once the code is sent.
    fixed = {(FlowState.CHOOSE_CHANNEL.value, "none")}
    fixed |= {(s.value, ch) for s in OPEN_FLOW_STATES for ch in CHANNELS if s in _CHANNELLED}
    return sorted(fixed | set(counts.flows))


def _outbox_keys(counts: Counts) -> list[tuple[str, str]]:
    fixed = {(s, ch) for s in UNSENT for ch in CHANNELS}
    return sorted(fixed | set(counts.outbox))


def collector(store: Store) -> Collector:
    """A collector that reads the database at each scrape (the web server's `/metrics`)."""
    from prometheus_client.registry import Collector

    class SesameCollector(Collector):
        def collect(self) -> Iterator[GaugeMetricFamily]:
            return families(read_counts(store))

    return SesameCollector()


def exposition(store: Store) -> bytes:
    """The Prometheus text format of the counts now (`CONTENT_TYPE` says its type)."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector(store))
    return generate_latest(registry)


def content_type() -> str:
    """The Content-Type of `exposition`'s bytes, for `/metrics`."""
    from prometheus_client import CONTENT_TYPE_LATEST

    return str(CONTENT_TYPE_LATEST)
