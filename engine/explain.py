"""`account explain`: why an account is in its state, from facts the shell loads.

Pure: `db.explain.explanation` reads the facts (the account, its latest failures,
their counts, its last disablement, its open flow and messages) and this module
says which rule put the account where it is, when it unlocks by itself, how the
failures group by kind and source, whether one source looks like a stale client,
and which commands the member and support can run next. The CLI renders it
through the catalogue (`explain.*` keys).

Stale client (docs/support.md): among the password attempts of one source
(`login_failed`, and `login_refused` on a locked account) in the timeline, at
least `STALE_MIN_FAILURES` whose intervals all lie within ±`STALE_TOLERANCE` of
their median, the median at least `STALE_MIN_INTERVAL_SECONDS`: a person does
not retry like a clock, a mail client with a saved old password does. Without a
recorded source, the rule is applied to the password attempts as a whole and
the finding says so (`all_sources`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from statistics import median

from engine.channels import usable_channels
from engine.counted import Counted
from engine.effective import effective_account, effective_state, live_flow
from engine.lockout import counted_failures, counts_locks, lock_rank, permanent_rank
from engine.masks import mask_destination
from engine.model import Account, Flow
from engine.policy import Policy
from engine.states import AccountState, Channel, FlowState

# The timeline: the latest failures shown, analysed by source and for a stale
# client; the counts by kind cover the whole history.
TIMELINE_LAST = 20
MESSAGES_LAST = 5
STALE_MIN_FAILURES = 4
STALE_TOLERANCE = 0.10
STALE_MIN_INTERVAL_SECONDS = 1.0

# Placeholders of a next-step command, filled by the CLI from the catalogue.
DOB = "{dob}"
REASON = "{reason}"


class Kind(StrEnum):
    """What a failure was: the member's password, the temporary password or
    link, the identity check (date of birth), or a login refused while locked."""

    PASSWORD = "password"
    TEMPORARY_PASSWORD = "temporary_password"
    IDENTITY = "identity"
    REFUSED_WHILE_LOCKED = "refused_while_locked"


# The audit events that are failures, and their kind. `flow_cancelled` is one
# only with the reason `too_many_attempts` (the last wrong temporary password).
FAILURE_EVENTS: Mapping[str, Kind] = {
    "login_failed": Kind.PASSWORD,
    "code_rejected": Kind.TEMPORARY_PASSWORD,
    Counted.IDENTITY_FAILED.value: Kind.IDENTITY,
    Counted.LOGIN_REFUSED.value: Kind.REFUSED_WHILE_LOCKED,
}
CANCELLED_EVENT = "flow_cancelled"
CANCELLED_AS_FAILURE = "too_many_attempts"
# The attempts a client with a saved password makes: the stale-client rule reads these.
PASSWORD_ATTEMPTS = frozenset({Kind.PASSWORD, Kind.REFUSED_WHILE_LOCKED})


def failure_kind(event: str, detail: Mapping[str, object]) -> Kind | None:
    """The kind of failure an audit event records, or None if it is not one."""
    if event == CANCELLED_EVENT:
        return Kind.TEMPORARY_PASSWORD if detail.get("reason") == CANCELLED_AS_FAILURE else None
    return FAILURE_EVENTS.get(event)


@dataclass(frozen=True)
class Failure:
    at: datetime
    kind: Kind
    source: str | None = None  # None: not recorded (before sources, or not given)


@dataclass(frozen=True)
class Message:
    """An outbox row as support may see it: the destination masked, no body."""

    id: str
    channel: str
    recipient: str
    status: str
    created_at: datetime

    @property
    def to(self) -> str:
        return mask_destination(self.channel, self.recipient)


@dataclass(frozen=True)
class Facts:
    """What the shell loads for one account (see `db.explain`)."""

    account: Account  # as stored
    flow: Flow | None  # the open flow as stored
    failures: Sequence[Failure]  # the latest TIMELINE_LAST, oldest first
    counts: Mapping[Kind, int]  # every failure of the account, by kind
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    messages: Sequence[Message] = ()  # the latest MESSAGES_LAST, oldest first
    sources_recorded: bool = False  # whether audit events can hold a source
    # The rank its lock event recorded (`lock_count` in its detail; None: not recorded).
    lock_count: int | None = None
    # The lock events of the `lock_reset_seconds` before the lock (to rank an
    # unrecorded one) and the newest wrong passwords of the failure window.
    recent_locks: Sequence[datetime] = ()
    window_failures: Sequence[datetime] = ()


@dataclass(frozen=True)
class Rule:
    """The rule that put the account in its state: `code` names the sentence
    (`explain.rule.<code>`), the other fields are its parameters."""

    code: str
    at: datetime | None = None
    failures: int | None = None
    within_seconds: int | None = None
    max_failed_attempts: int | None = None
    lock_seconds: int | None = None
    unlocks_at: datetime | None = None
    reason: str | None = None
    window_seconds: int | None = None  # failure_window_seconds, when failures count in one
    lock_count: int | None = None  # the lock's rank, when locks have ranks
    lock_reset_seconds: int | None = None
    permanent_after: int | None = None  # the rank of the first lock without end


@dataclass(frozen=True)
class SourceGroup:
    source: str | None
    count: int
    kinds: Mapping[Kind, int]


@dataclass(frozen=True)
class StaleClient:
    source: str | None
    failures: int
    interval_seconds: int
    first: datetime
    last: datetime
    all_sources: bool  # no source recorded: the rule read every password attempt


@dataclass(frozen=True)
class NextStep:
    """A command someone can run: `who` is member or support; `args` may hold
    the DOB and REASON placeholders."""

    who: str
    action: str
    args: tuple[str, ...]
    until: datetime | None = None  # `wait`: when the lock ends by itself


@dataclass(frozen=True)
class Explanation:
    nir: str
    state: AccountState  # effective
    rule: Rule
    unlocks_at: datetime | None
    total_failures: int
    by_kind: Mapping[Kind, int]
    by_source: Sequence[SourceGroup]
    timeline: Sequence[Failure]
    flow: Flow | None
    messages: Sequence[Message]
    stale_clients: Sequence[StaleClient]
    next_steps: Sequence[NextStep]
    sources_recorded: bool

    @property
    def earlier_failures(self) -> int:
        """Failures older than the timeline (counted, not shown)."""
        return max(0, self.total_failures - len(self.timeline))


def explain(facts: Facts, policy: Policy, now: datetime) -> Explanation:
    account = effective_account(facts.account, now)
    state = effective_state(facts.account, now)
    flow = live_flow(facts.flow, now)
    rule = state_rule(facts, policy, now)
    by_kind = {kind: facts.counts.get(kind, 0) for kind in Kind}
    return Explanation(
        nir=account.nir,
        state=state,
        rule=rule,
        unlocks_at=account.locked_until if state is AccountState.LOCKED else None,
        total_failures=sum(by_kind.values()),
        by_kind=by_kind,
        by_source=group_by_source(facts.failures),
        timeline=tuple(facts.failures),
        flow=flow,
        messages=tuple(facts.messages),
        stale_clients=stale_clients(facts.failures, facts.sources_recorded),
        next_steps=next_steps(account, state, flow),
        sources_recorded=facts.sources_recorded,
    )


def state_rule(facts: Facts, policy: Policy, now: datetime) -> Rule:
    """The rule behind the effective state (one sentence of the catalogue)."""
    stored = facts.account
    maximum = policy.max_failed_attempts
    if stored.state is AccountState.DISABLED:
        if facts.disabled_at is None:
            return Rule("disabled_unknown")
        return Rule("disabled", at=facts.disabled_at, reason=facts.disabled_reason)
    if stored.state is AccountState.LOCKED:
        if effective_state(stored, now) is AccountState.ACTIVE:
            rank = this_lock_rank(facts, policy)
            return Rule(
                "lock_expired.ranked" if rank is not None else "lock_expired",
                at=stored.locked_at,
                unlocks_at=stored.locked_until,
                lock_seconds=_lock_length(stored),
                max_failed_attempts=maximum,
                lock_count=rank,
                lock_reset_seconds=policy.lock_reset_seconds if rank is not None else None,
            )
        return _locked_rule(facts, policy)
    window = policy.failure_window_seconds
    if window > 0:
        counted = counted_failures(stored.failed_attempts, facts.window_failures, now, policy)
        return Rule(
            "active_window", failures=counted, max_failed_attempts=maximum, window_seconds=window
        )
    return Rule("active", failures=stored.failed_attempts, max_failed_attempts=maximum)


def _locked_rule(facts: Facts, policy: Policy) -> Rule:
    """`<head>.<tail>`: head `locked_window` (failures counted in a window),
    `locked_within` (their span known) or `locked`; tail `ranked_timed` /
    `ranked_permanent` when locks have ranks, else `timed` / `permanent`."""
    account = facts.account
    count = account.failed_attempts
    within = lock_span(facts.failures, account.locked_at, count)
    window = policy.failure_window_seconds
    head = "locked_window" if window > 0 else "locked_within" if within is not None else "locked"
    rank = this_lock_rank(facts, policy)
    until = "timed" if account.locked_until else "permanent"
    return Rule(
        f"{head}.ranked_{until}" if rank is not None else f"{head}.{until}",
        at=account.locked_at,
        failures=count,
        within_seconds=within,
        max_failed_attempts=policy.max_failed_attempts,
        lock_seconds=_lock_length(account),
        unlocks_at=account.locked_until,
        window_seconds=window if window > 0 else None,
        lock_count=rank,
        lock_reset_seconds=policy.lock_reset_seconds if rank is not None else None,
        permanent_after=(permanent_rank(policy) or rank) if rank is not None else None,
    )


def this_lock_rank(facts: Facts, policy: Policy) -> int | None:
    """The stored lock's rank: as its event recorded it, else as the policy
    counts (`engine.lockout.lock_rank` over the locks before it); None when
    locks have no rank."""
    if facts.lock_count is not None:
        return facts.lock_count
    locked_at = facts.account.locked_at
    if locked_at is None or not counts_locks(policy):
        return None
    return lock_rank([t for t in facts.recent_locks if t < locked_at], locked_at, policy)


def _lock_length(account: Account) -> int:
    """This lock's length in seconds (0: until unlocked), whatever the policy's
    durations: with progressive locks, each lock has its own."""
    if account.locked_at is None or account.locked_until is None:
        return 0
    return int((account.locked_until - account.locked_at).total_seconds())


def lock_span(failures: Sequence[Failure], locked_at: datetime | None, count: int) -> int | None:
    """Seconds from the first of the `count` wrong passwords that locked the
    account to the lock, or None when they are not all in the timeline."""
    if locked_at is None or count < 2:
        return None
    before = [f.at for f in failures if f.kind is Kind.PASSWORD and f.at <= locked_at]
    if len(before) < count:
        return None
    return int((locked_at - before[-count]).total_seconds())


def span_text(seconds: int) -> str:
    """A duration for people, the same in French and English: 45 s, 15 min, 24 h, 2 h 05."""
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def group_by_source(failures: Sequence[Failure]) -> tuple[SourceGroup, ...]:
    """The timeline's failures by source (unknown last), the most frequent first."""
    groups: dict[str | None, dict[Kind, int]] = {}
    for failure in failures:
        kinds = groups.setdefault(failure.source, {})
        kinds[failure.kind] = kinds.get(failure.kind, 0) + 1
    found = [SourceGroup(source, sum(k.values()), k) for source, k in groups.items()]
    return tuple(sorted(found, key=lambda g: (g.source is None, -g.count, g.source or "")))


