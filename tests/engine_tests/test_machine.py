"""The transition table, entry by entry.

One parametrized table per area of the machine (login, identity, channel,
secret, new password, support staff). Each case states the whole expected
decision: the outcome, the account and flows the rule writes, the audit
events in order and the messages sent. `test_every_table_entry_is_exercised`
keeps the tables in step with TRANSITIONS, `check_declaration` holds each
decision to its row, and `test_every_declaration_is_produced_by_a_case` wants
everything a row declares produced by a case: the declarations are exact.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import machine, messages
from engine.errors import IllegalTransition
from engine.events import (
    AccountCreated,
    Audit,
    ChannelChosen,
    ChannelsChanged,
    CodeSubmitted,
    Decision,
    DisabledBySupport,
    EnabledBySupport,
    Event,
    FreshSecrets,
    IdentityChecked,
    NewPasswordSubmitted,
    Outcome,
    PasswordChecked,
    ResetSentBySupport,
    SendEmail,
    SendLimit,
    SendSms,
    Snapshot,
    UnlockedBySupport,
)
from engine.machine import TRANSITIONS, Context, dispatch_state, row_for, step
from engine.model import Account, AccountState, Channel, Flow, FlowKind, FlowState
from engine.passwords import secret_digest
from engine.policy import Policy
from engine.rules import State, expire

A, F = AccountState, FlowState
SMS, EMAIL = Channel.SMS, Channel.EMAIL
UNLOCK, FORGOT = FlowKind.UNLOCK, FlowKind.FORGOT

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CTX = Context(NOW, Policy())


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def later(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


# --- values ------------------------------------------------------------------

ADDRESS = "marie.curie@example.fr"
MOBILE = "+33612345678"
NEW_ADDRESS = "m.curie@example.org"
NEW_MOBILE = "+33798765432"
OVERSEAS = "+262692123456"  # a Réunion mobile: no SMS from here
OLD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$old"
NEW_HASH = "$argon2id$v=19$m=19456,t=2,p=1$cmVzZXRzYWx0cmVzZXQ$new"

CODE = "Hq4TzR7mWx"  # the temporary password of the SMS flow under test
TOKEN = "lInK-t0ken-of-the-email-flow-under-test"  # the link token of the email one
FRESH = FreshSecrets(
    flow_id="flow-new",
    sms_code="N8pKd3Vb2Y",
    link_token="fresh-link-token-Qm9uam91ciBsZSBtb25kZQ",
)
RESET_URL = "https://espace-personnel.example/reinitialiser"

BASE_ACCOUNT = Account(
    id=7,
    nir="285037512345618",
    birth_date=date(1985, 3, 14),
    email=ADDRESS,
    mobile=MOBILE,
    sms_capable=True,
    password_hash=OLD_HASH,
    state=A.ACTIVE,
    failed_attempts=0,
    locked_at=None,
    locked_until=None,
    last_login_at=ago(days=3),
    password_changed_at=ago(days=400),
    created_at=ago(days=800),
)

BASE_FLOW = Flow(
    id="flow-1",
    account_id=7,
    kind=UNLOCK,
    state=F.CODE_SENT,
    channel=SMS,
    secret_digest=secret_digest(CODE),
    expires_at=later(minutes=5),
    code_attempts=0,
    created_at=ago(minutes=5),
)


def account(**overrides: object) -> Account:
    return replace(BASE_ACCOUNT, **overrides)  # type: ignore[arg-type]


def locked(**overrides: object) -> Account:
    """Locked by three wrong passwords an hour ago, with no end date."""
    values: dict[str, object] = {"state": A.LOCKED, "failed_attempts": 3, "locked_at": ago(hours=1)}
    return account(**{**values, **overrides})


def no_email(**overrides: object) -> dict[str, object]:
    return {"email": None, **overrides}


def overseas(**overrides: object) -> dict[str, object]:
    return {"mobile": OVERSEAS, "sms_capable": False, **overrides}


def no_mobile(**overrides: object) -> dict[str, object]:
    return {"mobile": None, "sms_capable": False, **overrides}


def changed(before: Account) -> Account:
    """`before` after a successful step 5."""
    return replace(
        before,
        password_hash=NEW_HASH,
        state=A.ACTIVE,
        failed_attempts=0,
        locked_at=None,
        locked_until=None,
        password_changed_at=NOW,
        last_login_at=NOW,
    )


def flow(**overrides: object) -> Flow:
    """An SMS flow whose temporary password CODE was sent five minutes ago."""
    return replace(BASE_FLOW, **overrides)  # type: ignore[arg-type]


def email_flow(**overrides: object) -> Flow:
    return flow(**{"channel": EMAIL, "secret_digest": secret_digest(TOKEN), **overrides})


def choosing(**overrides: object) -> Flow:
    return flow(**{"state": F.CHOOSE_CHANNEL, "channel": None, "secret_digest": None, **overrides})


def new_flow(kind: FlowKind = UNLOCK) -> Flow:
    """The flow an IdentityChecked with FRESH starts at NOW."""
    return Flow(
        id=FRESH.flow_id,
        account_id=7,
        kind=kind,
        state=F.CHOOSE_CHANNEL,
        channel=None,
        secret_digest=None,
        expires_at=later(seconds=900),
        code_attempts=0,
        created_at=NOW,
    )


def sent_sms(before: Flow) -> Flow:
    return replace(
        before,
        state=F.CODE_SENT,
        channel=SMS,
        secret_digest=secret_digest(FRESH.sms_code),
        expires_at=later(seconds=600),
    )


def sent_email(before: Flow) -> Flow:
    return replace(
        before,
        state=F.CODE_SENT,
        channel=EMAIL,
        secret_digest=secret_digest(FRESH.link_token),
        expires_at=later(seconds=1800),
    )


# --- events ------------------------------------------------------------------


def password(matched: bool, typed: str = "what was typed") -> PasswordChecked:
    return PasswordChecked(matched, secret_digest(typed))


RIGHT = password(True)
WRONG = password(False)


def identity(
    kind: FlowKind = UNLOCK, dob: bool = True, channel: Channel | None = None
) -> IdentityChecked:
    return IdentityChecked(kind, dob, channel, FRESH)


def choose(channel: Channel) -> ChannelChosen:
    return ChannelChosen(channel, FRESH)


def submit(secret: str = CODE, channel: Channel = SMS) -> CodeSubmitted:
    return CodeSubmitted(channel, secret_digest(secret))


def new_password(secret: str = CODE, channel: Channel = SMS) -> NewPasswordSubmitted:
    return NewPasswordSubmitted(channel, secret_digest(secret), NEW_HASH)


UNLOCK_REASON = "ticket 4521: member called"
DISABLE_REASON = "ticket 4522: suspected takeover"
ENABLE_REASON = "ticket 4523: identity confirmed at the desk"
CHANNELS_REASON = "ticket 4524: new phone"


def support_unlock(send_reset: Channel | None = None) -> UnlockedBySupport:
    return UnlockedBySupport(UNLOCK_REASON, send_reset, FRESH)


def send_reset(channel: Channel) -> ResetSentBySupport:
    return ResetSentBySupport(UNLOCK_REASON, channel, FRESH)


DISABLE = DisabledBySupport(DISABLE_REASON)
ENABLE = EnabledBySupport(ENABLE_REASON)


def channels(email: str | None = ADDRESS, mobile: str | None = MOBILE) -> ChannelsChanged:
    """New channels as the shell validated them: SMS for a metropolitan mobile only."""
    return ChannelsChanged(email, mobile, mobile in (MOBILE, NEW_MOBILE), CHANNELS_REASON)


# --- expected messages ---------------------------------------------------------


@dataclass(frozen=True)
class Sms:
    to: str
    secret: str
    flow_id: str
    minutes: int = 10


@dataclass(frozen=True)
class ResetEmail:
    to: str
    token: str
    flow_id: str
    minutes: int = 30


@dataclass(frozen=True)
class Notice:
    """A notification e-mail: no secret, so its body is its redacted body."""

    to: str
    subject: str
    line: str


Expected = Sms | ResetEmail | Notice


def lock_notice(attempts: int = 3) -> Notice:
    return Notice(
        ADDRESS,
        "Espace personnel : vos identifiants sont bloqués",
        f"Après {attempts} tentatives infructueuses, vos identifiants sont bloqués.",
    )


PASSWORD_NOTICE = Notice(
    ADDRESS,
    "Espace personnel : votre mot de passe a été modifié",
    "Le mot de passe de votre Espace personnel vient d'être modifié.",
)
CHANNELS_NOTICE = Notice(
    ADDRESS,
    "Espace personnel : vos moyens de contact ont été modifiés",
    "Le téléphone portable ou l'adresse email de votre Espace personnel vient d'être "
    "modifié par le support. Les demandes de déblocage en cours sont annulées.",
)
SMS_NEW = Sms(MOBILE, FRESH.sms_code, FRESH.flow_id)
EMAIL_NEW = ResetEmail(ADDRESS, FRESH.link_token, FRESH.flow_id)
SMS_RESENT = Sms(MOBILE, FRESH.sms_code, BASE_FLOW.id)
EMAIL_RESENT = ResetEmail(ADDRESS, FRESH.link_token, BASE_FLOW.id)


def check_message(effect: SendSms | SendEmail, expected: Expected) -> None:
    assert effect.to == expected.to
    if isinstance(expected, Sms):
        assert isinstance(effect, SendSms)
        assert effect.flow_id == expected.flow_id
        lines = effect.body.splitlines()
        assert lines[:2] == ["Espace personnel - votre mot de passe temporaire :", expected.secret]
        assert lines[2].startswith(f"Valable {expected.minutes} min. ")
        assert expected.secret not in effect.redacted_body
        assert effect.redacted_body == effect.body.replace(expected.secret, messages.REDACTED)
    elif isinstance(expected, ResetEmail):
        assert isinstance(effect, SendEmail)
        assert effect.flow_id == expected.flow_id
        assert effect.subject == "Espace personnel : changez votre mot de passe"
        assert f"{RESET_URL}?token={expected.token}" in effect.body.splitlines()
        assert f"(valable {expected.minutes} minutes, utilisable une seule fois)" in effect.body
        assert expected.token not in effect.redacted_body
        assert f"{RESET_URL}?token={messages.REDACTED}" in effect.redacted_body.splitlines()
        assert effect.redacted_body == effect.body.replace(expected.token, messages.REDACTED)
    else:
        assert isinstance(effect, SendEmail)
        assert effect.flow_id is None
        assert effect.subject == expected.subject
        assert expected.line in effect.body.splitlines()
        assert effect.redacted_body == effect.body


# --- the case tables' machinery --------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Case:
    id: str
    account: Account
    event: Event
    flow: Flow | None = None
    policy: dict[str, object] = field(default_factory=dict)
    sends: tuple[datetime, ...] = ()
    identity_failures: tuple[datetime, ...] = ()
    identity_cleared_at: datetime | None = None
    refused_logins: tuple[datetime, ...] = ()
    # what the decision must be
    outcome: Outcome
    becomes: Account | None = None  # None: the account is unchanged
    flows: tuple[Flow, ...] = ()
    audits: tuple[str, ...] = ()
    sent: tuple[Expected, ...] = ()

    def snapshot(self) -> Snapshot:
        return Snapshot(
            self.account,
            self.flow,
            self.sends,
            self.identity_failures,
            identity_failures_cleared_at=self.identity_cleared_at,
            recent_refused_logins=self.refused_logins,
        )

    def context(self) -> Context:
        policy = replace(Policy(), **self.policy)  # type: ignore[arg-type]
        return Context(NOW, policy)

    def decide(self) -> Decision:
        return step(self.snapshot(), self.event, self.context())

    def table_key(self) -> tuple[State, type]:
        """The TRANSITIONS entry this case exercises (after time-based expiry)."""
        expired, _ = expire(self.snapshot(), NOW)
        return dispatch_state(expired, self.event), type(self.event)


def table(*cases: Case) -> list[object]:
    return [pytest.param(case, id=case.id) for case in cases]


def audit_names(decision: Decision) -> tuple[str, ...]:
    return tuple(e.event for e in decision.effects if isinstance(e, Audit))


def audits_of(decision: Decision) -> tuple[Audit, ...]:
    return tuple(e for e in decision.effects if isinstance(e, Audit))


def sent_of(decision: Decision) -> list[SendSms | SendEmail]:
    return [e for e in decision.effects if isinstance(e, SendSms | SendEmail)]


def check(case: Case) -> None:
    decision = case.decide()
    assert decision.outcome == case.outcome
    assert decision.account == (case.becomes or case.account)
    assert decision.flows == case.flows
    assert audit_names(decision) == case.audits
    sent = sent_of(decision)
    assert len(sent) == len(case.sent)
    for effect, expected in zip(sent, case.sent, strict=True):
        check_message(effect, expected)


def refused(code: str, **fields: object) -> Outcome:
    return Outcome(code, False, **fields)  # type: ignore[arg-type]


LOGGED_IN = Outcome("logged_in", True)
TEMPORARY = Outcome("temporary_password_accepted", True)
CODE_SENT = Outcome("code_sent", True)
RESET_SENT = Outcome("reset_sent", True)
AUTO_SENT = Outcome("code_sent", True, auto_channel=True)
CHOOSE = Outcome("choose_channel", True)
VERIFIED = Outcome("code_verified", True)
CHANGED = Outcome("password_changed", True)
UNLOCKED = Outcome("unlocked", True)
NOT_LOCKED = Outcome("not_locked", True)
DISABLED = Outcome("disabled", True)
ENABLED = Outcome("enabled", True)
CHANNELS_CHANGED = Outcome("channels_changed", True)
EXPIRED_FLOW = flow(state=F.EXPIRED, expires_at=ago(seconds=1))

# Five events in the last 24 h, the oldest 23 h ago: it ages out in an hour.
FIVE_IN_A_DAY = (ago(hours=23), ago(hours=18), ago(hours=12), ago(hours=6), ago(minutes=2))
# Five identity failures less than a day apart, the last 2 min ago: a series, in its
# first delay (15 min) for 13 more minutes.
FIVE_FAILURES = FIVE_IN_A_DAY


# --- login (PasswordChecked, keyed by the account state) -------------------------

LOGIN_CASES = table(
    Case(
        id="active-right-password-resets-failures",
        account=account(failed_attempts=2),
        event=RIGHT,
        outcome=LOGGED_IN,
        becomes=account(failed_attempts=0, last_login_at=NOW),
        audits=("login_succeeded",),
    ),
    Case(
        id="active-wrong-password-1",
        account=account(),
        event=WRONG,
        outcome=refused("auth_failed"),
        becomes=account(failed_attempts=1),
        audits=("login_failed",),
    ),
    Case(
        id="active-wrong-password-2",
        account=account(failed_attempts=1),
        event=WRONG,
        outcome=refused("auth_failed"),
        becomes=account(failed_attempts=2),
        audits=("login_failed",),
    ),
    Case(
        id="active-wrong-password-3-locks",
        account=account(failed_attempts=2),
        event=WRONG,
        outcome=refused("account_locked"),
        becomes=locked(locked_at=NOW),
        audits=("login_failed", "account_locked"),
        sent=(lock_notice(),),
    ),
    Case(
        id="active-wrong-password-3-locks-for-lock-seconds",
        account=account(failed_attempts=2),
        event=WRONG,
        policy={"lock_seconds": 900},
        outcome=refused("account_locked"),
        becomes=locked(locked_at=NOW, locked_until=later(seconds=900)),
        audits=("login_failed", "account_locked"),
        sent=(lock_notice(),),
    ),
    Case(
        id="lock-without-notify-on-lock",
        account=account(failed_attempts=2),
        event=WRONG,
        policy={"notify_on_lock": False},
        outcome=refused("account_locked"),
        becomes=locked(locked_at=NOW),
        audits=("login_failed", "account_locked"),
    ),
    Case(
        id="lock-without-email",
        account=account(failed_attempts=2, email=None),
        event=WRONG,
        outcome=refused("account_locked"),
        becomes=locked(locked_at=NOW, email=None),
        audits=("login_failed", "account_locked"),
    ),
    Case(
        id="max-failed-attempts-1-locks-at-once",
        account=account(),
        event=WRONG,
        policy={"max_failed_attempts": 1},
        outcome=refused("account_locked"),
        becomes=locked(locked_at=NOW, failed_attempts=1),
        audits=("login_failed", "account_locked"),
        sent=(lock_notice(1),),
    ),
    Case(
        id="active-temporary-password-of-open-sms-flow",
        account=account(),
        flow=flow(kind=FORGOT),
        event=password(False, typed=CODE),
        outcome=TEMPORARY,
        flows=(flow(kind=FORGOT, state=F.VERIFIED),),
        audits=("code_verified",),
    ),
    Case(
        id="active-wrong-password-with-open-sms-flow-counts-a-login-failure-and-a-code-attempt",
        account=account(),
        flow=flow(kind=FORGOT),
        event=WRONG,
        outcome=refused("auth_failed"),
        becomes=account(failed_attempts=1),
        flows=(flow(kind=FORGOT, code_attempts=1),),
        audits=("login_failed", "code_rejected"),
    ),
    Case(
        id="active-wrong-password-at-max-code-attempts-cancels-the-flow",
        account=account(failed_attempts=1),
        flow=flow(kind=FORGOT, code_attempts=4),
        event=WRONG,
        outcome=refused("auth_failed"),
        becomes=account(failed_attempts=2),
        flows=(flow(kind=FORGOT, state=F.CANCELLED, code_attempts=5),),
        audits=("login_failed", "flow_cancelled"),
    ),
    Case(
        id="active-wrong-password-locks-and-counts-a-code-attempt",
        account=account(failed_attempts=2),
        flow=flow(kind=FORGOT, code_attempts=2),
        event=WRONG,
        outcome=refused("account_locked"),
        becomes=locked(locked_at=NOW),
        flows=(flow(kind=FORGOT, code_attempts=3),),
        audits=("login_failed", "account_locked", "code_rejected"),
        sent=(lock_notice(),),
    ),
    Case(
        id="active-right-password-with-open-sms-flow-not-a-code-attempt",
        account=account(),
        flow=flow(kind=FORGOT, code_attempts=4),
        event=RIGHT,
        outcome=LOGGED_IN,
        becomes=account(last_login_at=NOW),
        audits=("login_succeeded",),
    ),
    Case(
        id="active-link-token-is-not-a-password",
        account=account(),
        flow=email_flow(kind=FORGOT),
        event=password(False, typed=TOKEN),
        outcome=refused("auth_failed"),
        becomes=account(failed_attempts=1),
        audits=("login_failed",),
    ),
    Case(
        id="locked-right-password-refused",
        account=locked(),
        event=RIGHT,
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="locked-wrong-password-refused-not-counted",
        account=locked(),
        event=WRONG,
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="locked-until-a-second-from-now",
        account=locked(locked_until=later(seconds=1)),
        event=RIGHT,
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="lock-expired-then-right-password",
        account=locked(locked_until=ago(seconds=1)),
        event=RIGHT,
        outcome=LOGGED_IN,
        becomes=account(last_login_at=NOW),
        audits=("lock_expired", "login_succeeded"),
    ),
    Case(
        id="lock-expiring-now-then-wrong-password",
        account=locked(locked_until=NOW),
        event=WRONG,
        outcome=refused("auth_failed"),
        becomes=account(failed_attempts=1),
        audits=("lock_expired", "login_failed"),
    ),
    Case(
        id="locked-temporary-password-accepted",
        account=locked(),
        flow=flow(),
        event=password(False, typed=CODE),
        outcome=TEMPORARY,
        flows=(flow(state=F.VERIFIED),),
        audits=("code_verified",),
    ),
    Case(
        id="locked-temporary-password-of-verified-flow",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=password(False, typed=CODE),
        outcome=TEMPORARY,
        flows=(flow(state=F.VERIFIED),),
        audits=("code_verified",),
    ),
    Case(
        id="locked-wrong-password-counts-a-code-attempt",
        account=locked(),
        flow=flow(code_attempts=1),
        event=WRONG,
        outcome=refused("account_locked"),
        flows=(flow(code_attempts=2),),
        audits=("login_refused", "code_rejected"),
    ),
    # The old password counts like a wrong one: otherwise the flow's counter
    # would tell a stranger which password is right.
    Case(
        id="locked-old-password-with-open-sms-flow-counts-a-code-attempt",
        account=locked(),
        flow=flow(code_attempts=1),
        event=RIGHT,
        outcome=refused("account_locked"),
        flows=(flow(code_attempts=2),),
        audits=("login_refused", "code_rejected"),
    ),
    Case(
        id="locked-old-password-with-verified-sms-flow-cancels-at-the-limit",
        account=locked(),
        flow=flow(state=F.VERIFIED, code_attempts=4),
        event=RIGHT,
        outcome=refused("account_locked"),
        flows=(flow(state=F.CANCELLED, code_attempts=5),),
        audits=("login_refused", "flow_cancelled"),
    ),
    Case(
        id="locked-wrong-password-with-email-flow-not-counted",
        account=locked(),
        flow=email_flow(),
        event=WRONG,
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="locked-wrong-password-while-choosing-channel",
        account=locked(),
        flow=choosing(),
        event=WRONG,
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="locked-temporary-password-of-expired-flow",
        account=locked(),
        flow=flow(expires_at=ago(seconds=1)),
        event=password(False, typed=CODE),
        outcome=refused("account_locked"),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired", "login_refused"),
    ),
    Case(
        id="locked-refusals-bounded",
        account=locked(),
        event=WRONG,
        refused_logins=(ago(hours=20),) * 9 + (ago(minutes=1),),
        outcome=refused("rate_limited", retry_after=4 * 3600),
    ),
    Case(
        id="locked-refusals-bounded-right-password-too",
        account=locked(),
        event=RIGHT,
        policy={"max_refused_logins": 1},
        refused_logins=(ago(hours=23),),
        outcome=refused("rate_limited", retry_after=3600),
    ),
    Case(
        id="locked-refusals-older-than-a-day-do-not-count",
        account=locked(),
        event=WRONG,
        policy={"max_refused_logins": 1},
        refused_logins=(ago(hours=24),),
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="locked-rate-limited-wrong-password-still-a-code-attempt",
        account=locked(),
        flow=flow(code_attempts=1),
        event=WRONG,
        policy={"max_refused_logins": 1},
        refused_logins=(ago(hours=1),),
        outcome=refused("rate_limited", retry_after=23 * 3600),
        flows=(flow(code_attempts=2),),
        audits=("code_rejected",),
    ),
    Case(
        id="locked-rate-limited-temporary-password-accepted",
        account=locked(),
        flow=flow(),
        event=password(False, typed=CODE),
        policy={"max_refused_logins": 1},
        refused_logins=(ago(hours=1),),
        outcome=TEMPORARY,
        flows=(flow(state=F.VERIFIED),),
        audits=("code_verified",),
    ),
    Case(
        id="disabled-right-password",
        account=account(state=A.DISABLED),
        event=RIGHT,
        outcome=refused("account_disabled"),
        audits=("login_refused",),
    ),
    Case(
        id="disabled-wrong-password-answers-as-active",
        account=account(state=A.DISABLED),
        event=WRONG,
        outcome=refused("auth_failed"),
        becomes=account(state=A.DISABLED, failed_attempts=1),
        audits=("login_failed",),
    ),
    Case(
        id="disabled-third-wrong-password-answers-as-locked-without-locking",
        account=account(state=A.DISABLED, failed_attempts=2),
        event=WRONG,
        outcome=refused("account_locked"),
        becomes=account(state=A.DISABLED, failed_attempts=3),
        audits=("login_failed",),
    ),
    Case(
        id="disabled-after-max-failures-answers-as-locked",
        account=account(state=A.DISABLED, failed_attempts=3),
        event=WRONG,
        outcome=refused("account_locked"),
        audits=("login_refused",),
    ),
    Case(
        id="disabled-after-max-failures-right-password-says-disabled",
        account=account(state=A.DISABLED, failed_attempts=3),
        event=RIGHT,
        outcome=refused("account_disabled"),
        audits=("login_refused",),
    ),
    Case(
        id="disabled-refusals-bounded-like-locked",
        account=account(state=A.DISABLED, failed_attempts=3),
        event=RIGHT,
        policy={"max_refused_logins": 1},
        refused_logins=(ago(hours=23),),
        outcome=refused("rate_limited", retry_after=3600),
    ),
    Case(
        id="disabled-temporary-password-is-a-wrong-password",
        account=account(state=A.DISABLED),
        flow=flow(),
        event=password(False, typed=CODE),
        outcome=refused("auth_failed"),
        becomes=account(state=A.DISABLED, failed_attempts=1),
        audits=("login_failed",),
    ),
)


@pytest.mark.parametrize("case", LOGIN_CASES)
def test_login(case: Case) -> None:
    check(case)


LOCKED_AT_MAX_CODE_ATTEMPTS = Case(
    id="locked-wrong-password-at-max-code-attempts-cancels-the-flow",
    account=locked(),
    flow=flow(code_attempts=4),
    event=WRONG,
    outcome=refused("account_locked"),
    flows=(flow(state=F.CANCELLED, code_attempts=5),),
    audits=("login_refused", "flow_cancelled"),
)


def test_locked_login_at_max_code_attempts_cancels_the_flow() -> None:
    decision = LOCKED_AT_MAX_CODE_ATTEMPTS.decide()
    assert decision.outcome == refused("account_locked")
    assert decision.account == locked()
    assert decision.flows == (flow(state=F.CANCELLED, code_attempts=5),)
    assert "flow_cancelled" in audit_names(decision)
    assert sent_of(decision) == []


def test_locked_login_at_max_code_attempts_is_audited_as_refused() -> None:
    check(LOCKED_AT_MAX_CODE_ATTEMPTS)


# --- unlock / forgot (IdentityChecked, keyed by the account state) ----------------

IDENTITY_CASES = table(
    Case(
        id="unlock-wrong-birth-date",
        account=locked(),
        event=identity(dob=False),
        outcome=refused("identity_mismatch"),
        audits=("identity_failed",),
    ),
    Case(
        id="forgot-wrong-birth-date",
        account=account(),
        event=identity(FORGOT, dob=False),
        outcome=refused("identity_mismatch"),
        audits=("identity_failed",),
    ),
    Case(
        id="unlock-active-account-wrong-birth-date-is-a-mismatch-first",
        account=account(),
        event=identity(dob=False),
        outcome=refused("identity_mismatch"),
        audits=("identity_failed",),
    ),
    Case(
        id="identity-rate-limited",
        account=locked(),
        event=identity(),
        identity_failures=FIVE_FAILURES,
        outcome=refused("rate_limited", retry_after=780),
    ),
    Case(
        id="identity-rate-limited-unordered-failures",
        account=locked(),
        event=identity(FORGOT, channel=SMS),
        identity_failures=tuple(reversed(FIVE_FAILURES)),
        outcome=refused("rate_limited", retry_after=780),
    ),
    Case(
        id="identity-rate-limited-wrong-date-not-counted-again",
        account=locked(),
        event=identity(dob=False),
        identity_failures=FIVE_FAILURES,
        outcome=refused("rate_limited", retry_after=780),
    ),
    Case(
        id="identity-right-date-accepted-once-the-first-delay-is-over",
        account=locked(),
        event=identity(),
        identity_failures=(*FIVE_FAILURES[:4], ago(minutes=15)),
        outcome=CHOOSE,
        flows=(new_flow(),),
        audits=("flow_started",),
    ),
    Case(
        id="identity-wrong-date-after-a-delay-is-counted",
        account=locked(),
        event=identity(dob=False),
        identity_failures=(*FIVE_FAILURES[:4], ago(minutes=15)),
        outcome=refused("identity_mismatch"),
        audits=("identity_failed",),
    ),
    Case(
        id="identity-the-sixth-failure-doubles-the-delay",
        account=locked(),
        event=identity(),
        identity_failures=(*FIVE_FAILURES[:4], ago(minutes=40), ago(minutes=20)),
        outcome=refused("rate_limited", retry_after=600),
    ),
    Case(
        id="identity-the-seventh-quadruples-it",
        account=locked(),
        event=identity(),
        identity_failures=(*FIVE_FAILURES[:4], ago(minutes=100), ago(minutes=80), ago(minutes=50)),
        outcome=refused("rate_limited", retry_after=600),
    ),
    Case(
        id="identity-the-delay-is-capped",
        account=locked(),
        event=identity(),
        policy={"identity_backoff_max_seconds": 2700},
        identity_failures=(*FIVE_FAILURES[:4], ago(minutes=100), ago(minutes=80), ago(minutes=40)),
        outcome=refused("rate_limited", retry_after=300),
    ),
    Case(
        id="identity-a-quiet-day-ends-the-series",
        account=locked(),
        event=identity(),
        identity_failures=(
            ago(hours=30),
            ago(hours=29),
            ago(hours=28),
            ago(hours=27),
            ago(hours=2),
        ),
        outcome=CHOOSE,
        flows=(new_flow(),),
        audits=("flow_started",),
    ),
    Case(
        id="identity-failures-cleared-by-support-do-not-count",
        account=locked(),
        event=identity(),
        identity_failures=FIVE_FAILURES,
        identity_cleared_at=ago(minutes=1),
        outcome=CHOOSE,
        flows=(new_flow(),),
        audits=("flow_started",),
    ),
    Case(
        id="identity-failures-after-a-clear-count-again",
        account=locked(),
        event=identity(),
        identity_failures=FIVE_FAILURES,
        identity_cleared_at=ago(hours=20),  # four failures after it: the first delay
        policy={"max_identity_failures": 4},
        outcome=refused("rate_limited", retry_after=780),
    ),
    Case(
        id="identity-rate-limit-from-policy",
        account=account(),
        event=identity(FORGOT),
        policy={"max_identity_failures": 2, "identity_backoff_seconds": 3600},
        identity_failures=(ago(minutes=30), ago(hours=2)),
        outcome=refused("rate_limited", retry_after=1800),
    ),
    Case(
        id="unlock-active-account-not-locked",
        account=account(),
        event=identity(),
        outcome=refused("account_not_locked"),
    ),
    Case(
        id="unlock-after-lock-expired-not-locked",
        account=locked(locked_until=ago(seconds=1)),
        event=identity(),
        outcome=refused("account_not_locked"),
        becomes=account(),
        audits=("lock_expired",),
    ),
    Case(
        id="forgot-active-account",
        account=account(),
        event=identity(FORGOT),
        outcome=CHOOSE,
        flows=(new_flow(FORGOT),),
        audits=("flow_started",),
    ),
    Case(
        id="forgot-locked-account",
        account=locked(),
        event=identity(FORGOT),
        outcome=CHOOSE,
        flows=(new_flow(FORGOT),),
        audits=("flow_started",),
    ),
    Case(
        id="unlock-two-channels-choose",
        account=locked(),
        event=identity(),
        outcome=CHOOSE,
        flows=(new_flow(),),
        audits=("flow_started",),
    ),
    Case(
        id="unlock-no-channel",
        account=locked(**no_email(**no_mobile())),
        event=identity(),
        outcome=refused("no_channel"),
    ),
    Case(
        id="unlock-overseas-mobile-only-no-channel",
        account=locked(**no_email(**overseas())),
        event=identity(),
        outcome=refused("no_channel"),
    ),
    Case(
        id="forgot-active-no-channel",
        account=account(**no_email(**no_mobile())),
        event=identity(FORGOT),
        outcome=refused("no_channel"),
    ),
    Case(
        id="unlock-sms-on-overseas-mobile",
        account=locked(**overseas()),
        event=identity(channel=SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="unlock-sms-without-mobile",
        account=locked(**no_mobile()),
        event=identity(channel=SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="forgot-email-without-email",
        account=account(**no_email()),
        event=identity(FORGOT, channel=EMAIL),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="unlock-sms-only-auto-channel",
        account=locked(**no_email()),
        event=identity(),
        outcome=AUTO_SENT,
        flows=(sent_sms(new_flow()),),
        audits=("flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="unlock-email-only-auto-channel",
        account=locked(**no_mobile()),
        event=identity(),
        outcome=AUTO_SENT,
        flows=(sent_email(new_flow()),),
        audits=("flow_started", "code_sent"),
        sent=(EMAIL_NEW,),
    ),
    Case(
        id="forgot-overseas-mobile-and-email-auto-email",
        account=account(**overseas()),
        event=identity(FORGOT),
        outcome=AUTO_SENT,
        flows=(sent_email(new_flow(FORGOT)),),
        audits=("flow_started", "code_sent"),
        sent=(EMAIL_NEW,),
    ),
    Case(
        id="unlock-sms-only-asked-sms-not-auto",
        account=locked(**no_email()),
        event=identity(channel=SMS),
        outcome=CODE_SENT,
        flows=(sent_sms(new_flow()),),
        audits=("flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="unlock-chosen-sms",
        account=locked(),
        event=identity(channel=SMS),
        outcome=CODE_SENT,
        flows=(sent_sms(new_flow()),),
        audits=("flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="forgot-chosen-email",
        account=account(),
        event=identity(FORGOT, channel=EMAIL),
        outcome=CODE_SENT,
        flows=(sent_email(new_flow(FORGOT)),),
        audits=("flow_started", "code_sent"),
        sent=(EMAIL_NEW,),
    ),
    Case(
        id="forgot-active-chosen-sms",
        account=account(),
        event=identity(FORGOT, channel=SMS),
        outcome=CODE_SENT,
        flows=(sent_sms(new_flow(FORGOT)),),
        audits=("flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="unlock-supersedes-open-flow",
        account=locked(),
        flow=flow(),
        event=identity(),
        outcome=CHOOSE,
        flows=(flow(state=F.SUPERSEDED), new_flow()),
        audits=("flow_superseded", "flow_started"),
    ),
    Case(
        id="forgot-supersedes-choosing-flow",
        account=account(),
        flow=choosing(kind=FORGOT),
        event=identity(FORGOT),
        outcome=CHOOSE,
        flows=(choosing(kind=FORGOT, state=F.SUPERSEDED), new_flow(FORGOT)),
        audits=("flow_superseded", "flow_started"),
    ),
    Case(
        id="unlock-supersedes-verified-flow-and-sends",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=identity(channel=SMS),
        outcome=CODE_SENT,
        flows=(flow(state=F.SUPERSEDED), sent_sms(new_flow())),
        audits=("flow_superseded", "flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="unlock-after-expired-flow",
        account=locked(),
        flow=flow(expires_at=ago(seconds=1)),
        event=identity(),
        outcome=CHOOSE,
        flows=(EXPIRED_FLOW, new_flow()),
        audits=("flow_expired", "flow_started"),
    ),
    Case(
        id="unlock-after-completed-flow",
        account=locked(),
        flow=flow(state=F.COMPLETED),
        event=identity(),
        outcome=CHOOSE,
        flows=(new_flow(),),
        audits=("flow_started",),
    ),
    Case(
        id="unlock-send-cooldown",
        account=locked(),
        event=identity(channel=SMS),
        sends=(ago(seconds=20),),
        outcome=refused("rate_limited", retry_after=40),
    ),
    Case(
        id="unlock-send-cooldown-keeps-the-open-flow",
        account=locked(),
        flow=flow(),
        event=identity(channel=EMAIL),
        sends=(ago(minutes=10), ago(seconds=20)),
        outcome=refused("rate_limited", retry_after=40),
    ),
    Case(
        id="unlock-auto-channel-cooldown",
        account=locked(**no_email()),
        event=identity(),
        sends=(ago(seconds=59),),
        outcome=refused("rate_limited", retry_after=1),
    ),
    Case(
        id="unlock-choosing-ignores-cooldown",
        account=locked(),
        event=identity(),
        sends=(ago(seconds=20),),
        outcome=CHOOSE,
        flows=(new_flow(),),
        audits=("flow_started",),
    ),
    Case(
        id="unlock-daily-send-limit",
        account=locked(),
        event=identity(channel=SMS),
        sends=(ago(hours=23), ago(hours=18), ago(hours=12), ago(hours=6), ago(hours=2)),
        outcome=refused("rate_limited", retry_after=3600),
    ),
    Case(
        id="unlock-sends-older-than-a-day-do-not-count",
        account=locked(),
        event=identity(channel=SMS),
        sends=(ago(hours=24), ago(hours=18), ago(hours=12), ago(hours=6), ago(hours=2)),
        outcome=CODE_SENT,
        flows=(sent_sms(new_flow()),),
        audits=("flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="unlock-disabled-right-date",
        account=account(state=A.DISABLED),
        event=identity(),
        outcome=refused("account_disabled"),
    ),
    Case(
        id="forgot-disabled-wrong-date-is-a-mismatch",
        account=account(state=A.DISABLED),
        event=identity(FORGOT, dob=False),
        outcome=refused("identity_mismatch"),
        audits=("identity_failed",),
    ),
    Case(
        id="unlock-disabled-rate-limited-like-any-account",
        account=account(state=A.DISABLED),
        event=identity(),
        identity_failures=FIVE_IN_A_DAY,
        outcome=refused("rate_limited", retry_after=780),
    ),
)


@pytest.mark.parametrize("case", IDENTITY_CASES)
def test_identity_checked(case: Case) -> None:
    check(case)


# --- send-code (ChannelChosen, keyed by the flow state) -------------------------

CHANNEL_CASES = table(
    Case(
        id="choose-sms",
        account=locked(),
        flow=choosing(),
        event=choose(SMS),
        outcome=CODE_SENT,
        flows=(sent_sms(choosing()),),
        audits=("code_sent",),
        sent=(SMS_RESENT,),
    ),
    Case(
        id="choose-email",
        account=locked(),
        flow=choosing(),
        event=choose(EMAIL),
        outcome=CODE_SENT,
        flows=(sent_email(choosing()),),
        audits=("code_sent",),
        sent=(EMAIL_RESENT,),
    ),
    Case(
        id="resend-sms-replaces-the-secret-keeps-attempts",
        account=locked(),
        flow=flow(code_attempts=2),
        event=choose(SMS),
        outcome=CODE_SENT,
        flows=(sent_sms(flow(code_attempts=2)),),
        audits=("code_sent",),
        sent=(SMS_RESENT,),
    ),
    Case(
        id="resend-by-email-after-sms",
        account=account(),
        flow=flow(kind=FORGOT),
        event=choose(EMAIL),
        outcome=CODE_SENT,
        flows=(sent_email(flow(kind=FORGOT)),),
        audits=("code_sent",),
        sent=(EMAIL_RESENT,),
    ),
    Case(
        id="resend-from-verified",
        account=locked(),
        flow=flow(state=F.VERIFIED, code_attempts=1),
        event=choose(SMS),
        outcome=CODE_SENT,
        flows=(sent_sms(flow(code_attempts=1)),),
        audits=("code_sent",),
        sent=(SMS_RESENT,),
    ),
    Case(
        id="resend-from-verified-by-email",
        account=account(),
        flow=flow(kind=FORGOT, state=F.VERIFIED),
        event=choose(EMAIL),
        outcome=CODE_SENT,
        flows=(sent_email(flow(kind=FORGOT)),),
        audits=("code_sent",),
        sent=(EMAIL_RESENT,),
    ),
    Case(
        id="resend-from-verified-to-an-unusable-channel",
        account=locked(**overseas()),
        flow=email_flow(state=F.VERIFIED),
        event=choose(SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="resend-from-verified-cooldown",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=choose(SMS),
        sends=(ago(seconds=59),),
        outcome=refused("rate_limited", retry_after=1),
    ),
    Case(
        id="send-on-expired-flow",
        account=locked(),
        flow=flow(expires_at=ago(seconds=1)),
        event=choose(SMS),
        outcome=refused("flow_expired"),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired",),
    ),
    Case(
        id="send-on-flow-expiring-now",
        account=locked(),
        flow=choosing(expires_at=NOW),
        event=choose(EMAIL),
        outcome=refused("flow_expired"),
        flows=(choosing(expires_at=NOW, state=F.EXPIRED),),
        audits=("flow_expired",),
    ),
    Case(
        id="send-on-stored-expired-flow",
        account=locked(),
        flow=flow(state=F.EXPIRED, expires_at=ago(hours=1)),
        event=choose(SMS),
        outcome=refused("flow_expired"),
    ),
    *(
        Case(
            id=f"send-on-{state}-flow",
            account=locked(),
            flow=flow(state=state),
            event=choose(SMS),
            outcome=refused("no_open_flow"),
        )
        for state in (F.COMPLETED, F.CANCELLED, F.SUPERSEDED)
    ),
    Case(
        id="send-without-flow",
        account=locked(),
        event=choose(SMS),
        outcome=refused("no_open_flow"),
    ),
    Case(
        id="send-sms-to-overseas-mobile",
        account=locked(**overseas()),
        flow=choosing(),
        event=choose(SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="send-email-without-email",
        account=locked(**no_email()),
        flow=flow(),
        event=choose(EMAIL),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="send-cooldown",
        account=locked(),
        flow=flow(),
        event=choose(SMS),
        sends=(ago(seconds=59),),
        outcome=refused("rate_limited", retry_after=1),
    ),
    Case(
        id="send-cooldown-rounds-up-to-whole-seconds",
        account=locked(),
        flow=flow(),
        event=choose(SMS),
        sends=(ago(seconds=20.25),),
        outcome=refused("rate_limited", retry_after=40),
    ),
    Case(
        id="send-after-cooldown",
        account=locked(),
        flow=flow(),
        event=choose(SMS),
        sends=(ago(seconds=60),),
        outcome=CODE_SENT,
        flows=(sent_sms(flow()),),
        audits=("code_sent",),
        sent=(SMS_RESENT,),
    ),
    Case(
        id="send-cooldown-from-policy",
        account=locked(),
        flow=flow(),
        event=choose(EMAIL),
        policy={"resend_cooldown_seconds": 300},
        sends=(ago(seconds=100),),
        outcome=refused("rate_limited", retry_after=200),
    ),
    Case(
        id="send-daily-limit",
        account=locked(),
        flow=flow(),
        event=choose(SMS),
        sends=(ago(hours=23), ago(hours=18), ago(hours=12), ago(hours=6), ago(hours=2)),
        outcome=refused("rate_limited", retry_after=3600),
    ),
    Case(
        id="send-daily-limit-from-policy",
        account=locked(),
        flow=choosing(),
        event=choose(EMAIL),
        policy={"max_codes_per_day": 2},
        sends=(ago(hours=1), ago(hours=3)),
        outcome=refused("rate_limited", retry_after=21 * 3600),
    ),
)


@pytest.mark.parametrize("case", CHANNEL_CASES)
def test_channel_chosen(case: Case) -> None:
    check(case)


# --- step 5, first half (CodeSubmitted, keyed by the flow state) ------------------

CLOSED_OR_UNSENT = (
    ("cancelled", flow(state=F.CANCELLED)),
    ("superseded", flow(state=F.SUPERSEDED)),
    ("choose-channel", choosing()),
    ("no", None),
)

CODE_CASES = table(
    Case(
        id="sms-code-right",
        account=locked(),
        flow=flow(),
        event=submit(),
        outcome=VERIFIED,
        flows=(flow(state=F.VERIFIED),),
        audits=("code_verified",),
    ),
    Case(
        id="email-token-right",
        account=account(),
        flow=email_flow(kind=FORGOT),
        event=submit(TOKEN, EMAIL),
        outcome=VERIFIED,
        flows=(email_flow(kind=FORGOT, state=F.VERIFIED),),
        audits=("code_verified",),
    ),
    Case(
        id="verified-code-again",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=submit(),
        outcome=VERIFIED,
    ),
    Case(
        id="sms-code-wrong",
        account=locked(),
        flow=flow(),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(code_attempts=1),),
        audits=("code_rejected",),
    ),
    Case(
        id="sms-code-wrong-fourth",
        account=locked(),
        flow=flow(code_attempts=3),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(code_attempts=4),),
        audits=("code_rejected",),
    ),
    Case(
        id="sms-code-wrong-fifth-cancels",
        account=locked(),
        flow=flow(code_attempts=4),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(state=F.CANCELLED, code_attempts=5),),
        audits=("flow_cancelled",),
    ),
    Case(
        id="max-code-attempts-1-cancels-at-once",
        account=account(),
        flow=email_flow(),
        event=submit("wrong-token", EMAIL),
        policy={"max_code_attempts": 1},
        outcome=refused("code_invalid"),
        flows=(email_flow(state=F.CANCELLED, code_attempts=1),),
        audits=("flow_cancelled",),
    ),
    Case(
        id="verified-code-wrong-counts",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(state=F.VERIFIED, code_attempts=1),),
        audits=("code_rejected",),
    ),
    Case(
        id="verified-code-wrong-at-max-cancels",
        account=locked(),
        flow=flow(state=F.VERIFIED, code_attempts=4),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(state=F.CANCELLED, code_attempts=5),),
        audits=("flow_cancelled",),
    ),
    Case(
        id="right-code-on-wrong-channel",
        account=locked(),
        flow=flow(),
        event=submit(CODE, EMAIL),
        outcome=refused("code_invalid"),
    ),
    Case(
        id="code-expired",
        account=locked(),
        flow=flow(expires_at=ago(seconds=1)),
        event=submit(),
        outcome=refused("code_expired"),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired",),
    ),
    Case(
        id="code-of-stored-expired-flow",
        account=locked(),
        flow=flow(state=F.EXPIRED, expires_at=ago(hours=1)),
        event=submit(),
        outcome=refused("code_expired"),
    ),
    Case(
        id="wrong-code-on-expired-flow-is-not-told-expired",
        account=locked(),
        flow=flow(expires_at=ago(seconds=1)),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired",),
    ),
    Case(
        id="right-code-of-flow-cancelled-for-too-many-attempts-is-told-why",
        account=locked(),
        flow=flow(state=F.CANCELLED, code_attempts=5),
        event=submit(),
        outcome=refused("too_many_attempts"),
    ),
    Case(
        id="wrong-code-on-flow-cancelled-for-too-many-attempts",
        account=locked(),
        flow=flow(state=F.CANCELLED, code_attempts=5),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
    ),
    Case(
        id="code-already-used",
        account=account(),
        flow=flow(state=F.COMPLETED),
        event=submit(),
        outcome=refused("code_used"),
    ),
    Case(
        id="other-code-on-completed-flow",
        account=account(),
        flow=flow(state=F.COMPLETED),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
    ),
    *(
        Case(
            id=f"right-code-on-{name}-flow",
            account=locked(),
            flow=closed,
            event=submit(),
            outcome=refused("code_invalid"),
        )
        for name, closed in CLOSED_OR_UNSENT
    ),
)


@pytest.mark.parametrize("case", CODE_CASES)
def test_code_submitted(case: Case) -> None:
    check(case)


# --- step 5, second half (NewPasswordSubmitted, keyed by the flow state) -----------

NEW_PASSWORD_CASES = table(
    Case(
        id="unlock-by-sms-completes",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=new_password(),
        outcome=CHANGED,
        becomes=changed(locked()),
        flows=(flow(state=F.COMPLETED),),
        audits=("flow_completed", "password_changed", "account_unlocked"),
        sent=(PASSWORD_NOTICE,),
    ),
    Case(
        id="unlock-by-link-completes-from-code-sent",
        account=locked(locked_until=later(hours=1)),
        flow=email_flow(code_attempts=2),
        event=new_password(TOKEN, EMAIL),
        outcome=CHANGED,
        becomes=changed(locked()),
        flows=(email_flow(state=F.COMPLETED, code_attempts=2),),
        audits=("flow_completed", "password_changed", "account_unlocked"),
        sent=(PASSWORD_NOTICE,),
    ),
    Case(
        id="forgot-completes-on-active-account",
        account=account(failed_attempts=2),
        flow=flow(kind=FORGOT, state=F.VERIFIED),
        event=new_password(),
        outcome=CHANGED,
        becomes=changed(account()),
        flows=(flow(kind=FORGOT, state=F.COMPLETED),),
        audits=("flow_completed", "password_changed"),
        sent=(PASSWORD_NOTICE,),
    ),
    Case(
        id="forgot-completes-on-locked-account",
        account=locked(),
        flow=email_flow(kind=FORGOT, state=F.VERIFIED),
        event=new_password(TOKEN, EMAIL),
        outcome=CHANGED,
        becomes=changed(locked()),
        flows=(email_flow(kind=FORGOT, state=F.COMPLETED),),
        audits=("flow_completed", "password_changed", "account_unlocked"),
        sent=(PASSWORD_NOTICE,),
    ),
    Case(
        id="password-change-without-notice",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=new_password(),
        policy={"notify_on_password_change": False},
        outcome=CHANGED,
        becomes=changed(locked()),
        flows=(flow(state=F.COMPLETED),),
        audits=("flow_completed", "password_changed", "account_unlocked"),
    ),
    Case(
        id="password-change-without-email",
        account=locked(**no_email()),
        flow=flow(state=F.VERIFIED),
        event=new_password(),
        outcome=CHANGED,
        becomes=changed(locked(**no_email())),
        flows=(flow(state=F.COMPLETED),),
        audits=("flow_completed", "password_changed", "account_unlocked"),
    ),
    Case(
        id="new-password-wrong-secret",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=new_password("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(state=F.VERIFIED, code_attempts=1),),
        audits=("code_rejected",),
    ),
    Case(
        id="new-password-wrong-secret-at-max-cancels",
        account=locked(),
        flow=flow(state=F.VERIFIED, code_attempts=4),
        event=new_password("WrongCode2"),
        outcome=refused("code_invalid"),
        flows=(flow(state=F.CANCELLED, code_attempts=5),),
        audits=("flow_cancelled",),
    ),
    Case(
        id="new-password-wrong-secret-from-code-sent",
        account=locked(),
        flow=email_flow(),
        event=new_password("other-token", EMAIL),
        outcome=refused("code_invalid"),
        flows=(email_flow(code_attempts=1),),
        audits=("code_rejected",),
    ),
    Case(
        id="new-password-wrong-secret-from-code-sent-at-max-cancels",
        account=account(),
        flow=email_flow(kind=FORGOT, code_attempts=4),
        event=new_password("other-token", EMAIL),
        outcome=refused("code_invalid"),
        flows=(email_flow(kind=FORGOT, state=F.CANCELLED, code_attempts=5),),
        audits=("flow_cancelled",),
    ),
    Case(
        id="new-password-right-secret-on-wrong-channel",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=new_password(CODE, EMAIL),
        outcome=refused("code_invalid"),
    ),
    Case(
        id="new-password-expired",
        account=locked(),
        flow=flow(state=F.VERIFIED, expires_at=ago(seconds=1)),
        event=new_password(),
        outcome=refused("code_expired"),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired",),
    ),
    Case(
        id="new-password-stored-expired",
        account=locked(),
        flow=email_flow(state=F.EXPIRED),
        event=new_password(TOKEN, EMAIL),
        outcome=refused("code_expired"),
    ),
    Case(
        id="new-password-other-secret-on-expired-flow-is-not-told-expired",
        account=locked(),
        flow=email_flow(state=F.EXPIRED),
        event=new_password("other-token", EMAIL),
        outcome=refused("code_invalid"),
    ),
    Case(
        id="new-password-own-secret-of-flow-cancelled-for-too-many-attempts-is-told-why",
        account=locked(),
        flow=email_flow(state=F.CANCELLED, code_attempts=5),
        event=new_password(TOKEN, EMAIL),
        outcome=refused("too_many_attempts"),
    ),
    Case(
        id="new-password-secret-already-used",
        account=account(),
        flow=email_flow(state=F.COMPLETED),
        event=new_password(TOKEN, EMAIL),
        outcome=refused("code_used"),
    ),
    Case(
        id="new-password-other-secret-on-completed-flow",
        account=account(),
        flow=email_flow(state=F.COMPLETED),
        event=new_password("other-token", EMAIL),
        outcome=refused("code_invalid"),
    ),
    *(
        Case(
            id=f"new-password-right-secret-on-{name}-flow",
            account=locked(),
            flow=closed,
            event=new_password(),
            outcome=refused("code_invalid"),
        )
        for name, closed in CLOSED_OR_UNSENT
    ),
)


@pytest.mark.parametrize("case", NEW_PASSWORD_CASES)
def test_new_password_submitted(case: Case) -> None:
    check(case)


def test_new_password_does_not_enable_a_disabled_account() -> None:
    check(
        Case(
            id="disabled-account-with-open-flow",
            account=account(state=A.DISABLED),
            flow=flow(state=F.VERIFIED),
            event=new_password(),
            outcome=refused("account_disabled"),
        )
    )


# --- support staff (account events, keyed by the account state) -----------------

SUPPORT_CASES = table(
    # UnlockedBySupport
    Case(
        id="support-unlock-locked",
        account=locked(),
        event=support_unlock(),
        outcome=UNLOCKED,
        becomes=account(),
        audits=("account_unlocked",),
    ),
    Case(
        id="support-unlock-time-limited-lock",
        account=locked(locked_until=later(hours=1)),
        event=support_unlock(),
        outcome=UNLOCKED,
        becomes=account(),
        audits=("account_unlocked",),
    ),
    Case(
        id="support-unlock-keeps-the-open-flow",
        account=locked(),
        flow=flow(),
        event=support_unlock(),
        outcome=UNLOCKED,
        becomes=account(),
        audits=("account_unlocked",),
    ),
    Case(
        id="support-unlock-after-lock-expired-not-locked",
        account=locked(locked_until=ago(seconds=1)),
        event=support_unlock(),
        outcome=NOT_LOCKED,
        becomes=account(),
        audits=("lock_expired",),
    ),
    Case(
        id="support-unlock-active-clears-the-identity-back-off",
        account=account(),
        event=support_unlock(),
        identity_failures=FIVE_FAILURES,
        outcome=Outcome("not_locked", True, identity_failures_cleared=5),
        audits=("identity_failures_cleared",),
    ),
    Case(
        id="support-unlock-locked-clears-the-lock-and-the-identity-back-off",
        account=locked(),
        event=support_unlock(),
        identity_failures=FIVE_FAILURES,
        outcome=Outcome("unlocked", True, identity_failures_cleared=5),
        becomes=account(),
        audits=("account_unlocked", "identity_failures_cleared"),
    ),
    Case(
        id="support-unlock-clears-only-the-failures-since-the-last-clear",
        account=account(failed_attempts=1),
        event=support_unlock(),
        identity_failures=FIVE_FAILURES,
        identity_cleared_at=ago(hours=7),  # then 6 h and 2 min ago
        outcome=Outcome("not_locked", True, identity_failures_cleared=2),
        becomes=account(),
        audits=("failures_cleared", "identity_failures_cleared"),
    ),
    Case(
        id="support-unlock-nothing-to-clear-after-a-quiet-day",
        account=account(),
        event=support_unlock(),
        identity_failures=(ago(hours=30), ago(hours=25)),
        outcome=NOT_LOCKED,
    ),
    Case(
        id="support-unlock-active-clears-failures",
        account=account(failed_attempts=2),
        event=support_unlock(),
        outcome=NOT_LOCKED,
        becomes=account(),
        audits=("failures_cleared",),
    ),
    Case(
        id="support-unlock-active-without-failures",
        account=account(),
        event=support_unlock(),
        outcome=NOT_LOCKED,
    ),
    Case(
        id="support-unlock-send-reset-sms",
        account=locked(),
        event=support_unlock(SMS),
        outcome=UNLOCKED,
        becomes=account(),
        flows=(sent_sms(new_flow()),),
        audits=("account_unlocked", "flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="support-unlock-send-reset-sms-supersedes-open-flow",
        account=locked(),
        flow=email_flow(kind=FORGOT),
        event=support_unlock(SMS),
        outcome=UNLOCKED,
        becomes=account(),
        flows=(email_flow(kind=FORGOT, state=F.SUPERSEDED), sent_sms(new_flow())),
        audits=("account_unlocked", "flow_superseded", "flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        # nothing to unlock: refused, nothing cleared, nothing sent (account send-reset)
        id="support-unlock-send-reset-email-to-active-account",
        account=account(failed_attempts=1),
        flow=choosing(),
        event=support_unlock(EMAIL),
        outcome=refused("account_not_locked", reason="send_reset"),
    ),
    Case(
        id="support-unlock-send-reset-email-to-locked-account",
        account=locked(),
        event=support_unlock(EMAIL),
        outcome=UNLOCKED,
        becomes=account(),
        flows=(sent_email(new_flow()),),
        audits=("account_unlocked", "flow_started", "code_sent"),
        sent=(EMAIL_NEW,),
    ),
    Case(
        id="support-unlock-send-reset-sms-to-overseas-mobile",
        account=locked(**overseas()),
        flow=flow(),
        event=support_unlock(SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="support-unlock-send-reset-sms-without-mobile",
        account=locked(**no_mobile()),
        event=support_unlock(SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="support-unlock-send-reset-email-without-email",
        account=locked(**no_email()),
        event=support_unlock(EMAIL),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="support-unlock-send-reset-cooldown",
        account=locked(),
        flow=flow(),
        event=support_unlock(SMS),
        sends=(ago(seconds=20),),
        outcome=refused(
            "send_limited",
            retry_after=40,
            reason="unlock.cooldown",
            limit=SendLimit("cooldown", 40, ago(seconds=20), 1),
        ),
    ),
    Case(
        id="support-unlock-send-reset-daily-limit",
        account=locked(),
        event=support_unlock(EMAIL),
        sends=FIVE_IN_A_DAY,
        outcome=refused(
            "send_limited",
            retry_after=3600,
            reason="unlock.daily_limit",
            limit=SendLimit("daily_limit", 3600, ago(minutes=2), 5),
        ),
    ),
    Case(
        id="support-unlock-without-reset-ignores-send-limits",
        account=locked(),
        event=support_unlock(),
        sends=FIVE_IN_A_DAY,
        outcome=UNLOCKED,
        becomes=account(),
        audits=("account_unlocked",),
    ),
    Case(
        id="support-unlock-disabled",
        account=account(state=A.DISABLED),
        event=support_unlock(),
        outcome=refused("account_disabled"),
    ),
    Case(
        id="support-unlock-disabled-send-reset",
        account=locked(state=A.DISABLED),
        flow=flow(),
        event=support_unlock(SMS),
        outcome=refused("account_disabled"),
    ),
    # ResetSentBySupport: the state is untouched, a locked account stays locked
    Case(
        id="send-reset-sms-to-locked-account-keeps-the-lock",
        account=locked(),
        event=send_reset(SMS),
        outcome=RESET_SENT,
        flows=(sent_sms(new_flow()),),
        audits=("reset_sent_by_support", "flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="send-reset-email-to-active-account-is-a-forgot-flow",
        account=account(failed_attempts=1),
        flow=choosing(),
        event=send_reset(EMAIL),
        outcome=RESET_SENT,
        flows=(choosing(state=F.SUPERSEDED), sent_email(new_flow(FORGOT))),
        audits=("reset_sent_by_support", "flow_superseded", "flow_started", "code_sent"),
        sent=(EMAIL_NEW,),
    ),
    Case(
        id="send-reset-sms-to-overseas-mobile",
        account=account(**overseas()),
        event=send_reset(SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="send-reset-cooldown",
        account=locked(),
        flow=flow(),
        event=send_reset(EMAIL),
        sends=(ago(seconds=8),),
        outcome=refused(
            "send_limited",
            retry_after=52,
            reason="send_reset.cooldown",
            limit=SendLimit("cooldown", 52, ago(seconds=8), 1),
        ),
    ),
    Case(
        id="send-reset-daily-limit",
        account=account(),
        event=send_reset(SMS),
        sends=FIVE_IN_A_DAY,
        outcome=refused(
            "send_limited",
            retry_after=3600,
            reason="send_reset.daily_limit",
            limit=SendLimit("daily_limit", 3600, ago(minutes=2), 5),
        ),
    ),
    Case(
        id="send-reset-sms-to-active-account-is-a-forgot-flow",
        account=account(),
        event=send_reset(SMS),
        outcome=RESET_SENT,
        flows=(sent_sms(new_flow(FORGOT)),),
        audits=("reset_sent_by_support", "flow_started", "code_sent"),
        sent=(SMS_NEW,),
    ),
    Case(
        id="send-reset-email-to-locked-account-supersedes-its-flow",
        account=locked(),
        flow=choosing(),
        event=send_reset(EMAIL),
        outcome=RESET_SENT,
        flows=(choosing(state=F.SUPERSEDED), sent_email(new_flow())),
        audits=("reset_sent_by_support", "flow_superseded", "flow_started", "code_sent"),
        sent=(EMAIL_NEW,),
    ),
    Case(
        id="send-reset-sms-to-locked-overseas-mobile",
        account=locked(**overseas()),
        event=send_reset(SMS),
        outcome=refused("channel_unavailable"),
    ),
    Case(
        id="send-reset-disabled",
        account=account(state=A.DISABLED),
        event=send_reset(SMS),
        outcome=refused("account_disabled"),
    ),
    # DisabledBySupport
    Case(
        id="disable-active",
        account=account(),
        event=DISABLE,
        outcome=DISABLED,
        becomes=account(state=A.DISABLED),
        audits=("account_disabled",),
    ),
    Case(
        id="disable-active-cancels-the-open-flow",
        account=account(failed_attempts=1),
        flow=flow(kind=FORGOT),
        event=DISABLE,
        outcome=DISABLED,
        becomes=account(state=A.DISABLED, failed_attempts=1),
        flows=(flow(kind=FORGOT, state=F.CANCELLED),),
        audits=("account_disabled", "flow_cancelled"),
    ),
    Case(
        id="disable-locked-keeps-the-lock-record",
        account=locked(),
        event=DISABLE,
        outcome=DISABLED,
        becomes=locked(state=A.DISABLED),
        audits=("account_disabled",),
    ),
    Case(
        id="disable-locked-cancels-the-verified-flow",
        account=locked(),
        flow=flow(state=F.VERIFIED),
        event=DISABLE,
        outcome=DISABLED,
        becomes=locked(state=A.DISABLED),
        flows=(flow(state=F.CANCELLED),),
        audits=("account_disabled", "flow_cancelled"),
    ),
    Case(
        id="disable-locked-cancels-the-choosing-flow",
        account=locked(),
        flow=choosing(),
        event=DISABLE,
        outcome=DISABLED,
        becomes=locked(state=A.DISABLED),
        flows=(choosing(state=F.CANCELLED),),
        audits=("account_disabled", "flow_cancelled"),
    ),
    Case(
        id="disable-leaves-a-completed-flow",
        account=account(),
        flow=flow(state=F.COMPLETED),
        event=DISABLE,
        outcome=DISABLED,
        becomes=account(state=A.DISABLED),
        audits=("account_disabled",),
    ),
    Case(
        id="disable-after-flow-expired",
        account=locked(),
        flow=flow(expires_at=ago(seconds=1)),
        event=DISABLE,
        outcome=DISABLED,
        becomes=locked(state=A.DISABLED),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired", "account_disabled"),
    ),
    Case(
        id="disable-after-lock-expired",
        account=locked(locked_until=ago(seconds=1)),
        event=DISABLE,
        outcome=DISABLED,
        becomes=account(state=A.DISABLED),
        audits=("lock_expired", "account_disabled"),
    ),
    Case(
        id="disable-already-disabled",
        account=account(state=A.DISABLED),
        event=DISABLE,
        outcome=Outcome("already_disabled", True),
    ),
    Case(
        id="disable-already-disabled-with-flow",
        account=locked(state=A.DISABLED),
        flow=flow(state=F.CANCELLED),
        event=DisabledBySupport("again"),
        outcome=Outcome("already_disabled", True),
    ),
    # EnabledBySupport
    Case(
        id="enable-disabled",
        account=account(state=A.DISABLED, failed_attempts=2),
        event=ENABLE,
        outcome=ENABLED,
        becomes=account(),
        audits=("account_enabled",),
    ),
    Case(
        id="enable-disabled-clears-the-lock-record",
        account=locked(state=A.DISABLED, locked_until=later(hours=1)),
        event=ENABLE,
        outcome=ENABLED,
        becomes=account(),
        audits=("account_enabled",),
    ),
    Case(
        id="enable-active",
        account=account(failed_attempts=1),
        event=ENABLE,
        outcome=Outcome("already_enabled", True),
    ),
    Case(
        id="enable-locked-stays-locked",
        account=locked(),
        flow=flow(),
        event=ENABLE,
        outcome=Outcome("already_enabled", True),
    ),
    # ChannelsChanged, in every account state
    Case(
        id="channels-email-changed-notifies-the-old-address",
        account=account(),
        event=channels(email=NEW_ADDRESS),
        outcome=CHANNELS_CHANGED,
        becomes=account(email=NEW_ADDRESS),
        audits=("channels_changed",),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-email-removed-notifies-the-old-address",
        account=locked(),
        event=channels(email=None),
        outcome=CHANNELS_CHANGED,
        becomes=locked(email=None),
        audits=("channels_changed",),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-email-added-nobody-to-notify",
        account=locked(**no_email()),
        event=channels(email=NEW_ADDRESS),
        outcome=CHANNELS_CHANGED,
        becomes=locked(email=NEW_ADDRESS),
        audits=("channels_changed",),
    ),
    Case(
        id="channels-mobile-added",
        account=locked(**no_mobile()),
        event=channels(),
        outcome=CHANNELS_CHANGED,
        becomes=locked(),
        audits=("channels_changed",),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-mobile-removed",
        account=account(failed_attempts=2),
        event=channels(mobile=None),
        outcome=CHANNELS_CHANGED,
        becomes=account(failed_attempts=2, **no_mobile()),
        audits=("channels_changed",),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-overseas-mobile-replaced-by-metropolitan",
        account=account(**overseas()),
        event=channels(mobile=NEW_MOBILE),
        outcome=CHANNELS_CHANGED,
        becomes=account(mobile=NEW_MOBILE, sms_capable=True),
        audits=("channels_changed",),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-changed-cancels-the-open-flow",
        account=locked(),
        flow=flow(),
        event=channels(mobile=NEW_MOBILE),
        outcome=CHANNELS_CHANGED,
        becomes=locked(mobile=NEW_MOBILE),
        flows=(flow(state=F.CANCELLED),),
        audits=("channels_changed", "flow_cancelled"),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-changed-leaves-an-expired-flow",
        account=locked(),
        flow=email_flow(expires_at=ago(seconds=1)),
        event=channels(email=NEW_ADDRESS, mobile=None),
        outcome=CHANNELS_CHANGED,
        becomes=locked(email=NEW_ADDRESS, **no_mobile()),
        flows=(email_flow(state=F.EXPIRED, expires_at=ago(seconds=1)),),
        audits=("flow_expired", "channels_changed"),
        sent=(CHANNELS_NOTICE,),
    ),
    Case(
        id="channels-changed-without-notify-on-channel-change",
        account=account(),
        flow=choosing(kind=FORGOT),
        event=channels(email=NEW_ADDRESS),
        policy={"notify_on_channel_change": False},
        outcome=CHANNELS_CHANGED,
        becomes=account(email=NEW_ADDRESS),
        flows=(choosing(kind=FORGOT, state=F.CANCELLED),),
        audits=("channels_changed", "flow_cancelled"),
    ),
    Case(
        id="channels-changed-on-disabled-account",
        account=account(state=A.DISABLED),
        event=channels(email=NEW_ADDRESS, mobile=NEW_MOBILE),
        outcome=CHANNELS_CHANGED,
        becomes=account(state=A.DISABLED, email=NEW_ADDRESS, mobile=NEW_MOBILE),
        audits=("channels_changed",),
        sent=(CHANNELS_NOTICE,),
    ),
    *(
        Case(
            id=f"channels-unchanged-on-{before.state}-account",
            account=before,
            flow=flow(),
            event=channels(),
            outcome=Outcome("unchanged", True),
        )
        for before in (account(), locked(), account(state=A.DISABLED))
    ),
    Case(
        id="channels-unchanged-without-email-or-mobile",
        account=locked(**no_email(**no_mobile())),
        event=channels(email=None, mobile=None),
        outcome=Outcome("unchanged", True),
    ),
    # a disabled account's flow goes nowhere (keyed by the account state)
    Case(
        id="disabled-choose-channel-on-open-flow",
        account=account(state=A.DISABLED),
        flow=choosing(),
        event=choose(SMS),
        outcome=refused("account_disabled"),
    ),
    Case(
        id="disabled-choose-channel-without-flow",
        account=account(state=A.DISABLED),
        event=choose(EMAIL),
        outcome=refused("account_disabled"),
    ),
    Case(
        id="disabled-right-code-not-verified",
        account=locked(state=A.DISABLED),
        flow=flow(),
        event=submit(),
        outcome=refused("account_disabled"),
    ),
    Case(
        id="disabled-wrong-code-not-counted-and-not-told",
        account=account(state=A.DISABLED),
        flow=flow(code_attempts=4),
        event=submit("WrongCode2"),
        outcome=refused("code_invalid"),
    ),
    Case(
        id="disabled-new-password-on-verified-flow",
        account=account(state=A.DISABLED),
        flow=email_flow(state=F.VERIFIED),
        event=new_password(TOKEN, EMAIL),
        outcome=refused("account_disabled"),
    ),
    Case(
        id="disabled-new-password-other-secret-not-told",
        account=account(state=A.DISABLED),
        flow=email_flow(state=F.VERIFIED),
        event=new_password("other-token", EMAIL),
        outcome=refused("code_invalid"),
    ),
    Case(
        id="disabled-new-password-on-expired-flow",
        account=account(state=A.DISABLED),
        flow=flow(state=F.VERIFIED, expires_at=ago(seconds=1)),
        event=new_password(),
        outcome=refused("account_disabled"),
        flows=(EXPIRED_FLOW,),
        audits=("flow_expired",),
    ),
)


@pytest.mark.parametrize("case", SUPPORT_CASES)
def test_support(case: Case) -> None:
    check(case)


# --- the table itself --------------------------------------------------------------

ALL_CASES: list[Case] = [
    p.values[0]  # type: ignore[attr-defined]
    for p in (
        *LOGIN_CASES,
        *IDENTITY_CASES,
        *CHANNEL_CASES,
        *CODE_CASES,
        *NEW_PASSWORD_CASES,
        *SUPPORT_CASES,
    )
]
ACCOUNT_EVENTS = (
    PasswordChecked,
    IdentityChecked,
    UnlockedBySupport,
    ResetSentBySupport,
    DisabledBySupport,
    EnabledBySupport,
    ChannelsChanged,
)
FLOW_EVENTS = (ChannelChosen, CodeSubmitted, NewPasswordSubmitted)


def test_table_is_total() -> None:
    """Every account state meets every account event, every flow state (or no
    flow) every flow event, and a disabled account every flow event: nothing
    else, nothing missing."""
    expected = (
        set(itertools.product(AccountState, ACCOUNT_EVENTS))
        | set(itertools.product((*FlowState, None), FLOW_EVENTS))
        | set(itertools.product([A.DISABLED], FLOW_EVENTS))
        | {(None, AccountCreated)}  # creation: no account yet, and only then
    )
    assert set(TRANSITIONS) == expected
    assert len(TRANSITIONS) == 3 * 7 + 8 * 3 + 1 * 3 + 1


@pytest.mark.parametrize(
    ("snapshot", "event", "state"),
    [
        pytest.param(Snapshot(locked(), flow()), WRONG, A.LOCKED, id="login-locked"),
        pytest.param(Snapshot(locked(), flow()), choose(SMS), F.CODE_SENT, id="flow-event"),
        pytest.param(Snapshot(locked()), submit(), None, id="flow-event-without-flow"),
        pytest.param(Snapshot(account(), flow()), DISABLE, A.ACTIVE, id="support-event"),
        pytest.param(
            Snapshot(account(state=A.DISABLED), flow()),
            submit(),
            A.DISABLED,
            id="flow-event-on-disabled-account",
        ),
        pytest.param(
            Snapshot(account(state=A.DISABLED)),
            choose(SMS),
            A.DISABLED,
            id="flow-event-on-disabled-account-without-flow",
        ),
        pytest.param(Snapshot(account(state=A.DISABLED), flow()), ENABLE, A.DISABLED, id="enable"),
    ],
)
def test_dispatch_state(snapshot: Snapshot, event: Event, state: State) -> None:
    assert dispatch_state(snapshot, event) == state


def test_every_table_entry_is_exercised() -> None:
    exercised = {case.table_key() for case in ALL_CASES}
    # Creation has no snapshot to build a Case from: the creation tests below exercise it.
    exercised |= {(None, type(event)) for event in CREATIONS}
    assert set(TRANSITIONS) - exercised == set()


def moved_to(before: Snapshot, decision: Decision) -> set[AccountState | FlowState]:
    """The states a decision moves records into: the account's when it changes,
    a new flow's, and a written flow's when it changes."""
    moved: set[AccountState | FlowState] = set()
    if decision.account.state is not before.account.state:
        moved.add(decision.account.state)
    for written in decision.flows:
        if (
            before.flow is None
            or before.flow.id != written.id
            or written.state is not before.flow.state
        ):
            moved.add(written.state)
    return moved


def row_decision(
    snapshot: Snapshot, event: Event, ctx: Context
) -> tuple[machine.Row[object], Decision]:
    """The row `step` uses and its rule's own decision (time-based expiry apart)."""
    expired, _ = expire(snapshot, ctx.now)
    row = row_for(expired, event)
    return row, row.rule(expired, event, ctx)


