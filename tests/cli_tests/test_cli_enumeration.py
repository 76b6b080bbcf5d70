"""Whom sesame trusts (issue 10, items 1, 3, 7): an unknown identifier, a
disabled account and a locked one answer, count and cost like any other until
the secret checked is right. "Same work" is counted (argon2 calls, SQL writes),
never timed: timings are in bench/argon2_timing.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import DOB, NEW_PASSWORD, NIR, PASSWORD, lines

UNKNOWN = "1 85 05 78 006 084 91"  # a valid NIR of nobody
WRONG_DOB = "16/10/1995"
# Stored hashes made with other parameters than configured: a right password
# would be rehashed, which must happen only after a decided login.
STRONGER_ARGON2 = (
    "[policy]\nresend_cooldown_seconds = 0\n[argon2]\ntime_cost = 2\nmemory_cost = 16\n"
)


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 computation of the process, in order."""
    import argon2.low_level

    calls: list[str] = []
    original_hash = argon2.low_level.hash_secret
    original_verify = argon2.low_level.verify_secret

    def counting_hash(*args, **kwargs):
        calls.append("hash")
        return original_hash(*args, **kwargs)

    def counting_verify(*args, **kwargs):
        calls.append("verify")
        return original_verify(*args, **kwargs)

    monkeypatch.setattr(argon2.low_level, "hash_secret", counting_hash)
    monkeypatch.setattr("argon2._password_hasher.verify_secret", counting_verify)
    return calls


@pytest.fixture
def writes() -> Iterator[list[str]]:
    """Every INSERT/UPDATE/DELETE sent to any database, as `VERB table`."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        verb = words[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = words[2] if verb in ("INSERT", "DELETE") else words[1]
            seen.append(f"{verb} {table}")

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def answers(sesame, args: tuple[str, ...], stdin: str | None, times: int) -> list[tuple]:
    """Exit code, stdout and stderr of `times` runs (English, JSON and text)."""
    runs = []
    for _ in range(times):
        result = sesame(*args, input=stdin)
        runs.append((result.exit_code, result.stdout, result.stderr))
    return runs


def naming(runs: list[tuple], ident: str) -> list[tuple]:
    """The runs with the identifier their messages name replaced by `<ID>`."""
    return [tuple(part.replace(ident, "<ID>") for part in run[1:]) + run[:1] for run in runs]


# --- item 3: an unknown identifier walks the same path ---------------------------


@pytest.mark.parametrize("ident", [UNKNOWN, "personne@example.fr"])
def test_unknown_identifier_locks_at_the_third_failure_like_a_real_one(
    sesame, member, clock, ident
):
    member()
    real = answers(sesame, ("login", NIR, "--json"), lines("wrong password"), 6)
    unknown = answers(sesame, ("login", ident, "--json"), lines("wrong password"), 6)
    assert [run[0] for run in unknown] == [3, 3, 4, 4, 4, 4]
    assert naming(unknown, ident.replace(" ", "")) == naming(real, "295109912611193")
    text = sesame("login", ident, input=lines("wrong password"))
    assert text.stderr.startswith(
        "Après 3 tentatives infructueuses, vos identifiants sont bloqués."
    )


def test_unknown_identifier_reaches_the_identity_limit_like_a_real_one(sesame, member, clock):
    member()
    for command in ("unlock", "forgot"):
        real = answers(sesame, (command, NIR, "--dob", WRONG_DOB, "--json"), None, 6)
        unknown = answers(sesame, (command, UNKNOWN, "--dob", "01/05/1985", "--json"), None, 6)
        assert [run[0] for run in unknown] == [3, 3, 3, 3, 3, 8]
        assert unknown == real
        clock.advance(86401)


def test_unknown_identifier_in_unlock_does_the_same_writes(sesame, member, writes):
    member()
    sesame("unlock", "personne@example.fr", "--dob", DOB)  # creates the shadow key
    writes.clear()
    sesame("unlock", NIR, "--dob", WRONG_DOB)
    real = list(writes)
    writes.clear()
    sesame("unlock", UNKNOWN, "--dob", "01/05/1985")
    assert real == ["INSERT audit_events"]
    # plus the indexed delete of its events no limit reads any more (usually none)
    assert writes == ["DELETE shadow_events", "INSERT shadow_events"]


def test_unknown_identifier_in_login_does_the_same_writes_plus_its_audit(
    sesame, member, writes, home
):
    member()
    sesame("login", "personne@example.fr", input=lines("x"))  # creates the shadow key
    writes.clear()
    sesame("login", NIR, input=lines("wrong password"))
    real = list(writes)
    writes.clear()
    sesame("login", UNKNOWN, input=lines("wrong password"))
    assert real == ["UPDATE accounts", "INSERT audit_events"]
    assert writes == [
        "INSERT shadow_accounts",
        "DELETE shadow_events",
        "INSERT shadow_events",
        "INSERT audit_events",
    ]
    # still audited without an account, and the identifier is stored nowhere
    assert (
        home.query("SELECT event, account_id FROM audit_events WHERE account_id IS NULL")
        == [("login_unknown", None)] * 2
    )
    keys = home.query("SELECT key FROM shadow_accounts")
    assert len(keys) == 2 and all(len(key) == 64 for (key,) in keys)
    assert "085057800608491" not in str(home.query("SELECT * FROM shadow_events"))


@pytest.mark.sqlite_only  # on PostgreSQL the key is a row of the shared database
def test_shadow_key_is_an_owner_only_file_of_the_home(sesame, member, home):
    member()
    sesame("login", UNKNOWN, input=lines("wrong password"))
    key = home.path / "shadow.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(key.read_text())) == 32
    key.chmod(0o644)
    refused = sesame("login", UNKNOWN, input=lines("wrong password"))
    assert refused.exit_code == 11
    assert "shadow.key" in refused.stderr


def _break_key(key: Path, how: str) -> None:
    """The planted or damaged key files a stranger must not learn anything from."""
    if how == "readable":
        key.chmod(0o644)
    elif how == "foreign":
        os.chown(key, 65534, 65534)
    elif how == "symlink":
        key.unlink()
        key.symlink_to(key.with_name("elsewhere.key"))
    else:
        key.unlink()
        key.mkdir()


@pytest.mark.sqlite_only  # on PostgreSQL the key is a row of the shared database
@pytest.mark.parametrize("how", ["readable", "foreign", "symlink", "directory"])
def test_unusable_shadow_key_answers_alike_for_known_and_unknown_identifiers(
    sesame, member, home, how
):
    """The attack: with a broken key, only unknown identifiers failed (exit 11)
    while a real one answered (exit 3), or the key's failure was an internal error."""
    member()
    sesame("login", UNKNOWN, input=lines("wrong password"))
    if how == "foreign" and os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    _break_key(home.path / "shadow.key", how)
    for ident in (NIR, UNKNOWN):
        for args, stdin in (
            (("login", ident), lines("wrong password")),
            (("unlock", ident, "--dob", WRONG_DOB, "--channel", "sms"), None),
            (("forgot", ident, "--dob", DOB, "--channel", "sms"), None),
        ):
            refused = sesame(*args, input=stdin)
            assert refused.exit_code == 11, (args, refused.stderr)
            assert str(home.path / "shadow.key") in refused.stderr


