"""Onward delivery against a real SMTP server (aiosmtpd) and real gateway commands.

Covers: what the server receives, a server that fails then recovers (backoff),
abandonment after max_delivery_attempts (and the secret erased), a gateway
that fails, STARTTLS refused, claims (a live claim is left alone, an expired
one is taken over), and two real `deliver` processes sharing 200 messages.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from helpers import DOB, EMAIL, NEW_PASSWORD, NIR, lines
from hypothesis import given, settings
from hypothesis import strategies as st

from db.delivery import PassCounts, after_failure, deliver_pass
from db.delivery_senders import SmtpConfig, Transports
from db.settings import load_settings
from db.store import Store
from engine.passwords import TEMP_PASSWORD_ALPHABET
from engine.policy import OutboxParams

DELIVER = ("outbox", "deliver", "--sms-command")
QUEUE_CONFIG = '[outbox]\ntransport = "queue"\nmax_delivery_attempts = 3\n'


class Mailbox:
    """An aiosmtpd handler: answers 451 to the first `failures` messages, then keeps them."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 try later"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server():
    """Start an SMTP server on 127.0.0.1; returns (handler, port)."""
    controllers = []

    def start(handler: Mailbox, **options) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def queue_home(home):
    """A home whose messages stay queued for `outbox deliver`."""
    home.configure(resend_cooldown_seconds=0)
    with (home.path / "sesame.toml").open("a") as config:
        config.write(QUEUE_CONFIG)
    return home


@pytest.fixture
def store(queue_home) -> Store:
    return Store(load_settings(home=str(queue_home.path), db=queue_home.db_url, lang="en"))


def smtp(port: int, **options) -> Transports:
    return Transports(smtp=SmtpConfig("127.0.0.1", port, **options))


def outbox_rows(home) -> list[dict]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(home.url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            result = conn.execute(text("SELECT * FROM outbox ORDER BY created_at, id"))
            return [dict(row) for row in result.mappings()]
    finally:
        engine.dispose()


def counts(sent=0, failed=0, abandoned=0) -> PassCounts:
    return PassCounts(sent, failed, abandoned)


def gateway(tmp_path: Path, *, fail: bool = False) -> tuple[tuple[str, ...], Path]:
    """A gateway script: appends each JSON document to a file, or fails echoing it to stderr."""
    received = tmp_path / "gateway.jsonl"
    script = tmp_path / ("failing_gateway.py" if fail else "gateway.py")
    if fail:
        script.write_text(
            "import sys\nsys.stderr.write('refused: ' + sys.stdin.read())\nsys.exit(1)\n"
        )
    else:
        script.write_text(
            "import json, sys\n"
            "document = json.load(sys.stdin)\n"
            f"with open({str(received)!r}, 'a') as out:\n"
            "    out.write(json.dumps(document) + '\\n')\n"
        )
    return (sys.executable, "-S", str(script)), received


# --- email over SMTP ---------------------------------------------------------------


def test_email_reaches_the_server_with_the_link_alone_on_its_line(
    sesame, member, queue_home, store, smtp_server
):
    member(mobile=None)
    assert sesame("forgot", NIR, "--dob", DOB, lang="en").exit_code == 0
    [queued] = outbox_rows(queue_home)
    assert (queued["status"], queued["attempts"]) == ("queued", 0)
    assert queue_home.mail_files() == []  # nothing written to files with transport = "queue"
    mailbox = Mailbox()
    port = smtp_server(mailbox)

    assert deliver_pass(store, smtp(port)) == counts(sent=1)

    [(recipients, content)] = mailbox.received
    assert recipients == [EMAIL]
    message = message_from_bytes(content, policy=email_policy.default)
    assert message["To"] == EMAIL
    # The member's language (French by default), not the operator's --lang en.
    assert message["Subject"] == "Espace personnel : changez votre mot de passe"
    assert message["Message-ID"] == f"<{queued['id']}@sesame.invalid>"
    body = message.get_body().get_content()
    [link_line] = [line for line in body.splitlines() if "token=" in line]
    assert link_line.startswith("https://espace-personnel.example/reinitialiser?token=")
    token = link_line.split("token=")[1]
    assert len(token) >= 40 and token != "[secret retiré après envoi]"
    [sent] = outbox_rows(queue_home)
    assert (sent["status"], sent["body"], sent["attempts"], sent["claimed_by"]) == (
        "sent",
        None,
        1,
        None,
    )
    assert sent["delivered_at"] is not None and token not in sent["redacted_body"]
    # Delivered once: a second pass finds nothing.
    assert deliver_pass(store, smtp(port)) == counts()
    assert len(mailbox.received) == 1
    # The link works: the member sets a new password with it.
    reset = sesame("reset", "--token", "-", input=lines(link_line, NEW_PASSWORD, NEW_PASSWORD))
    assert reset.exit_code == 0, reset.stderr


def test_a_server_that_fails_then_recovers_is_retried_with_backoff(
    sesame, member, queue_home, store, smtp_server, clock
):
    member(mobile=None)
    sesame("forgot", NIR, "--dob", DOB)
    mailbox = Mailbox(failures=2)
    transports = smtp(smtp_server(mailbox))

    assert deliver_pass(store, transports) == counts(failed=1)
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["attempts"], row["last_error"]) == (
        "failed",
        1,
        "SMTP 451 try later",
    )
    assert row["body"] is not None and row["claimed_by"] is None
    # Not due yet: untouched.
    clock.advance(29)
    assert deliver_pass(store, transports) == counts()
    # Due after retry_base_seconds (30), then twice as long.
    clock.advance(1)
    assert deliver_pass(store, transports) == counts(failed=1)
    assert outbox_rows(queue_home)[0]["attempts"] == 2
    clock.advance(59)
    assert deliver_pass(store, transports) == counts()
    clock.advance(1)
    assert deliver_pass(store, transports) == counts(sent=1)
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["attempts"], row["last_error"], row["body"]) == (
        "sent",
        3,
        None,
        None,
    )
    assert len(mailbox.received) == 1