def stale_clients(failures: Sequence[Failure], sources_recorded: bool) -> tuple[StaleClient, ...]:
    """Each source whose password attempts come at a regular interval (the rule
    in the module's docstring); without any recorded source, all of them as one."""
    attempts = [f for f in failures if f.kind in PASSWORD_ATTEMPTS]
    all_sources = not sources_recorded or all(f.source is None for f in attempts)
    by_source: dict[str | None, list[datetime]] = {}
    for failure in attempts:
        key = None if all_sources else failure.source
        by_source.setdefault(key, []).append(failure.at)
    found = []
    for source, times in by_source.items():
        if source is None and not all_sources:
            continue  # unknown source among known ones: not one client
        interval = regular_interval(times)
        if interval is not None:
            ordered = sorted(times)
            found.append(
                StaleClient(source, len(times), interval, ordered[0], ordered[-1], all_sources)
            )
    return tuple(sorted(found, key=lambda s: s.source or ""))


def regular_interval(times: Sequence[datetime]) -> int | None:
    """The median interval in seconds when every interval lies within the
    tolerance of it, else None."""
    if len(times) < STALE_MIN_FAILURES:
        return None
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in pairwise(ordered)]
    middle = median(gaps)
    if middle < STALE_MIN_INTERVAL_SECONDS:
        return None
    if all(abs(gap - middle) <= STALE_TOLERANCE * middle for gap in gaps):
        return round(middle)
    return None


