"""`audit --event` knows the event names (refuses others, lists them in --help),
and `audit --reason` filters on the support reason."""

from __future__ import annotations

import re

from helpers import NIR, lines

from engine.audit_events import AUDIT_EVENTS

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_the_list_names_every_event_the_code_writes():
    from engine.counted import Counted

    written = {str(name) for name in Counted}
    for folder in ("engine", "db", "cli"):
        for path in (ROOT / folder).rglob("*.py"):
            written |= set(re.findall(r'Audit\(\s*"([a-z_]+)"', path.read_text()))
    assert set(AUDIT_EVENTS) == written
    assert list(AUDIT_EVENTS) == sorted(AUDIT_EVENTS)


def test_an_unknown_event_is_refused_with_the_list(sesame, member):
    member()
    refused = sesame("audit", "--event", "account_unlock")
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Événement inconnu : « account_unlock ». Événements possibles : "
        f"{', '.join(AUDIT_EVENTS)}.\n"
    )
    english = sesame("audit", "--event", "login_failed", "--event", "nope", "--json", lang="en")
    assert english.exit_code == 2
    assert english.json()["error"] == {
        "code": "invalid_input",
        "reason": "event_unknown",
        "message": f"Unknown event: 'nope'. Known events: {', '.join(AUDIT_EVENTS)}.",
    }
    known = sesame("audit", "--event", "account_created", "--json")
    assert [e["event"] for e in known.json()["events"]] == ["account_created"]


def test_audit_help_lists_the_event_names(sesame):
    shown = sesame("audit", "--help", lang="en")
    assert shown.exit_code == 0
    flat = " ".join(shown.stdout.replace("│", " ").split())
    for name in AUDIT_EVENTS:
        assert name in flat, name
    assert "--reason" in flat


def test_reason_filters_by_substring_in_any_case(sesame, member):
    member()
    member(nir="195107505612366", email="paul.durand@free.fr", mobile=None)
    for _ in range(3):
        sesame("login", NIR, input=lines("mauvais"))
    assert sesame("account", "unlock", NIR, "--reason", "Incident SMS 26/11").exit_code == 0
    assert sesame("account", "disable", "195107505612366", "--reason", "ÉTÉ 100%_x").exit_code == 0

    def reasons(text):
        found = sesame("audit", "--reason", text, "--json")
        assert found.exit_code == 0, found.stderr
        return [(e["event"], e["detail"]["reason"]) for e in found.json()["events"]]

    assert reasons("incident sms") == [("account_unlocked", "Incident SMS 26/11")]
    assert reasons("été") == [("account_disabled", "ÉTÉ 100%_x")]
    assert reasons("100%_") == [("account_disabled", "ÉTÉ 100%_x")]
    assert reasons("%") == [("account_disabled", "ÉTÉ 100%_x")]  # not a wildcard
    assert reasons("_") == [("account_disabled", "ÉTÉ 100%_x")]
    assert reasons("fraude") == []
    both = sesame("audit", "--reason", "incident", "--event", "account_disabled", "--json")
    assert both.json()["events"] == []