def test_backoff_doubles_and_ends_in_abandonment():
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)
    params = OutboxParams(max_delivery_attempts=5, retry_base_seconds=30)
    waits = [after_failure(n, params, now) for n in range(1, 6)]
    assert waits[:4] == [("failed", now + timedelta(seconds=s)) for s in (30, 60, 120, 240)]
    assert waits[4] == ("abandoned", None)


def test_abandoned_after_max_attempts_erases_the_secret_but_not_a_notice(
    sesame, member, queue_home, store, smtp_server, clock
):
    member(mobile=None)
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))  # the lock notice: no secret
    clock.advance(1)
    sesame("unlock", NIR, "--dob", DOB)  # the reset link: a secret
    notice, link = outbox_rows(queue_home)
    assert notice["body"] == notice["redacted_body"] and link["body"] != link["redacted_body"]
    transports = smtp(smtp_server(Mailbox(failures=100)))

    assert deliver_pass(store, transports) == counts(failed=2)
    clock.advance(30)
    assert deliver_pass(store, transports) == counts(failed=2)
    clock.advance(60)
    assert deliver_pass(store, transports) == counts(abandoned=2)
    notice, link = outbox_rows(queue_home)
    for row in (notice, link):
        assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("abandoned", 3, None)
        assert row["last_error"] == "SMTP 451 try later"
    assert link["body"] is None
    assert notice["body"] == notice["redacted_body"]
    clock.advance(3600)
    assert deliver_pass(store, transports) == counts()
    audited = queue_home.query(
        "SELECT detail FROM audit_events WHERE event = 'message_abandoned' ORDER BY id"
    )
    assert [json.loads(d)["reason"] for (d,) in audited] == ["max_attempts", "max_attempts"]


def test_starttls_against_a_server_without_it_fails_the_message_cleanly(
    sesame, member, queue_home, store, smtp_server
):
    member(mobile=None)
    sesame("forgot", NIR, "--dob", DOB)
    mailbox = Mailbox()
    port = smtp_server(mailbox)
    assert deliver_pass(store, smtp(port, starttls=True)) == counts(failed=1)
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"] == "SMTP STARTTLS extension not supported by server."
    assert mailbox.received == []


def test_an_unreachable_server_fails_every_message_of_the_pass(sesame, member, queue_home, store):
    member(mobile=None)
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))
    sesame("unlock", NIR, "--dob", DOB)
    assert deliver_pass(store, smtp(free_port())) == counts(failed=2)
    errors = {row["last_error"] for row in outbox_rows(queue_home)}
    assert errors == {"SMTP connection failed: Connection refused"}