def check_declaration(snapshot: Snapshot, event: Event, ctx: Context) -> None:
    """The decision stays inside its row: next states, outcome, effect types."""
    row, decision = row_decision(snapshot, event, ctx)
    expired, _ = expire(snapshot, ctx.now)
    where = f"{row.state} on {row.event.__name__}"
    assert decision.outcome.code in row.outcomes, (where, decision.outcome)
    assert moved_to(expired, decision) <= row.to, (where, moved_to(expired, decision))
    assert {type(e) for e in decision.effects} <= row.effects, (where, decision.effects)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in ALL_CASES])
def test_every_case_stays_inside_its_row(case: Case) -> None:
    check_declaration(case.snapshot(), case.event, case.context())


# What a row declares, or a decision shows of its row: (row key, "outcome", code),
# (row key, "to", state), (row key, "effect", effect type).
Shown = tuple[tuple[State, type], str, object]


def declared(row: machine.Row[object]) -> set[Shown]:
    key = (row.state, row.event)
    return {
        *((key, "outcome", code) for code in row.outcomes),
        *((key, "to", state) for state in row.to),
        *((key, "effect", kind) for kind in row.effects),
    }


def shown(snapshot: Snapshot | None, event: Event, ctx: Context) -> set[Shown]:
    """What one decision shows of its row: its outcome, the states it moves
    records into and its effect types (time-based expiry apart)."""
    if snapshot is None:  # creation: the new account and its flows all move
        key: tuple[State, type] = (None, type(event))
        decision = step(None, event, ctx)
        moved = {decision.account.state, *(f.state for f in decision.flows)}
    else:
        row, decision = row_decision(snapshot, event, ctx)
        key, moved = (row.state, row.event), moved_to(expire(snapshot, ctx.now)[0], decision)
    return {
        (key, "outcome", decision.outcome.code),
        *((key, "to", state) for state in moved),
        *((key, "effect", type(effect)) for effect in decision.effects),
    }