def test_disabled_account_answers_disabled_only_to_the_right_secret(sesame, member, home):
    member()
    home.query("UPDATE accounts SET state = 'disabled'")
    disabled = "Votre compte est désactivé. Contactez le support.\n"
    wrong_password = sesame("login", NIR, input=lines("wrong password"))
    assert (wrong_password.exit_code, wrong_password.stderr) == (
        3,
        "Identifiant ou mot de passe incorrect.\n",
    )
    right_password = sesame("login", NIR, input=lines(PASSWORD))
    assert (right_password.exit_code, right_password.stderr) == (5, disabled)
    for command in ("unlock", "forgot"):
        wrong = sesame(command, NIR, "--dob", WRONG_DOB)
        unknown = sesame(command, UNKNOWN, "--dob", "01/05/1985")
        assert (wrong.exit_code, wrong.stderr) == (unknown.exit_code, unknown.stderr)
        assert wrong.exit_code == 3
        right = sesame(command, NIR, "--dob", DOB)
        assert (right.exit_code, right.stderr) == (5, disabled)
    code = sesame("reset", NIR, "--json", input=lines("ABCDEFGHJK"))
    assert (code.exit_code, code.json()["error"]["code"]) == (6, "code_invalid")


def test_disabled_account_locks_like_an_active_one_to_wrong_passwords(sesame, member, home):
    member()
    home.query("UPDATE accounts SET state = 'disabled'")
    runs = answers(sesame, ("login", NIR), lines("wrong password"), 4)
    assert [run[0] for run in runs] == [3, 3, 4, 4]
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 5


def test_reset_answers_alike_for_an_unknown_identifier_and_a_real_flow(sesame, member, home):
    home.configure(max_code_attempts=3, resend_cooldown_seconds=0)
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    real = answers(sesame, ("reset", NIR, "--json"), lines("WRONGCODE2"), 4)
    unknown = answers(sesame, ("reset", UNKNOWN, "--json"), lines("WRONGCODE2"), 4)
    assert real == unknown
    assert all(run[0] == 6 and '"code_invalid"' in run[1] for run in real)
    # the member's own code tells why it no longer works
    told = sesame("reset", NIR, "--json", input=lines(home.last_sms_code()))
    assert told.json()["error"]["code"] == "too_many_attempts"


# --- item 1: a locked or disabled account costs the same for any password ---------