# --- SMS through a gateway command ------------------------------------------------------


def test_sms_goes_to_the_gateway_as_json_on_stdin(sesame, member, queue_home, store, tmp_path):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    command, received = gateway(tmp_path)
    [queued] = outbox_rows(queue_home)
    assert deliver_pass(store, Transports(sms_command=command)) == counts(sent=1)
    [document] = [json.loads(line) for line in received.read_text().splitlines()]
    assert list(document) == ["id", "to", "body", "code", "created_at"]
    assert (document["id"], document["to"]) == (queued["id"], "+33612344208")
    assert document["body"] == queued["body"]
    code = document["body"].splitlines()[1]
    assert document["code"] == code
    [sent] = outbox_rows(queue_home)
    assert (sent["status"], sent["body"]) == ("sent", None)
    assert code not in sent["redacted_body"]
    # The temporary password from the gateway logs the member in.
    login = sesame("login", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert login.exit_code == 0, login.stderr


def test_a_failing_gateway_fails_the_message_without_storing_the_secret(
    sesame, member, queue_home, store, tmp_path
):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    [queued] = outbox_rows(queue_home)
    code = queued["body"].splitlines()[1]
    command, _ = gateway(tmp_path, fail=True)
    assert deliver_pass(store, Transports(sms_command=command)) == counts(failed=1)
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"].startswith("SMS command exited with status 1: ")
    assert code not in row["last_error"] and "+33612344208" not in row["last_error"]
    assert "*** ** 42 08" in row["last_error"] and "***" in row["last_error"]
    assert len(row["last_error"]) <= 200


def test_a_missing_gateway_command_fails_cleanly(sesame, member, queue_home, store, tmp_path):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    missing = Transports(sms_command=(str(tmp_path / "no-such-gateway"),))
    assert deliver_pass(store, missing) == counts(failed=1)
    [row] = outbox_rows(queue_home)
    assert row["last_error"] == "SMS command could not run: No such file or directory"


def test_a_channel_without_transport_is_left_untouched(sesame, member, queue_home, store, tmp_path):
    member()
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))  # lock notice by email
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    command, received = gateway(tmp_path)
    assert deliver_pass(store, Transports(sms_command=command)) == counts(sent=1)
    by_channel = {row["channel"]: row for row in outbox_rows(queue_home)}
    assert by_channel["sms"]["status"] == "sent"
    email = by_channel["email"]
    assert (email["status"], email["attempts"], email["claimed_by"]) == ("queued", 0, None)
    assert len(received.read_text().splitlines()) == 1


def test_a_message_whose_flow_closed_is_abandoned_unsent(
    sesame, member, queue_home, store, tmp_path, clock
):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    clock.advance(601)  # past the SMS temporary password's 10 minutes
    command, received = gateway(tmp_path)
    assert deliver_pass(store, Transports(sms_command=command)) == counts(abandoned=1)
    assert not received.exists()
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["body"], row["attempts"]) == ("abandoned", None, 0)
    assert row["last_error"] == "flow expired before delivery"


# --- claims -------------------------------------------------------------------------


def test_a_live_claim_is_left_alone_and_an_expired_one_taken_over(
    sesame, member, queue_home, store, tmp_path, clock
):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    from sqlalchemy import update

    from db.schema import outbox

    with store.write() as conn:  # the column's own type stores the moment, on either backend
        conn.execute(
            update(outbox).values(
                claimed_by="crashed-worker", claimed_until=clock.now + timedelta(seconds=60)
            )
        )
    command, received = gateway(tmp_path)
    transports = Transports(sms_command=command)
    assert deliver_pass(store, transports) == counts()
    clock.advance(60)
    assert deliver_pass(store, transports) == counts()
    clock.advance(1)
    assert deliver_pass(store, transports) == counts(sent=1)
    assert len(received.read_text().splitlines()) == 1


def test_a_lost_claim_records_nothing(sesame, member, queue_home, store, tmp_path):
    """The worker's claim was taken over while it sent: its result is not written."""
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    script = tmp_path / "slow_gateway.py"
    script.write_text(
        "import sys\nfrom sqlalchemy import create_engine, text\nsys.stdin.read()\n"
        f"with create_engine({queue_home.url!r}).begin() as conn:\n"
        "    conn.execute(text(\"UPDATE outbox SET claimed_by = 'another-worker'\"))\n"
    )
    transports = Transports(sms_command=(sys.executable, str(script)))
    assert deliver_pass(store, transports) == counts()
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["claimed_by"], row["attempts"]) == ("queued", "another-worker", 0)


