"""The outbox commands through the CLI: list, show, flush, retry, deliver (exact outputs)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import DOB, EMAIL, NIR, NIR_COMPACT, lines

QUEUE = '[outbox]\ntransport = "queue"\n'
WATCH = ("outbox", "deliver", "--watch", "--json")
OTHER_NIR, OTHER_EMAIL = "1 85 05 78 006 084 91", "autre@example.org"
SMTP_USER, SMTP_PASSWORD = "relay", "pass-phrase for the relay"


def use_queue(home, extra: str = "") -> None:
    with (home.path / "sesame.toml").open("a") as config:
        config.write(QUEUE + extra)


def lock(sesame) -> None:
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))


def set_status(home, message_id: str, status: str, **values) -> None:
    assignments = ", ".join(["status = :status", *(f"{k} = :{k}" for k in values)])
    home.query(
        f"UPDATE outbox SET {assignments} WHERE id = :message_id",
        status=status,
        message_id=message_id,
        **values,
    )


def other_member(sesame) -> None:
    """A second member, with no message."""
    added = sesame(
        "account",
        "add",
        "--nir",
        OTHER_NIR,
        "--dob",
        "01/05/1985",
        "--email",
        OTHER_EMAIL,
        "--no-password",
    )
    assert added.exit_code == 0, added.stderr


def gateway_script(tmp_path) -> str:
    """A gateway command (a string, split like a shell would) that records each id."""
    script = tmp_path / "gateway.py"
    script.write_text(
        "import json, sys\n"
        f"with open({str(tmp_path / 'ids.txt')!r}, 'a') as out:\n"
        "    out.write(json.load(sys.stdin)['id'] + '\\n')\n"
    )
    return f"{sys.executable} -S {script}"


@pytest.fixture
def two_messages(sesame, member, home, clock):
    """A lock notice by email, then an SMS temporary password a minute later: (email, sms)."""
    member()
    lock(sesame)
    clock.advance(60)
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    listed = sesame("outbox", "list", "--json").json()["messages"]
    return listed[1], listed[0]


# --- list ---------------------------------------------------------------------------


def test_list_json_table_and_csv(sesame, two_messages, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line a row (80 columns: test_cli_tables.py)
    email, sms = two_messages
    assert set(email) == {
        "id",
        "nir",
        "channel",
        "to",
        "subject",
        "status",
        "created_at",
        "delivered_at",
        "attempts",
        "next_attempt_at",
        "last_error",
    }
    assert (email["channel"], email["to"], email["status"], email["attempts"]) == (
        "email",
        "*****@orange.fr",
        "sent",
        0,
    )
    assert email["subject"] == "Espace personnel : vos identifiants sont bloqués"
    assert (sms["channel"], sms["to"], sms["nir"], sms["last_error"]) == (
        "sms",
        "*** ** 42 08",
        NIR_COMPACT,
        None,
    )
    table = sesame("outbox", "list", lang="en")
    header, _, first, second = table.stdout.splitlines()
    assert header.split() == [
        "id",
        "created",
        "channel",
        "nir",
        "to",
        "status",
        "attempts",
        "last",
        "error",
    ]
    assert first.split()[0] == sms["id"] and "*** ** 42 08" in first and EMAIL not in table.stdout
    assert second.split()[0] == email["id"] and "*****@orange.fr" in second
    csv = sesame("outbox", "list", "--csv")
    assert csv.exit_code == 0
    rows = csv.stdout.splitlines()
    assert rows[0] == (
        "id,created_at,nir,channel,to,subject,status,attempts,next_attempt_at,last_error,"
        "delivered_at"
    )
    assert rows[1].startswith(f"{sms['id']},{sms['created_at']},{NIR_COMPACT},sms,*** ** 42 08,,")
    assert len(rows) == 3


def test_list_filters(sesame, member, two_messages, clock):
    email, sms = two_messages
    by = {
        ("--channel", "sms"): [sms["id"]],
        ("--channel", "email"): [email["id"]],
        ("--status", "sent"): [sms["id"], email["id"]],
        ("--status", "failed"): [],
        ("--to", NIR): [sms["id"], email["id"]],
        ("--to", "Marie.Dupont@orange.fr"): [sms["id"], email["id"]],
        ("--since", "59s"): [sms["id"]],
        ("--since", "1m"): [sms["id"], email["id"]],
        ("--limit", "1"): [sms["id"]],
    }
    for option, expected in by.items():
        found = sesame("outbox", "list", *option, "--json").json()["messages"]
        assert [m["id"] for m in found] == expected, option
    clock.advance(3600)
    assert sesame("outbox", "list", "--since", "1h", "--json").json()["messages"][0] == sms
    today = clock.now.astimezone().date().isoformat()
    assert len(sesame("outbox", "list", "--since", today, "--json").json()["messages"]) >= 1
    future = (clock.now + timedelta(days=2)).astimezone().date().isoformat()
    assert sesame("outbox", "list", "--since", future, "--json").json()["messages"] == []
    empty = sesame("outbox", "list", "--status", "abandoned")
    assert (empty.exit_code, empty.stdout) == (0, "Aucun message.\n")
    other_member(sesame)
    other = sesame("outbox", "list", "--to", OTHER_EMAIL, "--json").json()["messages"]
    assert other == []


def test_list_refusals(sesame, two_messages):
    since = sesame("outbox", "list", "--since", "yesterday", "--json", lang="en")
    assert (since.exit_code, since.json()["error"]) == (
        2,
        {
            "code": "invalid_input",
            "reason": "when",
            "message": "Invalid date or duration: 'yesterday' "
            "(examples: 30m, 2h, 7d, 2026-11-20, 2026-11-20T08:30).",
        },
    )
    french = sesame("outbox", "list", "--since", "hier")
    assert (french.exit_code, french.stderr) == (
        2,
        "Date ou durée invalide : « hier » (exemples : 30m, 2h, 7d, 2026-11-20, "
        "2026-11-20T08:30).\n",
    )
    both = sesame("outbox", "list", "--csv", "--json", lang="en")
    assert (both.exit_code, both.json()["error"]["message"]) == (
        2,
        "--csv and --json do not go together: choose one.",
    )
    unknown = sesame("outbox", "list", "--to", OTHER_NIR, "--json")
    assert (unknown.exit_code, unknown.json()["error"]["code"]) == (12, "not_found")
    status = sesame("outbox", "list", "--status", "lost", "--json", lang="en")
    assert (status.exit_code, status.json()["error"]) == (
        2,
        {
            "code": "invalid_input",
            "message": "Invalid value for --status: 'lost' is not one of queued, sent, "
            "failed, abandoned",
        },
    )
    french = sesame("outbox", "list", "--channel", "fax")
    assert french.exit_code == 2
    assert french.stderr.endswith(
        "Valeur invalide pour --channel : « fax » n'est pas parmi sms, email\n"
    )


# --- show ---------------------------------------------------------------------------


def test_show_never_shows_the_secret(sesame, member, home):
    use_queue(home)
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB, lang="en")
    (body,) = home.query("SELECT body FROM outbox")[0]
    code = body.splitlines()[1]
    shown = sesame("outbox", "show", "--last", "--json", lang="en").json()["message"]
    assert shown["status"] == "queued"
    # The member's message, in the member's language (French by default); where
    # the secret was, said in the operator's: queued, it is hidden, not "removed
    # after sending".
    assert shown["body"] == (
        "Espace personnel - votre mot de passe temporaire :\n[secret hidden, not sent yet]\n"
        "Valable 10 min. Utilisez-le avec votre n° de sécurité sociale. "
        "Ne le communiquez à personne."
    )
    english = sesame("outbox", "show", shown["id"], lang="en").stdout
    assert code not in english and "[secret hidden, not sent yet]" in english
    assert "after sending" not in english and "secret masqué" not in english
    assert english.startswith(
        f"Id: {shown['id']}\nChannel: sms\nTo: *** ** 42 08\nStatus: queued\n"
    )
    french = sesame("outbox", "show", shown["id"]).stdout
    assert code not in french and "[secret masqué, pas encore envoyé]" in french
    assert "après envoi" not in french
    assert french.startswith(
        f"Id : {shown['id']}\nCanal : sms\nDestinataire : *** ** 42 08\nStatut : queued\nCréé : "
    )
    assert "\nEssais : 0\n" in french


def test_show_last_to_a_member_and_refusals(sesame, member, two_messages):
    email, sms = two_messages
    by_id = sesame("outbox", "show", email["id"], "--json").json()["message"]
    assert by_id["id"] == email["id"] and "vos identifiants sont bloqués" in by_id["body"]
    assert (
        sesame("outbox", "show", "--last", "--to", NIR, "--json").json()["message"]["id"]
        == (sms["id"])
    )
    other_member(sesame)
    nothing = sesame("outbox", "show", "--last", "--to", OTHER_EMAIL)
    assert (nothing.exit_code, nothing.stderr) == (12, "Message introuvable.\n")
    wrong_member = sesame("outbox", "show", sms["id"], "--to", OTHER_EMAIL, lang="en")
    assert (wrong_member.exit_code, wrong_member.stderr) == (12, "No such message.\n")
    for args in ((), (sms["id"], "--last")):
        refused = sesame("outbox", "show", *args, "--json", lang="en")
        assert (refused.exit_code, refused.json()["error"]["message"]) == (
            2,
            "Give MESSAGE_ID or --last, not both.",
        )


# --- flush --------------------------------------------------------------------------


def test_flush_writes_leftovers_with_files_and_refuses_with_queue(sesame, member, home):
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    assert sesame("outbox", "flush", "--json").json() == {"ok": True, "delivered": 0}
    assert sesame("outbox", "flush", lang="en").stdout == "0 message(s) delivered.\n"
    use_queue(home)
    refused = sesame("outbox", "flush", "--json", lang="en")
    assert refused.exit_code == 5
    assert refused.json()["error"] == {
        "code": "transport_is_queue",
        "message": "Messages are queued for delivery over SMTP or an SMS gateway ([outbox] "
        'transport = "queue"): they are not written to files. Send them with sesame outbox '
        "deliver.",
    }
    french = sesame("outbox", "flush")
    assert french.exit_code == 5 and french.stderr.endswith(
        "Envoyez-les avec sesame outbox deliver.\n"
    )


# --- retry --------------------------------------------------------------------------


def test_retry_one_failed_message(sesame, member, home):
    use_queue(home)
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    [message] = sesame("outbox", "list", "--json").json()["messages"]
    set_status(home, message["id"], "failed", attempts=2, last_error="SMTP 451 try later")
    result = sesame("outbox", "retry", message["id"], "--json")
    assert result.json() == {"ok": True, "requeued": 1, "erased": 0}
    [again] = sesame("outbox", "list", "--json").json()["messages"]
    assert (again["status"], again["attempts"], again["last_error"]) == ("queued", 0, None)
    (detail,) = home.query("SELECT detail FROM audit_events WHERE event = 'message_requeued'")[0]
    assert json.loads(detail) == {"message": message["id"], "channel": "sms", "attempts": "2"}
    queued = sesame("outbox", "retry", message["id"], "--json", lang="en")
    assert (queued.exit_code, queued.json()["error"]["message"]) == (
        5,
        f"Message {message['id']} is 'queued': only failed or abandoned messages can be "
        "queued again.",
    )


def test_retry_refuses_an_abandoned_message_whose_secret_was_erased(sesame, member, home):
    use_queue(home)
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    [message] = sesame("outbox", "list", "--json").json()["messages"]
    set_status(home, message["id"], "abandoned", body=None)
    refused = sesame("outbox", "retry", message["id"])
    assert refused.exit_code == 5
    assert refused.stderr == (
        f"Le message {message['id']} a été abandonné et son mot de passe temporaire ou son "
        "lien a été effacé : il ne peut plus être envoyé. Le membre doit refaire une demande "
        "(sesame unlock ou sesame forgot).\n"
    )
    english = sesame("outbox", "retry", message["id"], "--json", lang="en")
    assert english.json()["error"]["code"] == "message_secret_erased"
    assert english.json()["error"]["message"].endswith(
        "The member must start again (sesame unlock or sesame forgot)."
    )


def test_retry_failed_requeues_what_can_still_be_sent(sesame, member, home, clock):
    use_queue(home)
    member()
    lock(sesame)  # a notice: abandoned but still deliverable (no secret)
    clock.advance(1)
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")  # a secret: erased when abandoned
    notice, secret = sorted(
        sesame("outbox", "list", "--json").json()["messages"], key=lambda m: m["channel"]
    )
    set_status(home, notice["id"], "abandoned", attempts=5)
    set_status(home, secret["id"], "abandoned", attempts=5, body=None)
    result = sesame("outbox", "retry", "--failed", "--json")
    assert result.json() == {"ok": True, "requeued": 1, "erased": 1}
    statuses = {m["id"]: m["status"] for m in sesame("outbox", "list", "--json").json()["messages"]}
    assert statuses == {notice["id"]: "queued", secret["id"]: "abandoned"}
    human = sesame("outbox", "retry", "--failed", lang="en")
    assert (human.exit_code, human.stdout) == (
        0,
        "0 message(s) queued again; 1 abandoned without their secret left aside "
        "(the member must start again).\n",
    )


def test_retry_refusals(sesame, two_messages):
    email, _ = two_messages
    sent = sesame("outbox", "retry", email["id"], "--json")
    assert (sent.exit_code, sent.json()["error"]["code"]) == (5, "message_not_retryable")
    unknown = sesame("outbox", "retry", "0123456789abcdef", "--json")
    assert (unknown.exit_code, unknown.json()["error"]["code"]) == (12, "message_not_found")
    for args in ((), (email["id"], "--failed")):
        refused = sesame("outbox", "retry", *args)
        assert (refused.exit_code, refused.stderr) == (
            2,
            "Indiquez MESSAGE_ID ou --failed, pas les deux.\n",
        )


# --- deliver ------------------------------------------------------------------------


def test_deliver_through_the_gateway_command(sesame, member, home, tmp_path):
    use_queue(home)
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    [message] = sesame("outbox", "list", "--json").json()["messages"]
    command = gateway_script(tmp_path)
    result = sesame("outbox", "deliver", "--sms-command", command, "--json")
    assert result.json() == {"ok": True, "sent": 1, "failed": 0, "abandoned": 0}
    assert (tmp_path / "ids.txt").read_text() == f"{message['id']}\n"
    again = sesame("outbox", "deliver", "--sms-command", command)
    assert (again.exit_code, again.stdout) == (
        0,
        "0 message(s) envoyé(s), 0 en échec, 0 abandonné(s).\n",
    )
    failing = sesame("outbox", "deliver", "--sms-command", "false", lang="en")
    assert failing.stdout == "0 message(s) sent, 0 failed, 0 abandoned.\n"


def test_deliver_refusals(sesame, home):
    files = sesame("outbox", "deliver", "--sms-command", "true", "--json", lang="en")
    assert files.exit_code == 5
    assert files.json()["error"]["code"] == "transport_is_files"
    assert files.json()["error"]["message"].startswith(
        'Messages are written to files ([outbox] transport = "files"): sesame outbox flush'
    )
    use_queue(home)
    nothing = sesame("outbox", "deliver", "--json", lang="en")
    assert (nothing.exit_code, nothing.json()["error"]["message"]) == (
        2,
        "Missing input: --smtp HOST:PORT | --sms-command CMD.",
    )
    for address in ("localhost", "localhost:smtp", ":25", "localhost:70000"):
        bad = sesame("outbox", "deliver", "--smtp", address)
        assert (bad.exit_code, bad.stderr) == (
            2,
            f"Serveur SMTP invalide : « {address} » (attendu HÔTE:PORT, par exemple "
            "smtp.example:587).\n",
        )
    quote = sesame("outbox", "deliver", "--sms-command", "gateway 'unclosed", lang="en")
    assert (quote.exit_code, quote.stderr) == (2, "Invalid SMS command: No closing quotation\n")


class Mailbox:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    valid = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=valid, handled=False)  # not handled: aiosmtpd answers 535


# A test server on loopback: AUTH over plain TCP is fine here, and aiosmtpd says so.
PLAIN_AUTH = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def auth_server():
    """An SMTP server that requires AUTH (over plain TCP, for the test): (mailbox, port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def queued_email(sesame, member, home):
    use_queue(home)
    member(mobile=None)
    sesame("forgot", NIR, "--dob", DOB)


@PLAIN_AUTH
def test_smtp_password_from_the_environment(sesame, queued_email, auth_server, monkeypatch, home):
    mailbox, port = auth_server
    monkeypatch.setenv("SESAME_SMTP_PASSWORD", SMTP_PASSWORD)
    args = ("outbox", "deliver", "--smtp", f"127.0.0.1:{port}", "--smtp-user", SMTP_USER)
    result = sesame(*args, "--json")
    assert result.json() == {"ok": True, "sent": 1, "failed": 0, "abandoned": 0}
    assert result.stderr == ""  # no prompt
    [content] = mailbox.received
    assert f"To: {EMAIL}".encode() in content


@PLAIN_AUTH
def test_smtp_password_from_the_prompt_and_a_wrong_one(
    sesame, queued_email, auth_server, monkeypatch, home
):
    mailbox, port = auth_server
    monkeypatch.delenv("SESAME_SMTP_PASSWORD", raising=False)
    args = ("outbox", "deliver", "--smtp", f"127.0.0.1:{port}", "--smtp-user", SMTP_USER)
    wrong = sesame(*args, "--json", input=lines("not the password"), lang="en")
    assert wrong.json() == {"ok": True, "sent": 0, "failed": 1, "abandoned": 0}
    assert wrong.stderr == ""  # stdin is not a terminal: no prompt, one line read
    [message] = sesame("outbox", "list", "--json").json()["messages"]
    assert message["last_error"].startswith("SMTP 535 ")
    assert "not the password" not in message["last_error"]
    sesame("outbox", "retry", message["id"])
    right = sesame(*args, "--json", input=lines(SMTP_PASSWORD))
    assert right.json() == {"ok": True, "sent": 1, "failed": 0, "abandoned": 0}
    assert len(mailbox.received) == 1
    missing = sesame(*args, "--json", lang="en")
    assert (missing.exit_code, missing.json()["error"]["message"]) == (
        2,
        "Missing input: SESAME_SMTP_PASSWORD.",
    )


def test_deliver_watch_until_interrupted(home, member, sesame, tmp_path):
    use_queue(home)
    member(email=None)
    sesame("forgot", NIR, "--dob", DOB)
    environment = {**os.environ, "SESAME_HOME": str(home.path), "SESAME_LANG": "en"}
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            *home.global_args,
            *WATCH,
            "--sms-command",
            gateway_script(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
    )
    assert watcher.stdout is not None
    guard = threading.Timer(20, watcher.kill)  # never hang the suite on a stuck watcher
    guard.start()
    first = watcher.stdout.readline()
    assert json.loads(first) == {"ok": True, "sent": 1, "failed": 0, "abandoned": 0}
    sesame(
        "send-code",
        sesame("status", NIR, "--json").json()["account"]["flow"]["id"],
        "--channel",
        "sms",
    )
    second = watcher.stdout.readline()
    assert json.loads(second) == {"ok": True, "sent": 1, "failed": 0, "abandoned": 0}
    time.sleep(1.2)  # a pass with nothing to do prints nothing
    watcher.send_signal(signal.SIGINT)
    stdout, stderr = watcher.communicate(timeout=10)
    guard.cancel()
    assert (watcher.returncode, stdout, stderr) == (0, "", "")
    assert len((tmp_path / "ids.txt").read_text().split()) == 2