@pytest.mark.parametrize("state", ["locked", "disabled"])
def test_right_and_wrong_password_cost_the_same_on_a_locked_or_disabled_account(
    sesame, member, home, argon2_calls, writes, state
):
    member()
    (home.path / "sesame.toml").write_text(STRONGER_ARGON2)
    home.query(
        "UPDATE accounts SET state = :state, failed_attempts = 3, locked_at = CURRENT_TIMESTAMP",
        state=state,
    )
    costs = []
    for password in (PASSWORD, "wrong password"):
        argon2_calls.clear()
        writes.clear()
        sesame("login", NIR, input=lines(password))
        costs.append((list(argon2_calls), list(writes)))
    assert costs[0] == costs[1] == (["verify"], ["INSERT audit_events"])
    (stored,) = home.query("SELECT password_hash FROM accounts")[0]
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # never rehashed


def test_rehash_only_after_a_successful_login_on_an_active_account(
    sesame, member, home, argon2_calls, writes
):
    member()
    (home.path / "sesame.toml").write_text(STRONGER_ARGON2)
    argon2_calls.clear()
    writes.clear()
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0
    assert argon2_calls == ["verify", "hash"]
    # the decision is committed first; the new hash in its own short transaction
    assert writes == [
        "UPDATE accounts",
        "INSERT audit_events",
        "UPDATE accounts",
        "INSERT audit_events",
    ]
    (stored,) = home.query("SELECT password_hash FROM accounts")[0]
    assert stored.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    events = [e for (e,) in home.query("SELECT event FROM audit_events ORDER BY id")]
    assert events[-2:] == ["login_succeeded", "password_rehashed"]


def test_logins_on_a_locked_account_are_bounded(sesame, member, home, clock):
    home.configure(max_refused_logins=3, resend_cooldown_seconds=0)
    member()
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))
    for ident in (NIR, UNKNOWN):
        if ident == UNKNOWN:
            for _ in range(3):
                sesame("login", ident, input=lines("wrong password"))
        refused = [sesame("login", ident, input=lines(PASSWORD)).exit_code for _ in range(3)]
        assert refused == [4, 4, 4]
        limited = sesame("login", ident, "--json", input=lines(PASSWORD))
        assert limited.exit_code == 8
        assert limited.json()["error"]["code"] == "rate_limited"
        assert limited.json()["error"]["retry_after_seconds"] == 86400


# --- item 7: the temporary password through login on an active account -------------


def test_temporary_password_gets_five_guesses_through_login_on_an_active_account(
    sesame, member, home
):
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    guesses = [sesame("login", NIR, input=lines(f"guess {n}")).exit_code for n in range(5)]
    assert guesses == [3, 3, 4, 4, 4]
    late = sesame("login", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert late.exit_code == 4  # the flow was cancelled at the fifth wrong guess
    states = home.query("SELECT state, code_attempts FROM flows")
    assert states == [("cancelled", 5)]


# --- review: the old password on a locked account with an SMS flow ----------------


@pytest.mark.parametrize("typed", [PASSWORD, "wrong password"])
def test_locked_account_with_an_sms_flow_counts_any_password_as_a_code_attempt(
    sesame, member, home, typed
):
    """The attack: on a locked account with an open SMS flow, five logins with a
    guessed password cancel the flow only if the guess is wrong, so the flow's
    fate tells whether the guess is the member's password."""
    member()
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    runs = [sesame("login", NIR, input=lines(typed)).exit_code for _ in range(5)]
    assert runs == [4] * 5
    assert home.query("SELECT state, code_attempts FROM flows") == [("cancelled", 5)]
    late = sesame("login", NIR, input=lines(home.last_sms_code(), NEW_PASSWORD, NEW_PASSWORD))
    assert late.exit_code == 4


# --- review: shadow rows do not pile up ---------------------------------------------


def test_shadow_rows_are_pruned_once_no_limit_reads_them(sesame, member, home, clock):
    """A stranger's old attempts are deleted when its shadow is next written:
    the events no limit reads any more, and a row back to a fresh shadow's state."""
    home.configure(lock_seconds=60, resend_cooldown_seconds=0)
    member()
    for _ in range(3):
        sesame("login", UNKNOWN, input=lines("wrong password"))
    assert home.query("SELECT state FROM shadow_accounts") == [("locked",)]
    assert len(home.query("SELECT id FROM shadow_events")) == 4
    clock.advance(400 * 86400)  # longer than any history a limit reads
    assert sesame("unlock", UNKNOWN, "--dob", WRONG_DOB).exit_code == 3
    assert home.query("SELECT key FROM shadow_accounts") == []
    events = home.query("SELECT event FROM shadow_events ORDER BY id")
    assert events == [("lock_expired",), ("identity_failed",)]
    # and the pruned shadow still answers like a fresh one
    runs = [sesame("login", UNKNOWN, input=lines("x")).exit_code for _ in range(3)]
    assert runs == [3, 3, 4]