def test_two_deliver_processes_send_each_of_200_messages_once(queue_home, store, tmp_path):
    from sqlalchemy import insert

    from db.schema import outbox

    now = store.now()
    with store.write() as conn:
        conn.execute(
            insert(outbox),
            [
                {
                    "id": f"m{n:04d}",
                    "channel": "sms",
                    "recipient": "+33612344208",
                    "body": f"message {n}",
                    "redacted_body": f"message {n}",
                    "status": "queued",
                    "created_at": now,
                }
                for n in range(200)
            ],
        )
    delivered = tmp_path / "delivered.txt"
    script = tmp_path / "append_id.py"
    script.write_text(
        "import json, sys\n"
        f"with open({str(delivered)!r}, 'a') as out:\n"
        "    out.write(json.load(sys.stdin)['id'] + '\\n')\n"
    )
    environment = {"SESAME_HOME": str(queue_home.path), "SESAME_LANG": "en", "PATH": "/usr/bin"}
    command = f"{sys.executable} -S {script}"
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "cli", *queue_home.global_args, *DELIVER, command, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            text=True,
        )
        for _ in range(2)
    ]
    results = [worker.communicate(timeout=60) for worker in workers]
    elapsed = time.monotonic() - started
    assert [worker.returncode for worker in workers] == [0, 0], results
    reports = [json.loads(stdout) for stdout, _ in results]
    assert sum(report["sent"] for report in reports) == 200
    assert all(report["failed"] == report["abandoned"] == 0 for report in reports)
    ids = delivered.read_text().split()
    assert sorted(ids) == [f"m{n:04d}" for n in range(200)]  # each exactly once
    assert {row["status"] for row in outbox_rows(queue_home)} == {"sent"}
    print(f"200 SMS by two workers in {elapsed:.1f} s; split {[r['sent'] for r in reports]}")


# --- what a gateway echoes back -------------------------------------------------------

ECHOING_GATEWAY = (
    "import json, sys\n"
    "code = json.load(sys.stdin)['body'].splitlines()[1]\n"
    "spaced = ' '.join(c.upper() if i % 3 else c for i, c in enumerate(code))\n"
    "sys.stderr.write(f'code {code} / {spaced} / {code.upper()} / {\"-\".join(code)}\\n')\n"
    "sys.exit(3)\n"
)