def test_every_declaration_is_produced_by_a_case() -> None:
    """The converse of `check_declaration`: every outcome, next state and effect
    type a row declares is produced by at least one hand-written case (creation
    by its own events, there being no snapshot), so a row cannot over-declare."""
    produced = set().union(
        *(shown(case.snapshot(), case.event, case.context()) for case in ALL_CASES),
        *(shown(None, event, CTX) for event in CREATIONS),
    )
    missing = set().union(*(declared(row) for row in TRANSITIONS.values())) - produced
    lines = sorted(
        f"{state} on {event.__name__}: {what} {getattr(value, '__name__', value)}"
        for (state, event), what, value in missing
    )
    assert not lines, "declared, but produced by no case:\n" + "\n".join(lines)


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in ALL_CASES]
    assert len(ids) == len(set(ids))


def test_missing_entry_raises_illegal_transition(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(machine.TRANSITIONS, (A.LOCKED, PasswordChecked))
    snapshot = Snapshot(locked(), flow())
    with pytest.raises(IllegalTransition, match=r"^no rule for locked on PasswordChecked$"):
        step(snapshot, WRONG, CTX)
    # The other entries still answer.
    assert step(Snapshot(account()), WRONG, CTX).outcome == refused("auth_failed")


def test_missing_flow_entry_raises_illegal_transition(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(machine.TRANSITIONS, (None, CodeSubmitted))
    with pytest.raises(IllegalTransition, match=r"^no rule for None on CodeSubmitted$"):
        step(Snapshot(locked()), submit(), CTX)


# --- exact audit records and message details -------------------------------------


def decide(
    acct: Account,
    event: Event,
    fl: Flow | None = None,
    **policy: object,
) -> Decision:
    return step(Snapshot(acct, fl), event, Context(NOW, replace(Policy(), **policy)))  # type: ignore[arg-type]


AUDITS = [
    pytest.param(
        account(failed_attempts=2),
        None,
        WRONG,
        (
            Audit("login_failed", A.ACTIVE, A.ACTIVE, {"failed_attempts": "3"}),
            Audit("account_locked", A.ACTIVE, A.LOCKED),
        ),
        id="lock",
    ),
    pytest.param(
        account(),
        None,
        RIGHT,
        (Audit("login_succeeded", A.ACTIVE, A.ACTIVE, {}),),
        id="login",
    ),
    pytest.param(
        locked(locked_until=ago(seconds=1)),
        None,
        WRONG,
        (
            Audit("lock_expired", A.LOCKED, A.ACTIVE),
            Audit("login_failed", A.ACTIVE, A.ACTIVE, {"failed_attempts": "1"}),
        ),
        id="lock-expired",
    ),
    pytest.param(
        locked(),
        flow(),
        password(False, typed=CODE),
        (Audit("code_verified", F.CODE_SENT, F.VERIFIED, {"via": "login"}, "flow-1"),),
        id="temporary-password",
    ),
    pytest.param(
        locked(),
        flow(code_attempts=2),
        WRONG,
        (
            Audit("login_refused", A.LOCKED, A.LOCKED),
            Audit("code_rejected", F.CODE_SENT, F.CODE_SENT, {"attempts": "3"}, "flow-1"),
        ),
        id="locked-login-with-flow",
    ),
    pytest.param(
        account(),
        None,
        identity(FORGOT, dob=False),
        (Audit("identity_failed", A.ACTIVE, A.ACTIVE, {"kind": "forgot"}),),
        id="identity-failed",
    ),
    pytest.param(
        locked(),
        flow(),
        identity(channel=EMAIL),
        (
            Audit("flow_superseded", F.CODE_SENT, F.SUPERSEDED, flow_id="flow-1"),
            Audit("flow_started", None, F.CHOOSE_CHANNEL, {"kind": "unlock"}, "flow-new"),
            Audit("code_sent", F.CHOOSE_CHANNEL, F.CODE_SENT, {"channel": "email"}, "flow-new"),
        ),
        id="supersede-and-send",
    ),
    pytest.param(
        locked(),
        flow(expires_at=NOW),
        choose(SMS),
        (Audit("flow_expired", F.CODE_SENT, F.EXPIRED, flow_id="flow-1"),),
        id="flow-expired",
    ),
    pytest.param(
        locked(),
        flow(),
        submit(CODE),
        (Audit("code_verified", F.CODE_SENT, F.VERIFIED, {"via": "sms"}, "flow-1"),),
        id="code-verified",
    ),
    pytest.param(
        locked(),
        flow(code_attempts=4),
        submit("WrongCode2"),
        (
            Audit(
                "flow_cancelled",
                F.CODE_SENT,
                F.CANCELLED,
                {"reason": "too_many_attempts"},
                "flow-1",
            ),
        ),
        id="flow-cancelled",
    ),
    pytest.param(
        locked(),
        email_flow(state=F.VERIFIED),
        new_password(TOKEN, EMAIL),
        (
            Audit("flow_completed", F.VERIFIED, F.COMPLETED, {"kind": "unlock"}, "flow-1"),
            Audit("password_changed", A.LOCKED, A.ACTIVE, flow_id="flow-1"),
            Audit("account_unlocked", A.LOCKED, A.ACTIVE, flow_id="flow-1"),
        ),
        id="password-changed",
    ),
    pytest.param(
        locked(),
        None,
        support_unlock(),
        (
            Audit(
                "account_unlocked", A.LOCKED, A.ACTIVE, {"reason": UNLOCK_REASON, "by": "support"}
            ),
        ),
        id="support-unlock",
    ),
    pytest.param(
        account(failed_attempts=2),
        None,
        support_unlock(),
        (
            Audit(
                "failures_cleared", A.ACTIVE, A.ACTIVE, {"reason": UNLOCK_REASON, "by": "support"}
            ),
        ),
        id="support-clears-failures",
    ),
    pytest.param(
        locked(),
        flow(),
        support_unlock(SMS),
        (
            Audit(
                "account_unlocked", A.LOCKED, A.ACTIVE, {"reason": UNLOCK_REASON, "by": "support"}
            ),
            Audit("flow_superseded", F.CODE_SENT, F.SUPERSEDED, flow_id="flow-1"),
            Audit("flow_started", None, F.CHOOSE_CHANNEL, {"kind": "unlock"}, "flow-new"),
            Audit("code_sent", F.CHOOSE_CHANNEL, F.CODE_SENT, {"channel": "sms"}, "flow-new"),
        ),
        id="support-unlock-send-reset",
    ),
    pytest.param(
        locked(),
        flow(state=F.VERIFIED),
        DISABLE,
        (
            Audit("account_disabled", A.LOCKED, A.DISABLED, {"reason": DISABLE_REASON}),
            Audit(
                "flow_cancelled",
                F.VERIFIED,
                F.CANCELLED,
                {"reason": "account_disabled"},
                "flow-1",
            ),
        ),
        id="disable",
    ),
    pytest.param(
        account(state=A.DISABLED),
        None,
        ENABLE,
        (Audit("account_enabled", A.DISABLED, A.ACTIVE, {"reason": ENABLE_REASON}),),
        id="enable",
    ),
    pytest.param(
        locked(),
        choosing(),
        channels(email=NEW_ADDRESS, mobile=None),
        (
            Audit(
                "channels_changed",
                A.LOCKED,
                A.LOCKED,
                {"reason": CHANNELS_REASON, "email": "changed", "mobile": "removed"},
            ),
            Audit(
                "flow_cancelled",
                F.CHOOSE_CHANNEL,
                F.CANCELLED,
                {"reason": "channels_changed"},
                "flow-1",
            ),
        ),
        id="channels-changed",
    ),
    pytest.param(
        account(state=A.DISABLED, **no_email(**no_mobile())),
        None,
        channels(),
        (
            Audit(
                "channels_changed",
                A.DISABLED,
                A.DISABLED,
                {"reason": CHANNELS_REASON, "email": "added", "mobile": "added"},
            ),
        ),
        id="channels-added",
    ),
]


@pytest.mark.parametrize(("acct", "fl", "event", "expected"), AUDITS)
def test_audit_records(
    acct: Account, fl: Flow | None, event: Event, expected: tuple[Audit, ...]
) -> None:
    assert audits_of(decide(acct, event, fl)) == expected


def test_reset_url_with_a_query_string_gets_an_ampersand() -> None:
    url = "https://espace.example/reset?lang=fr"
    decision = decide(locked(), choose(EMAIL), choosing(), reset_url=url)
    (mail,) = sent_of(decision)
    assert f"{url}&token={FRESH.link_token}" in mail.body.splitlines()
    assert f"{url}&token={messages.REDACTED}" in mail.redacted_body.splitlines()


def test_message_minutes_round_up() -> None:
    decision = decide(locked(), choose(SMS), choosing(), sms_code_ttl_seconds=90)
    (sms,) = sent_of(decision)
    assert sms.body.splitlines()[2].startswith("Valable 2 min. ")
    assert decision.flow is not None
    assert decision.flow.expires_at == later(seconds=90)


def test_messages_follow_the_members_language() -> None:
    """What a member receives is written in the account's language: the step has
    no other (the operator's `--lang` never reaches the rules)."""
    assert "lang" not in {f.name for f in fields(Context)}
    decision = decide(locked(language="en"), choose(SMS), choosing())
    (sms,) = sent_of(decision)
    assert sms.body.splitlines()[:2] == [
        "Espace personnel - your temporary password:",
        FRESH.sms_code,
    ]
    assert sms.redacted_body.splitlines()[:2] == [
        "Espace personnel - your temporary password:",
        messages.REDACTED,
    ]
    (mail,) = sent_of(decide(locked(language="en"), choose(EMAIL), choosing()))
    assert isinstance(mail, SendEmail)
    assert mail.subject == "Espace personnel: change your password"
    (lock,) = sent_of(decide(account(failed_attempts=2, language="en"), WRONG))
    assert isinstance(lock, SendEmail)
    assert lock.subject == "Espace personnel: your credentials are locked"
    (notice,) = sent_of(decide(account(language="en"), channels(email=NEW_ADDRESS)))
    assert isinstance(notice, SendEmail)
    assert notice.to == ADDRESS
    assert notice.subject == "Espace personnel: your contact details were changed"
    (french,) = sent_of(decide(locked(), choose(SMS), choosing()))
    assert french.body.startswith("Espace personnel - votre mot de passe temporaire :\n")


def test_password_changed_notice_in_the_members_language() -> None:
    verified = flow(state=F.VERIFIED)
    changed = decide(locked(language="en"), new_password(), verified)
    notices = [m for m in sent_of(changed) if isinstance(m, SendEmail)]
    assert [m.subject for m in notices] == ["Espace personnel: your password was changed"]


def test_created_account_keeps_the_language_it_is_given() -> None:
    created = step(None, replace(NEW, language="en"), CTX)
    assert created.account.language == "en"
    assert step(None, NEW, CTX).account.language == "fr"


def test_a_new_language_alone_keeps_the_open_flow_and_tells_nobody() -> None:
    event = ChannelsChanged(ADDRESS, MOBILE, True, "appel", language="en")
    decision = decide(locked(), event, flow())
    assert decision.outcome == Outcome("channels_changed", True)
    assert decision.account.language == "en"
    assert decision.flows == ()
    assert audits_of(decision) == (
        Audit("channels_changed", A.LOCKED, A.LOCKED, {"reason": "appel", "language": "en"}),
    )
    same = decide(account(language="en"), event)
    assert same.outcome == Outcome("unchanged", True)


def test_organization_names_the_messages() -> None:
    decision = decide(locked(), choose(EMAIL), choosing(), organization="Ameli")
    (mail,) = sent_of(decision)
    assert isinstance(mail, SendEmail)
    assert mail.subject == "Ameli : changez votre mot de passe"
    assert mail.body.endswith("\n\nAmeli\n")


def test_decision_flow_is_the_last_flow_written() -> None:
    decision = decide(locked(), identity(channel=SMS), flow())
    assert decision.flow == sent_sms(new_flow())
    assert decide(locked(), WRONG).flow is None


# --- invariants over random event sequences ---------------------------------------

MOSTLY = st.sampled_from([True, True, True, False])
ON_FLOW = st.sampled_from(["flow", "flow", SMS, EMAIL])  # "flow": the current flow's channel
IDENTITY_SPECS = st.tuples(
    st.just("identity"), st.sampled_from(FlowKind), MOSTLY, st.sampled_from([None, SMS, EMAIL])
)
EVENT_SPECS = st.one_of(
    st.tuples(st.just("password"), st.booleans(), st.booleans()),
    IDENTITY_SPECS,
    IDENTITY_SPECS,  # twice as likely: most of the machine needs a flow
    st.tuples(st.just("choose"), st.sampled_from(Channel)),
    st.tuples(st.just("submit"), ON_FLOW, MOSTLY),
    st.tuples(st.just("new_password"), ON_FLOW, MOSTLY),
    st.tuples(st.just("support_unlock"), st.sampled_from([None, None, SMS, EMAIL])),
    st.tuples(st.just("send_reset"), st.sampled_from(Channel)),
    st.tuples(st.just("disable")),
    st.tuples(st.just("enable")),
    st.tuples(
        st.just("channels"),
        st.sampled_from([ADDRESS, NEW_ADDRESS, None]),
        st.sampled_from([MOBILE, NEW_MOBILE, OVERSEAS, None]),
    ),
)
# Mostly seconds apart (cooldowns, attempts), sometimes past a TTL, a lock or a day.
ADVANCES = st.one_of(st.integers(0, 120), st.sampled_from([601, 1801, 3600, 86400]))


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    return Policy(
        max_failed_attempts=draw(st.integers(1, 4)),
        lock_seconds=draw(st.sampled_from([0, 600])),
        flow_ttl_seconds=draw(st.sampled_from([300, 900])),
        sms_code_ttl_seconds=draw(st.sampled_from([120, 600])),
        max_code_attempts=draw(st.integers(1, 5)),
        resend_cooldown_seconds=draw(st.sampled_from([0, 60])),
        max_codes_per_day=draw(st.integers(1, 5)),
        max_identity_failures=draw(st.integers(1, 5)),
        notify_on_lock=draw(st.booleans()),
        notify_on_password_change=draw(st.booleans()),
        notify_on_channel_change=draw(st.booleans()),
    )


@st.composite
def starting_accounts(draw: st.DrawFn, policy: Policy) -> Account:
    mobile = draw(st.sampled_from([MOBILE, MOBILE, OVERSEAS, None]))
    start = account(
        email=draw(st.sampled_from([ADDRESS, ADDRESS, None])),
        mobile=mobile,
        sms_capable=mobile == MOBILE,
        failed_attempts=draw(st.integers(0, policy.max_failed_attempts - 1)),
    )
    state = draw(st.sampled_from([A.ACTIVE, A.ACTIVE, A.LOCKED, A.LOCKED, A.DISABLED]))
    if state is A.ACTIVE:
        return start
    if state is A.DISABLED:
        return replace(start, state=A.DISABLED)
    return replace(
        start,
        state=A.LOCKED,
        failed_attempts=policy.max_failed_attempts,
        locked_at=ago(hours=1),
        locked_until=later(seconds=policy.lock_seconds) if policy.lock_seconds else None,
    )


START_SECRET = "Start00Kq7"


@st.composite
def starting_flows(draw: st.DrawFn, acct: Account, policy: Policy) -> Flow | None:
    """None (most sequences start without a flow), or a flow in any state, so
    that every flow row is met often; an open flow only on a channel the
    account has, and never on a disabled account (disabling cancels it)."""
    state = draw(st.sampled_from([None, None, *FlowState]))
    usable = [c for c in (SMS, EMAIL) if c in machine.usable_channels(acct)]
    if state is None or (state.is_open and (acct.state is A.DISABLED or not usable)):
        return None
    channel = None if state is F.CHOOSE_CHANNEL else draw(st.sampled_from(usable or [SMS, EMAIL]))
    return Flow(
        id="flow-start",
        account_id=acct.id,
        kind=draw(st.sampled_from(FlowKind)),
        state=state,
        channel=channel,
        secret_digest=None if channel is None else secret_digest(START_SECRET),
        expires_at=later(seconds=draw(st.sampled_from([60, 900]))),
        code_attempts=draw(st.integers(0, policy.max_code_attempts)),
        created_at=ago(minutes=5),
    )


def build_event(spec: tuple[object, ...], current: Flow | None, fresh: FreshSecrets) -> Event:
    """The event a spec describes; "right" secrets are the current flow's."""
    wrong = secret_digest("certainly-not-the-secret")
    flow_digest = current.secret_digest if current and current.secret_digest else wrong
    flow_channel = current.channel if current and current.channel else SMS
    match spec:
        case ("password", bool(matched), bool(typed_flow_secret)):
            return PasswordChecked(matched, flow_digest if typed_flow_secret else wrong)
        case ("identity", FlowKind() as kind, bool(dob), channel):
            return IdentityChecked(kind, dob, channel, fresh)  # type: ignore[arg-type]
        case ("choose", Channel() as channel):
            return ChannelChosen(channel, fresh)
        case ("submit", channel, bool(right)):
            on = flow_channel if channel == "flow" else channel
            return CodeSubmitted(on, flow_digest if right else wrong)  # type: ignore[arg-type]
        case ("new_password", channel, bool(right)):
            on = flow_channel if channel == "flow" else channel
            return NewPasswordSubmitted(on, flow_digest if right else wrong, NEW_HASH)  # type: ignore[arg-type]
        case ("support_unlock", (Channel() | None) as send_reset):
            return UnlockedBySupport("support", send_reset, fresh)
        case ("send_reset", Channel() as channel):
            return ResetSentBySupport("support", channel, fresh)
        case ("disable",):
            return DisabledBySupport("support")
        case ("enable",):
            return EnabledBySupport("support")
        case ("channels", (str() | None) as email, (str() | None) as mobile):
            return channels(email, mobile)
    raise AssertionError(spec)


def check_invariants(
    before: Account, event: Event, decision: Decision, policy: Policy, secrets: list[str]
) -> None:
    acct = decision.account
    assert acct.failed_attempts <= policy.max_failed_attempts
    # A disabled account keeps the record of the lock it was disabled in.
    if acct.state is A.LOCKED:
        assert acct.locked_at is not None
    if acct.locked_at is not None:
        assert acct.state in (A.LOCKED, A.DISABLED)
    assert sum(f.state.is_open for f in decision.flows) <= 1
    # Only EnabledBySupport brings a disabled account back, and nothing flows meanwhile.
    if before.state is A.DISABLED and not isinstance(event, EnabledBySupport):
        assert acct.state is A.DISABLED
    if acct.state is A.DISABLED:
        assert not any(f.state.is_open for f in decision.flows)
        assert all(message.flow_id is None for message in sent_of(decision))
    # A secret goes only to the channels the account has after the step.
    for message in sent_of(decision):
        if message.flow_id is not None:
            assert message.to == (acct.mobile if isinstance(message, SendSms) else acct.email)
    if any(f.state is F.COMPLETED for f in decision.flows):
        assert acct.state is A.ACTIVE
        assert acct.failed_attempts == 0
    audit_texts = [
        text
        for effect in decision.effects
        if isinstance(effect, Audit)
        for text in (*effect.detail.values(), json.dumps(effect.detail))
    ]
    for message in sent_of(decision):
        assert all(message.body not in text for text in audit_texts)
        for secret in secrets:
            assert secret not in message.redacted_body
    for secret in secrets:
        assert all(secret not in text for text in audit_texts)


@settings(database=None, deadline=None, max_examples=300)
@given(data=st.data())
def test_invariants_hold_over_random_sequences(data: st.DataObject) -> None:
    policy = data.draw(policies(), label="policy")
    acct = data.draw(starting_accounts(policy), label="account")
    steps = data.draw(
        st.lists(st.tuples(ADVANCES, EVENT_SPECS), min_size=3, max_size=30), label="steps"
    )
    current = data.draw(starting_flows(acct, policy), label="flow")
    now = NOW
    sends: list[datetime] = []
    identity_failures: list[datetime] = []
    stored: dict[str, Flow] = {} if current is None else {current.id: current}
    secrets: list[str] = [START_SECRET]
    for i, (advance, spec) in enumerate(steps):
        now += timedelta(seconds=advance)
        fresh = FreshSecrets(f"flow-{i}", f"Sms{i:03d}Kq7", f"link-token-{i:03d}-Zx9Wv")
        secrets += [fresh.sms_code, fresh.link_token]
        snapshot = Snapshot(acct, current, tuple(sends), tuple(identity_failures))
        event = build_event(spec, current, fresh)
        decision = step(snapshot, event, Context(now, policy))

        check_declaration(snapshot, event, Context(now, policy))
        check_invariants(acct, event, decision, policy, secrets)
        acct = decision.account
        stored.update({f.id: f for f in decision.flows})
        assert sum(f.state.is_open for f in stored.values()) <= 1
        if "channels_changed" in audit_names(decision):
            # A flow begun on the old channels does not outlive them.
            assert not any(f.state.is_open for f in stored.values())
        opened = [f for f in decision.flows if f.state.is_open]
        if opened:
            current = opened[-1]
        elif current is not None:
            current = stored.get(current.id, current)
        for effect in decision.effects:
            if isinstance(effect, Audit) and effect.event == "code_sent":
                sends.append(now)
            if isinstance(effect, Audit) and effect.event == "identity_failed":
                identity_failures.append(now)
        for message in sent_of(decision):
            if message.flow_id is not None:
                sent_flow = stored[message.flow_id]
                secret = fresh.sms_code if sent_flow.channel is SMS else fresh.link_token
                assert secret in message.body.splitlines() or any(
                    line.endswith(f"token={secret}") for line in message.body.splitlines()
                )
                assert sent_flow.secret_digest == secret_digest(secret)


# --- creation: no account → active ----------------------------------------------

NEW = AccountCreated(
    nir="295109912611193",
    birth_date=date(1995, 10, 15),
    email="marie@example.fr",
    mobile="+33612345678",
    sms_capable=True,
    password_hash="$argon2id$hash",
)


def test_account_add_creates_an_active_account_with_its_audit_event() -> None:
    decision = step(None, NEW, CTX)
    account = decision.account
    assert (account.nir, account.email, account.mobile, account.sms_capable) == (
        NEW.nir,
        NEW.email,
        NEW.mobile,
        True,
    )
    assert (account.state, account.failed_attempts, account.locked_at) == (A.ACTIVE, 0, None)
    assert (account.created_at, account.password_changed_at) == (NOW, NOW)
    assert decision.flows == ()
    assert decision.effects == (Audit("account_created", None, A.ACTIVE, {"password": "set"}),)
    assert decision.outcome == Outcome("account_created", True)


IMPORTED = replace(NEW, password_hash=None, imported_from=("members.csv", 7))
CREATIONS = (NEW, IMPORTED)


def test_an_imported_row_is_audited_with_its_file_and_line() -> None:
    event = IMPORTED
    decision = step(None, event, CTX)
    assert decision.account.password_changed_at is None
    detail = {"file": "members.csv", "line": "7", "password": "none"}
    assert decision.effects == (Audit("account_imported", None, A.ACTIVE, detail),)
    imported_hash = step(None, replace(event, password_hash="$argon2id$h"), CTX)
    assert imported_hash.account.password_changed_at is None  # as the file gave it
    assert imported_hash.effects[0].detail["password"] == "imported"  # type: ignore[union-attr]


@pytest.mark.parametrize("state", list(AccountState))
def test_an_existing_account_cannot_be_created_again(state: AccountState) -> None:
    with pytest.raises(IllegalTransition):
        step(Snapshot(account(state=state)), NEW, CTX)


def test_without_an_account_only_its_creation_applies() -> None:
    with pytest.raises(IllegalTransition):
        step(None, WRONG, CTX)