def next_steps(account: Account, state: AccountState, flow: Flow | None) -> tuple[NextStep, ...]:
    """The exact commands the member, then support, can run from here."""
    nir = account.nir
    steps: list[NextStep] = []
    if flow is not None:
        steps += _flow_steps(account, flow)
    if state is AccountState.LOCKED:
        steps.append(NextStep("member", "unlock", ("sesame", "unlock", nir, "--dob", DOB)))
        if account.locked_until is not None:
            steps.append(NextStep("member", "wait", (), until=account.locked_until))
        steps.append(
            NextStep("support", "unlock", ("sesame", "account", "unlock", nir, "--reason", REASON))
        )
    elif state is AccountState.ACTIVE:
        steps.append(NextStep("member", "login", ("sesame", "login", nir)))
        steps.append(NextStep("member", "forgot", ("sesame", "forgot", nir, "--dob", DOB)))
        if account.failed_attempts:
            args = ("sesame", "account", "unlock", nir, "--reason", REASON)
            steps.append(NextStep("support", "clear_failures", args))
    else:
        steps.append(NextStep("member", "contact_support", ()))
        args = ("sesame", "account", "enable", nir, "--reason", REASON)
        steps.append(NextStep("support", "enable", args))
    return tuple(sorted(steps, key=lambda s: s.who != "member"))


def _flow_steps(account: Account, flow: Flow) -> list[NextStep]:
    """The open flow's next command: choose a channel, or type what was sent."""
    if flow.state is FlowState.CHOOSE_CHANNEL:
        return [
            NextStep(
                "member",
                f"send_code.{channel.value}",
                ("sesame", "send-code", flow.id, "--channel", channel.value),
            )
            for channel in usable_channels(account)
        ]
    if flow.channel is Channel.SMS:
        return [NextStep("member", "reset_sms", ("sesame", "reset", account.nir))]
    return [NextStep("member", "reset_email", ("sesame", "reset", "--token", "-"))]


def lock_count(facts: Facts, policy: Policy, now: datetime) -> int | None:
    """`status`'s lock count: on a locked account, its lock's rank; else the
    locks of the last `lock_reset_seconds`, those the next lock counts on
    (an ended lock keeps its place); None when locks have no rank."""
    if effective_state(facts.account, now) is AccountState.LOCKED:
        return this_lock_rank(facts, policy)
    if not counts_locks(policy):
        return None
    return lock_rank(facts.recent_locks, now, policy) - 1