def _projection(text: str) -> str:
    """Letters and digits only, lower case: what any separator or case variant leaves."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def test_a_gateway_echoing_the_code_in_any_form_never_reaches_outbox_list(
    sesame, member, queue_home, tmp_path
):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    [queued] = outbox_rows(queue_home)
    code = queued["body"].splitlines()[1]
    script = tmp_path / "echo.py"
    script.write_text(ECHOING_GATEWAY)
    command = f"{sys.executable} -S {script}"
    result = sesame(*DELIVER, command, "--json")
    assert result.json()["failed"] == 1
    [row] = outbox_rows(queue_home)
    assert row["last_error"].startswith("SMS command exited with status 3: code ***")
    shown = [
        sesame("outbox", "list", "--json").stdout,
        sesame("outbox", "list").stdout,
        sesame("outbox", "list", "--csv").stdout,
        sesame("outbox", "show", row["id"], "--json").stdout,
        sesame("outbox", "show", row["id"]).stdout,
        row["last_error"],
    ]
    for text in shown:
        assert code.lower() not in _projection(text), text


_SEPARATORS = st.lists(
    st.sampled_from([" ", "", "-", ".", "_", "/", "\n", "\t", "%20", "%2D", "·", "\u00a0", ":"]),
)


@settings(max_examples=200, deadline=None)
@given(
    code=st.text(alphabet=TEMP_PASSWORD_ALPHABET, min_size=10, max_size=10),
    uppers=st.lists(st.booleans(), min_size=10, max_size=10),
    separators=st.lists(_SEPARATORS.map("".join), min_size=9, max_size=9),
)
def test_no_case_or_separator_variant_of_the_secret_survives_the_scrub(code, uppers, separators):
    from db.delivery_scrub import scrubbed

    cased = [c.upper() if up else c.lower() for c, up in zip(code, uppers, strict=True)]
    variant = cased[0] + "".join(sep + c for sep, c in zip(separators, cased[1:], strict=True))
    row = SimpleNamespace(
        channel="sms",
        recipient="+33612344208",
        body=f"Votre mot de passe temporaire :\n{code}\nValable 10 minutes.",
        redacted_body="Votre mot de passe temporaire :\n[secret retiré après envoi]\n"
        "Valable 10 minutes.",
    )
    stored = scrubbed(f"refused: {variant} (+33612344208), try later", row)
    assert code.lower() not in _projection(stored)
    assert "+33612344208" not in stored and len(stored) <= 200


def test_the_link_token_is_scrubbed_in_any_case_and_url_encoded():
    from urllib.parse import quote

    from db.delivery_scrub import scrubbed

    token = "Ab-cD_ef0123456789ghIJklMNopQRstUVwxyz-_AbCd"
    link = f"https://espace.example/reinitialiser?token={token}"
    row = SimpleNamespace(
        channel="email",
        recipient="marie.dupont@orange.fr",
        body=f"Bonjour,\n\n{link}\n",
        redacted_body="Bonjour,\n\n[secret retiré après envoi]\n",
    )
    for echoed in (token, token.upper(), quote(token, safe=""), quote(link, safe=""), link):
        stored = scrubbed(f"SMTP 554 rejected {echoed} for marie.dupont@orange.fr", row)
        assert _projection(token) not in _projection(stored), stored
        assert "marie.dupont@orange.fr" not in stored


# --- a message that can no longer be built -------------------------------------------------


def with_policy(store: Store, **changes) -> Store:
    """The same home under a policy that validation would have refused (changed after queueing)."""
    from dataclasses import replace

    policy = store.settings.policy
    outbox = replace(policy.outbox, **changes.pop("outbox", {}))
    return Store(replace(store.settings, policy=replace(policy, outbox=outbox, **changes)))


BROKEN_FROM = "Ameli\r\nBcc: x@evil.example <a@ameli.example>"


def test_an_email_that_cannot_be_built_is_abandoned_with_its_secret_erased(
    sesame, member, queue_home, store, smtp_server
):
    member(mobile=None)
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))  # the lock notice: no secret
    sesame("unlock", NIR, "--dob", DOB)  # the reset link: a secret
    mailbox = Mailbox()
    broken = with_policy(store, mail_from=BROKEN_FROM)

    assert deliver_pass(broken, smtp(smtp_server(mailbox))) == counts(abandoned=2)
    assert mailbox.received == []
    notice, link = outbox_rows(queue_home)
    for row in (notice, link):
        assert (row["status"], row["next_attempt_at"], row["claimed_by"]) == (
            "abandoned",
            None,
            None,
        )
        assert row["last_error"].startswith("message cannot be built: ValueError")
    assert link["body"] is None
    assert notice["body"] == notice["redacted_body"]  # no secret: `outbox retry` can resend it
    assert deliver_pass(broken, smtp(smtp_server(mailbox))) == counts()
    audited = queue_home.query(
        "SELECT detail FROM audit_events WHERE event = 'message_abandoned' ORDER BY id"
    )
    assert [json.loads(d)["reason"] for (d,) in audited] == ["unbuildable", "unbuildable"]


def test_flush_abandons_an_email_that_cannot_be_built_and_erases_its_secret(
    sesame, member, queue_home, store
):
    member(mobile=None)
    sesame("forgot", NIR, "--dob", DOB)  # queued: the transport was "queue"
    from db.outbox import flush

    broken = with_policy(store, mail_from=BROKEN_FROM, outbox={"transport": "files"})
    assert flush(broken) == 0
    assert queue_home.mail_files() == []
    [row] = outbox_rows(queue_home)
    assert (row["status"], row["body"]) == ("abandoned", None)
    assert row["last_error"].startswith("message cannot be built: ValueError")
    assert flush(broken) == 0
    [(detail,)] = queue_home.query(
        "SELECT detail FROM audit_events WHERE event = 'message_abandoned'"
    )
    assert json.loads(detail)["reason"] == "unbuildable"
