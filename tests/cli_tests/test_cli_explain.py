"""`sesame account explain`: exact text in French and English, the exact JSON
shape, and the exit statuses a script reads (0 active, 4 locked, 5 disabled,
12 unknown)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from helpers import DOB, NIR, NIR_COMPACT, lines

START = datetime(2026, 11, 26, 10, 0, 14, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so that the texts are exact."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def at_start(clock):
    clock.now = START
    return clock


def fail_logins(sesame, clock, count, every=300):
    codes = []
    for _ in range(count):
        codes.append(sesame("login", NIR, input=lines("mauvais")).exit_code)
        clock.advance(every)
    return codes


def explain(sesame, *args, lang="fr"):
    return sesame("account", "explain", NIR, *args, lang=lang)


def lock_message_id(sesame):
    [message] = sesame("outbox", "list", "--json").json()["messages"]
    return message["id"]


def test_locked_account_in_french_exit_4(sesame, member, at_start):
    member()
    assert fail_logins(sesame, at_start, 3) == [3, 3, 4]
    result = explain(sesame)
    assert result.exit_code == 4
    message = lock_message_id(sesame)
    assert result.stdout == (
        f"Compte {NIR_COMPACT} : bloqué\n"
        "Bloqué le 26/11/2026 à 10:10:14 après 3 tentatives infructueuses (mot de passe) "
        "en 10 min, politique max_failed_attempts=3 ; bloqué jusqu'au déblocage (par le membre "
        "ou le support).\n"
        "Déblocage automatique : jamais.\n"
        "\n"
        "Échecs : 3 au total\n"
        "Par type :\n"
        "  mot de passe  3\n"
        "Les 3 derniers :\n"
        "  26/11/2026 à 10:00:14  mot de passe\n"
        "  26/11/2026 à 10:05:14  mot de passe\n"
        "  26/11/2026 à 10:10:14  mot de passe\n"
        "Client obsolète : aucun.\n"
        "\n"
        "Demande en cours : aucune.\n"
        "Derniers messages :\n"
        "  id                created           channel    to               status\n"
        "  ----------------  ----------------  ---------  ---------------  --------\n"
        f"  {message}  26/11/2026 10:10  email      *****@orange.fr  sent\n"
        "\n"
        "Politique : mode : verrouillage jusqu'au déblocage dès le premier verrouillage ; les "
        "échecs comptent jusqu'à une connexion réussie (failure_window_seconds = 0).\n"
        "Ce que peut faire le membre :\n"
        f"  Débloquez votre compte : sesame unlock {NIR_COMPACT} --dob jj/mm/aaaa\n"
        "Ce que peut faire le support :\n"
        f'  Débloquer le compte : sesame account unlock {NIR_COMPACT} --reason "motif"\n'
    )


def test_locked_account_in_english_with_the_open_flow(sesame, member, at_start, home):
    member()
    fail_logins(sesame, at_start, 3, every=20)
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    code = home.last_sms_code()
    document = sesame("account", "explain", NIR, "--json", lang="en").json()
    flow = document["flow"]
    sms = document["messages"][-1]
    result = explain(sesame, lang="en")
    assert result.exit_code == 4 and code not in result.stdout
    assert result.stdout == (
        f"Account {NIR_COMPACT}: locked\n"
        "Locked at 2026-11-26 10:00:54 after 3 failed passwords within 40 s, policy "
        "max_failed_attempts=3; permanent until unlocked.\n"
        "Unlocks by itself: never.\n"
        "\n"
        "Failures: 3 in all\n"
        "By kind:\n"
        "  password  3\n"
        "The last 3:\n"
        "  2026-11-26 10:00:14  password\n"
        "  2026-11-26 10:00:34  password\n"
        "  2026-11-26 10:00:54  password\n"
        "Stale client: none.\n"
        "\n"
        f"Open flow: {flow['id']} unlock code_sent sms → 2026-11-26 10:11\n"
        "Last messages:\n"
        "  id                created           channel    to               status\n"
        "  ----------------  ----------------  ---------  ---------------  --------\n"
        f"  {document['messages'][0]['id']}  2026-11-26 10:00  email      *****@orange.fr  "
        "sent\n"
        f"  {sms['id']}  2026-11-26 10:01  sms        *** ** 42 08     sent\n"
        "\n"
        "Policy: mode: locked until unlocked from the first lock; failures count until a "
        "successful login (failure_window_seconds = 0).\n"
        "What the member can do:\n"
        f"  Type the temporary password received by SMS: sesame reset {NIR_COMPACT}\n"
        f"  Unlock your account: sesame unlock {NIR_COMPACT} --dob dd/mm/yyyy\n"
        "What support can do:\n"
        f'  Unlock the account: sesame account unlock {NIR_COMPACT} --reason "reason"\n'
    )


def test_json_shape_is_exact(sesame, member, at_start, home):
    member()
    fail_logins(sesame, at_start, 3, every=20)
    assert sesame("unlock", NIR, "--dob", "01/01/1990").exit_code == 3  # identity check
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    code = home.last_sms_code()
    result = sesame("account", "explain", NIR, "--json", lang="en")
    assert result.exit_code == 4 and code not in result.stdout
    document = result.json()
    flow, (mail, sms) = document.pop("flow"), document.pop("messages")
    assert set(flow) == {"id", "kind", "state", "channel", "expires_at"}
    assert (flow["kind"], flow["state"], flow["channel"]) == ("unlock", "code_sent", "sms")
    assert mail == {
        "id": mail["id"],
        "channel": "email",
        "to": "*****@orange.fr",
        "status": "sent",
        "created_at": "2026-11-26T10:00:54Z",
    }
    assert (sms["channel"], sms["to"], sms["status"]) == ("sms", "*** ** 42 08", "sent")
    assert document == {
        "ok": True,
        "nir": NIR_COMPACT,
        "state": "locked",
        "sentence": "Locked at 2026-11-26 10:00:54 after 3 failed passwords within 40 s, "
        "policy max_failed_attempts=3; permanent until unlocked.",
        "rule": {
            "code": "locked_within.permanent",
            "at": "2026-11-26T10:00:54Z",
            "failures": 3,
            "within_seconds": 40,
            "max_failed_attempts": 3,
            "lock_seconds": 0,
            "unlocks_at": None,
            "reason": None,
            "failure_window_seconds": None,
            "lock_count": None,
        },
        "unlocks_at": None,
        "failures": {
            "total": 4,
            "by_kind": {
                "password": 3,
                "temporary_password": 0,
                "identity": 1,
                "refused_while_locked": 0,
            },
            "by_source": [{"source": None, "count": 4, "kinds": {"password": 3, "identity": 1}}],
            "timeline": [
                {"at": "2026-11-26T10:00:14Z", "kind": "password", "source": None},
                {"at": "2026-11-26T10:00:34Z", "kind": "password", "source": None},
                {"at": "2026-11-26T10:00:54Z", "kind": "password", "source": None},
                {"at": "2026-11-26T10:01:14Z", "kind": "identity", "source": None},
            ],
            "earlier": 0,
            "sources_recorded": document["failures"]["sources_recorded"],
        },
        "stale_clients": [],
        "policy": {
            "mode": "permanent",
            "failure_window_seconds": 0,
            "lock_seconds": [],
            "lock_reset_seconds": 86400,
            "permanent_after": 1,
            "message": "mode: locked until unlocked from the first lock; failures count until a "
            "successful login (failure_window_seconds = 0).",
        },
        "next": [
            {
                "who": "member",
                "action": "reset_sms",
                "command": f"sesame reset {NIR_COMPACT}",
                "until": None,
            },
            {
                "who": "member",
                "action": "unlock",
                "command": f"sesame unlock {NIR_COMPACT} --dob dd/mm/yyyy",
                "until": None,
            },
            {
                "who": "support",
                "action": "unlock",
                "command": f'sesame account unlock {NIR_COMPACT} --reason "reason"',
                "until": None,
            },
        ],
    }


def test_exit_statuses_active_disabled_unknown(sesame, member, at_start):
    unknown = explain(sesame, "--json", lang="en")
    assert unknown.exit_code == 12
    assert unknown.json() == {
        "ok": False,
        "error": {"code": "not_found", "message": "No such account."},
    }
    assert explain(sesame).stderr == "Compte introuvable.\n"
    member()
    fail_logins(sesame, at_start, 1)
    active = explain(sesame)
    assert active.exit_code == 0
    assert active.stdout.splitlines()[:2] == [
        f"Compte {NIR_COMPACT} : actif",
        "Actif : 1 tentative(s) infructueuse(s) depuis la dernière connexion réussie ou le "
        "dernier déblocage ; bloqué à 3, politique max_failed_attempts=3.",
    ]
    assert active.stdout.endswith(
        "Ce que peut faire le membre :\n"
        f"  Connectez-vous : sesame login {NIR_COMPACT}\n"
        f"  Mot de passe oublié : sesame forgot {NIR_COMPACT} --dob jj/mm/aaaa\n"
        "Ce que peut faire le support :\n"
        f'  Remettre les échecs à zéro : sesame account unlock {NIR_COMPACT} --reason "motif"\n'
    )
    assert sesame("account", "disable", NIR, "--reason", "fraude").exit_code == 0
    disabled = explain(sesame, lang="en")
    assert disabled.exit_code == 5
    assert disabled.stdout.splitlines()[:2] == [
        f"Account {NIR_COMPACT}: disabled",
        "Disabled at 2026-11-26 10:05:14 by support, reason: fraude.",
    ]
    assert disabled.stdout.endswith(
        "What the member can do:\n"
        "  Contact support\n"
        "What support can do:\n"
        f'  Enable the account: sesame account enable {NIR_COMPACT} --reason "reason"\n'
    )
    assert explain(sesame, "--json").json()["state"] == "disabled"


def test_a_timed_lock_says_when_it_ends_then_that_it_ended(sesame, member, at_start, home):
    home.configure(resend_cooldown_seconds=0, lock_seconds=900)
    member()
    fail_logins(sesame, at_start, 3, every=60)
    locked = explain(sesame)
    assert locked.exit_code == 4
    assert locked.stdout.splitlines()[1:3] == [
        "Bloqué le 26/11/2026 à 10:02:14 après 3 tentatives infructueuses (mot de passe) en "
        "2 min, politique max_failed_attempts=3 ; se débloque de lui-même le 26/11/2026 à "
        "10:17:14 (lock_seconds=900).",
        "Déblocage automatique : le 26/11/2026 à 10:17:14.",
    ]
    assert explain(sesame, "--json").json()["unlocks_at"] == "2026-11-26T10:17:14Z"
    at_start.advance(900)
    ended = explain(sesame, lang="en")
    assert ended.exit_code == 0
    assert ended.stdout.splitlines()[:3] == [
        f"Account {NIR_COMPACT}: active",
        "Active: the lock of 2026-11-26 10:02:14 ended by itself at 2026-11-26 10:17:14 "
        "(lock_seconds=900).",
        "",
    ]


def test_a_stale_client_without_sources_is_found_on_all_failures(sesame, member, at_start):
    """Three failures lock; the client goes on every five minutes (refused logins)."""
    member()
    assert fail_logins(sesame, at_start, 5) == [3, 3, 4, 4, 4]
    result = explain(sesame, lang="en")
    assert result.exit_code == 4
    assert (
        "Probable stale client: attempts fail every 5 min (5 failures from 2026-11-26 "
        "10:00:14 to 2026-11-26 10:20:14); most likely a device or application retrying an "
        "old saved password. No source recorded: the rule was applied to the failures as a "
        "whole.\n"
    ) in result.stdout
    assert (
        "By kind:\n  password                        3\n  login refused (account locked)  2\n"
        in (result.stdout)
    )
    [stale] = explain(sesame, "--json").json()["stale_clients"]
    assert stale == {
        "source": None,
        "failures": 5,
        "interval_seconds": 300,
        "first": "2026-11-26T10:00:14Z",
        "last": "2026-11-26T10:20:14Z",
        "all_sources": True,
    }


def test_the_timeline_is_bounded_and_counts_the_rest(sesame, member, at_start, home):
    member()
    [(account_id,)] = home.query("SELECT id FROM accounts")
    for n in range(30):
        home.query(
            "INSERT INTO audit_events (at, actor, account_id, event, detail) "
            "VALUES (:at, 'test', :id, 'identity_failed', '{}')",
            at=(START - timedelta(hours=1) + timedelta(seconds=n)).replace(tzinfo=None),
            id=account_id,
        )
    document = explain(sesame, "--json").json()["failures"]
    assert (document["total"], len(document["timeline"]), document["earlier"]) == (30, 20, 10)
    assert document["timeline"][-1]["at"] == "2026-11-26T09:00:43Z"
    assert "… et 10 plus ancien(s).\n" in explain(sesame).stdout


def test_with_a_source_column_failures_group_by_source_and_the_stale_one_is_named(
    sesame, member, at_start, home
):
    """Audit events record the member commands' `--source` (schema 0008):
    explain groups the failures by it, shows it in the timeline and names the
    stale client."""
    member()
    [(account_id,)] = home.query("SELECT id FROM accounts")
    kiosk = [0, 7, 200]  # a person at a kiosk: irregular
    mail = [10, 310, 612, 905, 1210]  # every ~5 min: within ±10 % of the median
    for seconds, source in [(s, "kiosk-12") for s in kiosk] + [(s, "mail-client") for s in mail]:
        home.query(
            "INSERT INTO audit_events (at, actor, account_id, event, detail, source) "
            "VALUES (:at, 'test', :id, 'login_failed', '{}', :source)",
            at=(START - timedelta(hours=1) + timedelta(seconds=seconds)).replace(tzinfo=None),
            id=account_id,
            source=source,
        )
    document = explain(sesame, "--json").json()
    assert document["failures"]["by_source"] == [
        {"source": "mail-client", "count": 5, "kinds": {"password": 5}},
        {"source": "kiosk-12", "count": 3, "kinds": {"password": 3}},
    ]
    assert document["failures"]["sources_recorded"] is True
    assert document["stale_clients"] == [
        {
            "source": "mail-client",
            "failures": 5,
            "interval_seconds": 301,  # the median of 300, 302, 293, 305
            "first": "2026-11-26T09:00:24Z",
            "last": "2026-11-26T09:20:24Z",
            "all_sources": False,
        }
    ]
    text = explain(sesame).stdout
    assert "Par source (8 derniers) :\n  mail-client  5\n  kiosk-12     3\n" in text
    assert "  26/11/2026 à 09:00:14  mot de passe  kiosk-12\n" in text
    assert (
        "Client obsolète probable : mail-client échoue toutes les 5 min (5 échecs du "
        "26/11/2026 à 09:00:24 au 26/11/2026 à 09:20:24) ; sans doute un appareil ou une "
        "application qui réessaie un ancien mot de passe enregistré.\n"
    ) in text


# --- the lockout modes ------------------------------------------------------------------


def test_window_mode_counts_the_failures_within_the_window(sesame, member, at_start, home):
    home.configure(failure_window_seconds=900, resend_cooldown_seconds=0)
    member()
    assert fail_logins(sesame, at_start, 2, every=600) == [3, 3]
    active = explain(sesame)
    assert active.exit_code == 0
    # 10:00:14 has left the window of 10:20:14: one failure counts, not two
    assert active.stdout.splitlines()[1] == (
        "Actif : 1 tentative(s) infructueuse(s) comptée(s) dans la fenêtre de 15 min "
        "(failure_window_seconds=900) ; bloqué à 3, politique max_failed_attempts=3."
    )
    assert explain(sesame, "--json").json()["rule"] == {
        "code": "active_window",
        "at": None,
        "failures": 1,
        "within_seconds": None,
        "max_failed_attempts": 3,
        "lock_seconds": None,
        "unlocks_at": None,
        "reason": None,
        "failure_window_seconds": 900,
        "lock_count": None,
    }
    assert fail_logins(sesame, at_start, 2, every=60) == [3, 4]
    locked = explain(sesame)
    assert locked.exit_code == 4
    assert locked.stdout.splitlines()[1] == (
        "Bloqué le 26/11/2026 à 10:21:14 après 3 tentatives infructueuses (mot de passe) dans "
        "la fenêtre de 15 min (failure_window_seconds=900), politique max_failed_attempts=3 ; "
        "bloqué jusqu'au déblocage (par le membre ou le support)."
    )
    english = explain(sesame, lang="en").stdout
    assert english.splitlines()[1] == (
        "Locked at 2026-11-26 10:21:14 after 3 failed passwords within the 15 min window "
        "(failure_window_seconds=900), policy max_failed_attempts=3; permanent until unlocked."
    )
    assert (
        "\nPolicy: mode: locked until unlocked from the first lock; only the failures of the "
        "last 900 seconds count.\nWhat the member can do:\n"
    ) in english


def test_progressive_locks_name_their_rank_and_when_they_end(sesame, member, at_start, home):
    home.configure(lock_seconds=[60, 300], resend_cooldown_seconds=0)
    member()
    assert fail_logins(sesame, at_start, 3, every=20) == [3, 3, 4]  # lock 1 at 10:00:54
    at_start.advance(60)
    assert fail_logins(sesame, at_start, 3, every=20) == [3, 3, 4]  # lock 2 at 10:02:54
    second = explain(sesame)
    assert second.exit_code == 4
    assert second.stdout.splitlines()[1:3] == [
        "Bloqué le 26/11/2026 à 10:02:54 après 3 tentatives infructueuses (mot de passe) en "
        "40 s, politique max_failed_attempts=3 ; 2e blocage en 24 h : 5 min, se débloque de "
        "lui-même le 26/11/2026 à 10:07:54.",
        "Déblocage automatique : le 26/11/2026 à 10:07:54.",
    ]
    assert second.stdout.endswith(
        "\n\nPolitique : mode : progressif, le n-ième verrouillage en 86400 s dure la n-ième "
        "durée de [60, 300] s, puis jusqu'au déblocage à partir du 3e verrouillage ; les échecs "
        "comptent jusqu'à une connexion réussie "
        "(failure_window_seconds = 0).\n"
        "Ce que peut faire le membre :\n"
        f"  Débloquez votre compte : sesame unlock {NIR_COMPACT} --dob jj/mm/aaaa\n"
        "  Ou attendez le 26/11/2026 à 10:07:54 : le blocage prend fin de lui-même\n"
        "Ce que peut faire le support :\n"
        f'  Débloquer le compte : sesame account unlock {NIR_COMPACT} --reason "motif"\n'
    )
    document = explain(sesame, "--json", lang="en").json()
    assert document["sentence"] == (
        "Locked at 2026-11-26 10:02:54 after 3 failed passwords within 40 s, policy "
        "max_failed_attempts=3; lock 2 within 24 h: 5 min, unlocks by itself at 2026-11-26 "
        "10:07:54."
    )
    assert (document["rule"]["code"], document["rule"]["lock_count"]) == (
        "locked_within.ranked_timed",
        2,
    )
    assert document["rule"]["lock_seconds"] == 300
    assert document["next"][1] == {
        "who": "member",
        "action": "wait",
        "command": None,
        "until": "2026-11-26T10:07:54Z",
    }
    assert document["policy"] == {
        "mode": "progressive",
        "failure_window_seconds": 0,
        "lock_seconds": [60, 300],
        "lock_reset_seconds": 86400,
        "permanent_after": 3,
        "message": "mode: progressive, the n-th lock within 86400 s lasts the n-th of "
        "[60, 300] s, then until unlocked from lock 3 on; failures count until a successful "
        "login (failure_window_seconds = 0).",
    }
    at_start.advance(300)
    ended = explain(sesame, lang="en")
    assert ended.exit_code == 0
    assert ended.stdout.splitlines()[1] == (
        "Active: lock 2 of 2026-11-26 10:02:54 ended by itself at 2026-11-26 10:07:54 (5 min); "
        "it counts toward the next lock's rank until 2026-11-27 10:02:54."
    )
    rule = explain(sesame, "--json").json()["rule"]
    assert (rule["code"], rule["lock_count"], rule["lock_seconds"]) == (
        "lock_expired.ranked",
        2,
        300,
    )
    assert fail_logins(sesame, at_start, 3, every=20) == [3, 3, 4]  # lock 3: no end
    third = explain(sesame, lang="en")
    assert third.stdout.splitlines()[1:3] == [
        "Locked at 2026-11-26 10:08:54 after 3 failed passwords within 40 s, policy "
        "max_failed_attempts=3; lock 3 within 24 h: permanent until unlocked "
        "(permanent_after=3).",
        "Unlocks by itself: never.",
    ]
    assert "Or wait" not in third.stdout
    rule = explain(sesame, "--json").json()["rule"]
    assert (rule["code"], rule["lock_count"], rule["lock_seconds"], rule["unlocks_at"]) == (
        "locked_within.ranked_permanent",
        3,
        0,
        None,
    )
    assert explain(sesame).stdout.splitlines()[1] == (
        "Bloqué le 26/11/2026 à 10:08:54 après 3 tentatives infructueuses (mot de passe) en "
        "40 s, politique max_failed_attempts=3 ; 3e blocage en 24 h : bloqué jusqu'au déblocage "
        "(permanent_after=3)."
    )


def test_a_rank_not_recorded_is_counted_from_the_earlier_locks(sesame, member, at_start, home):
    """A lock written before ranks were recorded (no `lock_count` in its detail)."""
    home.configure(lock_seconds=[60, 300, 900], resend_cooldown_seconds=0)
    member()
    [(account_id,)] = home.query("SELECT id FROM accounts")
    for minutes in (50, 20):  # two earlier locks, without detail
        home.query(
            "INSERT INTO audit_events (at, actor, account_id, event, detail) "
            "VALUES (:at, 'test', :id, 'account_locked', '{}')",
            at=(START - timedelta(minutes=minutes)).replace(tzinfo=None),
            id=account_id,
        )
    assert fail_logins(sesame, at_start, 3, every=20) == [3, 3, 4]
    home.query("UPDATE audit_events SET detail = '{}' WHERE event = 'account_locked'")
    rule = explain(sesame, "--json").json()["rule"]
    assert (rule["lock_count"], rule["lock_seconds"]) == (3, 900)
    assert "; lock 3 within 24 h: 15 min, unlocks by itself at 2026-11-26 10:15:54." in (
        explain(sesame, lang="en").stdout
    )


def test_a_stale_mail_client_from_real_logins_is_named(sesame, member, at_start):
    """`sesame login --source mail-client` every 5 minutes: three failures lock,
    the client goes on (refused logins), explain names it."""
    member()
    codes = []
    for _ in range(5):
        login = sesame("login", NIR, "--source", "mail-client", input=lines("mauvais"))
        codes.append(login.exit_code)
        at_start.advance(300)
    assert codes == [3, 3, 4, 4, 4]
    assert sesame("login", NIR, "--source", "kiosk-12", input=lines("mauvais")).exit_code == 4
    document = explain(sesame, "--json", lang="en").json()
    assert document["failures"]["by_source"] == [
        {"source": "mail-client", "count": 5, "kinds": {"password": 3, "refused_while_locked": 2}},
        {"source": "kiosk-12", "count": 1, "kinds": {"refused_while_locked": 1}},
    ]
    assert document["stale_clients"] == [
        {
            "source": "mail-client",
            "failures": 5,
            "interval_seconds": 300,
            "first": "2026-11-26T10:00:14Z",
            "last": "2026-11-26T10:20:14Z",
            "all_sources": False,
        }
    ]
    text = explain(sesame).stdout
    assert "Par source (6 derniers) :\n  mail-client  5\n  kiosk-12     1\n" in text
    assert (
        "Client obsolète probable : mail-client échoue toutes les 5 min (5 échecs du "
        "26/11/2026 à 10:00:14 au 26/11/2026 à 10:20:14) ; sans doute un appareil ou une "
        "application qui réessaie un ancien mot de passe enregistré.\n"
    ) in text
