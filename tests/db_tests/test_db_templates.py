"""The safety net of the unit of work: a step that sends, in a store whose
command did not read the templates at its start, still renders the operator's
texts, and a refused template rolls its transaction back."""

from __future__ import annotations

import json

import pytest
from helpers import NIR, write_template

from db.settings import load_settings
from db.store import Store
from db.support import send_reset
from engine.errors import SesameError
from engine.identity import parse_identifier
from engine.states import Channel

SMS = "sms_temporary_password"


def store_of(home) -> Store:
    return Store(load_settings(home=str(home.path), db=home.db_url))


def test_a_step_that_sends_reads_the_templates_when_its_command_did_not(member, home):
    member()
    write_template(home.path, "fr", SMS, "Support $organization\n$code\n")
    store = store_of(home)
    try:
        assert store.templates_read is None
        send_reset(store, parse_identifier(NIR), "appel", Channel.SMS)
        assert store.templates_read is not None
    finally:
        store.close()
    document = json.loads(home.sms_files()[-1].read_text())
    assert document["body"] == f"Support Espace personnel\n{document['code']}"


def test_a_refused_template_rolls_the_step_back(member, home):
    member()
    path = write_template(
        home.path, "fr", "sms_temporary_password", "Support $organisation\n$code\n"
    )
    before = home.query("SELECT count(*) FROM audit_events")
    store = store_of(home)
    try:
        with pytest.raises(SesameError) as caught:
            send_reset(store, parse_identifier(NIR), "appel", Channel.SMS)
    finally:
        store.close()
    assert caught.value.reason == "config_template_placeholder"
    assert caught.value.params["path"] == str(path)
    assert home.query("SELECT count(*) FROM audit_events") == before
    assert home.query("SELECT count(*) FROM outbox") == [(0,)]
    assert home.sms_files() == []
