"""`account explain`'s engine: the sentence of each rule, the grouping, the
stale-client rule and the next commands, table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.explain import (
    Facts,
    Failure,
    Kind,
    NextStep,
    explain,
    failure_kind,
    group_by_source,
    lock_count,
    lock_span,
    regular_interval,
    span_text,
    stale_clients,
)
from engine.explain_text import action_label, command_line, sentence
from engine.model import Account, Flow
from engine.policy import Policy
from engine.states import AccountState, Channel, FlowKind, FlowState

NOW = datetime(2026, 11, 26, 10, 30, 0, tzinfo=UTC)
LOCKED_AT = datetime(2026, 11, 26, 10, 2, 14, tzinfo=UTC)
NIR = "295109912611193"


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M:%S")


def account(**changes: object) -> Account:
    base = Account(
        id=1,
        nir=NIR,
        birth_date=date(1995, 10, 15),
        email="marie.dupont@orange.fr",
        mobile="0612344208",
        sms_capable=True,
        password_hash="x",
        state=AccountState.ACTIVE,
        failed_attempts=0,
        locked_at=None,
        locked_until=None,
        last_login_at=None,
        password_changed_at=None,
        created_at=NOW - timedelta(days=30),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def at(seconds_before_lock: float) -> datetime:
    return LOCKED_AT - timedelta(seconds=seconds_before_lock)


THREE_IN_15_MIN = (
    Failure(at(900), Kind.PASSWORD),
    Failure(at(400), Kind.PASSWORD),
    Failure(at(0), Kind.PASSWORD),
)
LOCKED = account(state=AccountState.LOCKED, failed_attempts=3, locked_at=LOCKED_AT)
TIMED = replace(LOCKED, locked_until=LOCKED_AT + timedelta(seconds=3600))


PROGRESSIVE_3RD = replace(LOCKED, locked_until=LOCKED_AT + timedelta(seconds=3600))
WINDOW = Policy(failure_window_seconds=900)
# Three locks in the two hours before LOCKED_AT, one before them.
EARLIER_LOCKS = tuple(LOCKED_AT - timedelta(seconds=s) for s in (9000, 6000, 3000, 600, 0))


def facts(acc: Account, failures: tuple[Failure, ...] = (), **more: object) -> Facts:
    counts: dict[Kind, int] = {}
    for failure in failures:
        counts[failure.kind] = counts.get(failure.kind, 0) + 1
    return Facts(account=acc, flow=None, failures=failures, counts=counts, **more)  # type: ignore[arg-type]


SENTENCES = [
    (
        "locked, permanent, span known",
        facts(LOCKED, THREE_IN_15_MIN),
        Policy(),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe) en 15 min, "
        "politique max_failed_attempts=3 ; bloqué jusqu'au déblocage (par le membre ou le "
        "support).",
        "Locked at 10:02:14 after 3 failed passwords within 15 min, policy "
        "max_failed_attempts=3; permanent until unlocked.",
    ),
    (
        "locked, timed lock",
        facts(TIMED, THREE_IN_15_MIN),
        Policy(lock_seconds=3600),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe) en 15 min, "
        "politique max_failed_attempts=3 ; se débloque de lui-même le 11:02:14 "
        "(lock_seconds=3600).",
        "Locked at 10:02:14 after 3 failed passwords within 15 min, policy "
        "max_failed_attempts=3; unlocks by itself at 11:02:14 (lock_seconds=3600).",
    ),
    (
        "locked, the failures older than the timeline",
        facts(LOCKED, THREE_IN_15_MIN[1:]),
        Policy(),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe), politique "
        "max_failed_attempts=3 ; bloqué jusqu'au déblocage (par le membre ou le support).",
        "Locked at 10:02:14 after 3 failed passwords, policy max_failed_attempts=3; "
        "permanent until unlocked.",
    ),
    (
        "a timed lock that has ended",
        facts(replace(TIMED, locked_until=NOW - timedelta(seconds=60)), THREE_IN_15_MIN),
        Policy(lock_seconds=1606),
        "Actif : le blocage du 10:02:14 a pris fin de lui-même le 10:29:00 (lock_seconds=1606).",
        "Active: the lock of 10:02:14 ended by itself at 10:29:00 (lock_seconds=1606).",
    ),
    (
        "a ranked lock that has ended still counts toward the next one",
        facts(replace(TIMED, locked_until=LOCKED_AT + timedelta(seconds=300)), lock_count=2),
        Policy(lock_seconds=(60, 300), lock_reset_seconds=7200),
        "Actif : le 2e blocage du 10:02:14 a pris fin de lui-même le 10:07:14 (5 min) ; il "
        "compte pour le rang du prochain blocage jusqu'au 12:02:14.",
        "Active: lock 2 of 10:02:14 ended by itself at 10:07:14 (5 min); it counts toward the "
        "next lock's rank until 12:02:14.",
    ),
    (
        "active with failures",
        facts(account(failed_attempts=2), THREE_IN_15_MIN[:2]),
        Policy(),
        "Actif : 2 tentative(s) infructueuse(s) depuis la dernière connexion réussie ou le "
        "dernier déblocage ; bloqué à 3, politique max_failed_attempts=3.",
        "Active: 2 failed password(s) since the last success or unlock; locks at 3, policy "
        "max_failed_attempts=3.",
    ),
    (
        "window mode: the failures counted within the window",
        facts(LOCKED, THREE_IN_15_MIN),
        WINDOW,
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe) dans la fenêtre de "
        "15 min (failure_window_seconds=900), politique max_failed_attempts=3 ; bloqué jusqu'au "
        "déblocage (par le membre ou le support).",
        "Locked at 10:02:14 after 3 failed passwords within the 15 min window "
        "(failure_window_seconds=900), policy max_failed_attempts=3; permanent until unlocked.",
    ),
    (
        "window mode, a timed lock",
        facts(TIMED, THREE_IN_15_MIN[1:]),
        Policy(failure_window_seconds=600, lock_seconds=3600),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe) dans la fenêtre de "
        "10 min (failure_window_seconds=600), politique max_failed_attempts=3 ; se débloque de "
        "lui-même le 11:02:14 (lock_seconds=3600).",
        "Locked at 10:02:14 after 3 failed passwords within the 10 min window "
        "(failure_window_seconds=600), policy max_failed_attempts=3; unlocks by itself at "
        "11:02:14 (lock_seconds=3600).",
    ),
    (
        "progressive: the rank its lock event recorded, this lock's own length",
        facts(PROGRESSIVE_3RD, THREE_IN_15_MIN, lock_count=3),
        Policy(lock_seconds=(60, 300, 3600)),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe) en 15 min, politique "
        "max_failed_attempts=3 ; 3e blocage en 24 h : 1 h, se débloque de lui-même le "
        "11:02:14.",
        "Locked at 10:02:14 after 3 failed passwords within 15 min, policy "
        "max_failed_attempts=3; lock 3 within 24 h: 1 h, unlocks by itself at 11:02:14.",
    ),
    (
        "progressive: the first lock",
        facts(replace(LOCKED, locked_until=LOCKED_AT + timedelta(seconds=1800)), lock_count=1),
        Policy(lock_seconds=(1800, 3600)),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe), politique "
        "max_failed_attempts=3 ; 1er blocage en 24 h : 30 min, se débloque de lui-même le "
        "10:32:14.",
        "Locked at 10:02:14 after 3 failed passwords, policy max_failed_attempts=3; lock 1 "
        "within 24 h: 30 min, unlocks by itself at 10:32:14.",
    ),
    (
        "progressive, no rank recorded: counted from the earlier locks, permanent",
        facts(LOCKED, recent_locks=EARLIER_LOCKS),
        Policy(lock_seconds=(60, 300, 900), lock_reset_seconds=7200),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe), politique "
        "max_failed_attempts=3 ; 4e blocage en 2 h : bloqué jusqu'au déblocage "
        "(permanent_after=4).",
        "Locked at 10:02:14 after 3 failed passwords, policy max_failed_attempts=3; lock 4 "
        "within 2 h: permanent until unlocked (permanent_after=4).",
    ),
    (
        "progressive in a window",
        facts(PROGRESSIVE_3RD, lock_count=2),
        Policy(failure_window_seconds=900, lock_seconds=(60, 3600), permanent_after=3),
        "Bloqué le 10:02:14 après 3 tentatives infructueuses (mot de passe) dans la fenêtre de "
        "15 min (failure_window_seconds=900), politique max_failed_attempts=3 ; 2e blocage en "
        "24 h : 1 h, se débloque de lui-même le 11:02:14.",
        "Locked at 10:02:14 after 3 failed passwords within the 15 min window "
        "(failure_window_seconds=900), policy max_failed_attempts=3; lock 2 within 24 h: "
        "1 h, unlocks by itself at 11:02:14.",
    ),
    (
        "active in window mode: the failures that count now",
        facts(account(failed_attempts=2), window_failures=(NOW - timedelta(seconds=100),)),
        WINDOW,
        "Actif : 1 tentative(s) infructueuse(s) comptée(s) dans la fenêtre de 15 min "
        "(failure_window_seconds=900) ; bloqué à 3, politique max_failed_attempts=3.",
        "Active: 1 failed password(s) count within the 15 min window "
        "(failure_window_seconds=900); locks at 3, policy max_failed_attempts=3.",
    ),
    (
        "disabled by support",
        facts(account(state=AccountState.DISABLED), disabled_at=at(60), disabled_reason="fraude"),
        Policy(),
        "Désactivé le 10:01:14 par le support, motif : fraude.",
        "Disabled at 10:01:14 by support, reason: fraude.",
    ),
    (
        "disabled, no event",
        facts(account(state=AccountState.DISABLED)),
        Policy(),
        "Désactivé (aucune désactivation dans le journal d'audit).",
        "Disabled (no disabling in the audit log).",
    ),
]


@pytest.mark.parametrize(
    ("given", "policy", "french", "english"),
    [case[1:] for case in SENTENCES],
    ids=[case[0] for case in SENTENCES],
)
def test_the_sentence_names_the_rule(
    given: Facts, policy: Policy, french: str, english: str
) -> None:
    rule = explain(given, policy, NOW).rule
    assert sentence(rule, "fr", utc) == french
    assert sentence(rule, "en", utc) == english


@pytest.mark.parametrize(
    ("acc", "state", "unlocks_at"),
    [
        (LOCKED, AccountState.LOCKED, None),
        (TIMED, AccountState.LOCKED, LOCKED_AT + timedelta(seconds=3600)),
        (replace(TIMED, locked_until=NOW), AccountState.ACTIVE, None),
        (account(state=AccountState.DISABLED), AccountState.DISABLED, None),
        (account(), AccountState.ACTIVE, None),
    ],
)
def test_state_and_when_it_unlocks_by_itself(
    acc: Account, state: AccountState, unlocks_at: datetime | None
) -> None:
    found = explain(facts(acc), Policy(), NOW)
    assert (found.state, found.unlocks_at) == (state, unlocks_at)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (59, "59 s"),
        (60, "1 min"),
        (899, "15 min"),
        (3599, "1 h"),
        (7500, "2 h 05"),
        (86400, "24 h"),
    ],
)
def test_span_text(seconds: int, text: str) -> None:
    assert span_text(seconds) == text


@pytest.mark.parametrize(
    ("failures", "count", "span"),
    [
        (THREE_IN_15_MIN, 3, 900),
        (THREE_IN_15_MIN, 2, 400),
        (THREE_IN_15_MIN[1:], 3, None),  # the first is older than the timeline
        (THREE_IN_15_MIN, 1, None),  # one failure has no span
        ((*THREE_IN_15_MIN, Failure(at(-5), Kind.PASSWORD)), 3, 900),  # after the lock: not it
        ((Failure(at(30), Kind.IDENTITY), *THREE_IN_15_MIN[1:]), 3, None),  # not a password
    ],
)
def test_lock_span(failures: tuple[Failure, ...], count: int, span: int | None) -> None:
    assert lock_span(failures, LOCKED_AT, count) == span


@pytest.mark.parametrize(
    ("event", "detail", "kind"),
    [
        ("login_failed", {}, Kind.PASSWORD),
        ("code_rejected", {"attempts": "1"}, Kind.TEMPORARY_PASSWORD),
        ("flow_cancelled", {"reason": "too_many_attempts"}, Kind.TEMPORARY_PASSWORD),
        ("flow_cancelled", {"reason": "support"}, None),
        ("identity_failed", {"kind": "unlock"}, Kind.IDENTITY),
        ("login_refused", {}, Kind.REFUSED_WHILE_LOCKED),
        ("login_succeeded", {}, None),
    ],
)
def test_failure_kinds(event: str, detail: dict[str, str], kind: Kind | None) -> None:
    assert failure_kind(event, detail) is kind


def every(
    seconds: list[float], source: str | None = None, kind: Kind = Kind.PASSWORD
) -> list[Failure]:
    start = NOW - timedelta(hours=2)
    moments, total = [], 0.0
    for gap in [0.0, *seconds]:
        total += gap
        moments.append(Failure(start + timedelta(seconds=total), kind, source))
    return moments


STALE = [
    ("every 5 min, one source", every([300, 300, 300], "mail"), True, [("mail", 4, 300)]),
    ("within ±10 % of the median", every([300, 330, 271], "mail"), True, [("mail", 4, 300)]),
    ("one interval 11 % off", every([300, 300, 334], "mail"), True, []),
    ("three failures are not enough", every([300, 300], "mail"), True, []),
    ("a person, irregular", every([5, 40, 12, 300], "kiosk"), True, []),
    ("bursts under a second", every([0.2, 0.2, 0.2], "bot"), True, []),
    (
        "refusals while locked count too",
        every([60, 60], "mail") + every([180], "mail", Kind.REFUSED_WHILE_LOCKED)[1:],
        True,
        [("mail", 4, 60)],
    ),
    (
        "identity failures are not a saved password",
        every([60, 60, 60], "kiosk", Kind.IDENTITY),
        True,
        [],
    ),
    (
        "two sources, one regular",
        every([600, 600, 600], "mail") + every([7, 900, 31], "kiosk"),
        True,
        [("mail", 4, 600)],
    ),
    ("no source recorded: all failures", every([120, 120, 120]), False, [(None, 4, 120)]),
    ("sources recorded, none given: all failures", every([120, 120, 120]), True, [(None, 4, 120)]),
    (
        "unknown among known sources is not one client",
        every([120, 120, 120]) + every([5, 900], "kiosk"),
        True,
        [],
    ),
]


@pytest.mark.parametrize(
    ("failures", "recorded", "expected"),
    [case[1:] for case in STALE],
    ids=[case[0] for case in STALE],
)
def test_stale_client_rule(
    failures: list[Failure], recorded: bool, expected: list[tuple[str | None, int, int]]
) -> None:
    found = stale_clients(sorted(failures, key=lambda f: f.at), recorded)
    assert [(s.source, s.failures, s.interval_seconds) for s in found] == expected
    assert all(s.all_sources == (s.source is None) for s in found)


def test_regular_interval_is_the_median() -> None:
    times = [f.at for f in every([100, 105, 95, 100])]
    assert regular_interval(times) == 100


def test_grouping_by_source_most_frequent_first_unknown_last() -> None:
    failures = (
        every([1, 1], "kiosk")
        + every([1], None, Kind.IDENTITY)
        + every([1, 1, 1], "mail", Kind.REFUSED_WHILE_LOCKED)
    )
    groups = group_by_source(failures)
    assert [(g.source, g.count, dict(g.kinds)) for g in groups] == [
        ("mail", 4, {Kind.REFUSED_WHILE_LOCKED: 4}),
        ("kiosk", 3, {Kind.PASSWORD: 3}),
        (None, 2, {Kind.IDENTITY: 2}),
    ]


def _flow(state: FlowState, channel: Channel | None) -> Flow:
    return Flow(
        id="f1",
        account_id=1,
        kind=FlowKind.UNLOCK,
        state=state,
        channel=channel,
        secret_digest=None,
        expires_at=NOW + timedelta(minutes=10),
        code_attempts=0,
        created_at=NOW,
    )


NEXT = [
    (
        "locked",
        LOCKED,
        None,
        [
            ("member", "unlock", f"sesame unlock {NIR} --dob jj/mm/aaaa"),
            ("support", "unlock", f'sesame account unlock {NIR} --reason "motif"'),
        ],
    ),
    (
        "locked with an SMS sent",
        LOCKED,
        _flow(FlowState.CODE_SENT, Channel.SMS),
        [
            ("member", "reset_sms", f"sesame reset {NIR}"),
            ("member", "unlock", f"sesame unlock {NIR} --dob jj/mm/aaaa"),
            ("support", "unlock", f'sesame account unlock {NIR} --reason "motif"'),
        ],
    ),
    (
        "a link sent, a channel to choose",
        account(),
        _flow(FlowState.CHOOSE_CHANNEL, None),
        [
            ("member", "send_code.sms", "sesame send-code f1 --channel sms"),
            ("member", "send_code.email", "sesame send-code f1 --channel email"),
            ("member", "login", f"sesame login {NIR}"),
            ("member", "forgot", f"sesame forgot {NIR} --dob jj/mm/aaaa"),
        ],
    ),
    (
        "active with failures",
        account(failed_attempts=1),
        _flow(FlowState.VERIFIED, Channel.EMAIL),
        [
            ("member", "reset_email", "sesame reset --token -"),
            ("member", "login", f"sesame login {NIR}"),
            ("member", "forgot", f"sesame forgot {NIR} --dob jj/mm/aaaa"),
            ("support", "clear_failures", f'sesame account unlock {NIR} --reason "motif"'),
        ],
    ),
    (
        "a timed lock: or wait until it ends",
        TIMED,
        None,
        [
            ("member", "unlock", f"sesame unlock {NIR} --dob jj/mm/aaaa"),
            ("member", "wait", None),
            ("support", "unlock", f'sesame account unlock {NIR} --reason "motif"'),
        ],
    ),
    (
        "disabled",
        account(state=AccountState.DISABLED),
        None,
        [
            ("member", "contact_support", None),
            ("support", "enable", f'sesame account enable {NIR} --reason "motif"'),
        ],
    ),
]


@pytest.mark.parametrize(
    ("acc", "flow", "expected"), [case[1:] for case in NEXT], ids=[case[0] for case in NEXT]
)
def test_next_steps_are_exact_commands(
    acc: Account, flow: Flow | None, expected: list[tuple[str, str, str | None]]
) -> None:
    given = replace(facts(acc), flow=flow)
    steps: tuple[NextStep, ...] = tuple(explain(given, Policy(), NOW).next_steps)
    assert [(s.who, s.action, command_line(s, "fr")) for s in steps] == expected


def test_commands_in_english_use_english_placeholders() -> None:
    steps = explain(facts(LOCKED), Policy(), NOW).next_steps
    assert [command_line(s, "en") for s in steps] == [
        f"sesame unlock {NIR} --dob dd/mm/yyyy",
        f'sesame account unlock {NIR} --reason "reason"',
    ]


def test_counts_cover_the_history_and_the_rest_is_counted() -> None:
    shown = tuple(every([60] * 19))
    given = replace(facts(LOCKED, shown), counts={Kind.PASSWORD: 9_990, Kind.IDENTITY: 10})
    found = explain(given, Policy(), NOW)
    assert found.total_failures == 10_000
    assert dict(found.by_kind) == {
        Kind.PASSWORD: 9_990,
        Kind.TEMPORARY_PASSWORD: 0,
        Kind.IDENTITY: 10,
        Kind.REFUSED_WHILE_LOCKED: 0,
    }
    assert (len(found.timeline), found.earlier_failures) == (20, 9_980)


def test_the_wait_step_says_when_the_lock_ends() -> None:
    steps = explain(facts(TIMED), Policy(lock_seconds=3600), NOW).next_steps
    [wait] = [s for s in steps if s.action == "wait"]
    assert wait.until == LOCKED_AT + timedelta(seconds=3600)
    assert action_label(wait, "fr", utc) == (
        "Ou attendez le 11:02:14 : le blocage prend fin de lui-même"
    )
    assert action_label(wait, "en", utc) == "Or wait until 11:02:14: the lock ends by itself"


# (facts, policy) -> the rule's lock_count and lock_seconds (this lock's own length)
RANKS = [
    ("procedure: no rank", facts(LOCKED), Policy(), None, 0),
    ("one timed duration: no rank", facts(TIMED), Policy(lock_seconds=3600), None, 3600),
    (
        "one timed duration then permanent: ranked",
        facts(TIMED, recent_locks=EARLIER_LOCKS[3:]),
        Policy(lock_seconds=3600, permanent_after=3),
        2,
        3600,
    ),
    (
        "recorded rank wins over the count",
        facts(PROGRESSIVE_3RD, lock_count=3, recent_locks=EARLIER_LOCKS),
        Policy(lock_seconds=(60, 300, 3600)),
        3,
        3600,
    ),
    (
        "the lock's own length, not the policy's",
        facts(replace(LOCKED, locked_until=LOCKED_AT + timedelta(seconds=7200)), lock_count=2),
        Policy(lock_seconds=(60, 300)),
        2,
        7200,
    ),
    (
        "counted over lock_reset_seconds",
        facts(LOCKED, recent_locks=EARLIER_LOCKS),
        Policy(lock_seconds=(60, 300, 900), lock_reset_seconds=3600),
        3,
        0,
    ),
]


@pytest.mark.parametrize(
    ("given", "policy", "rank", "seconds"),
    [case[1:] for case in RANKS],
    ids=[case[0] for case in RANKS],
)
def test_the_lock_rank_and_length(
    given: Facts, policy: Policy, rank: int | None, seconds: int
) -> None:
    rule = explain(given, policy, NOW).rule
    assert (rule.lock_count, rule.lock_seconds) == (rank, seconds)


PROGRESSIVE = Policy(lock_seconds=(60, 300, 900), lock_reset_seconds=7200)
# (facts, policy) -> status's lock count
LOCK_COUNTS = [
    ("procedure, locked", facts(LOCKED), Policy(), None),
    ("procedure, active", facts(account()), Policy(), None),
    ("locked: its rank as recorded", facts(LOCKED, lock_count=2), PROGRESSIVE, 2),
    ("locked: its rank counted", facts(LOCKED, recent_locks=EARLIER_LOCKS), PROGRESSIVE, 4),
    (
        "active: the locks of the reset period, ended ones included",
        facts(account(), recent_locks=EARLIER_LOCKS),
        PROGRESSIVE,
        3,  # 10:02:14 and 09:52:14 and 09:12:14; 08:22:14 and 07:32:14 are over 2 h old
    ),
    ("active, no lock", facts(account()), PROGRESSIVE, 0),
    (
        "an ended timed lock",
        facts(replace(TIMED, locked_until=NOW), recent_locks=(LOCKED_AT,)),
        PROGRESSIVE,
        1,
    ),
]


@pytest.mark.parametrize(
    ("given", "policy", "count"),
    [case[1:] for case in LOCK_COUNTS],
    ids=[case[0] for case in LOCK_COUNTS],
)
def test_status_lock_count(given: Facts, policy: Policy, count: int | None) -> None:
    assert lock_count(given, policy, NOW) == count
