"""The console's Tab (`cli.shell.completer`): commands, options and identifiers."""

from __future__ import annotations

import pytest
from helpers import NIR_COMPACT

from cli.shell.completer import candidates, split_for_completion
from db.completion import Candidate, identifier_candidates

# A second and a third member, NIRs with valid keys beside the procedure's own.
OTHER_NIR = "295109912611292"  # same first 12 characters as NIR_COMPACT
THIRD_NIR = "195109912611344"


def no_lookup(typed: str) -> list[Candidate]:
    raise AssertionError(f"no database look-up expected for {typed!r}")


def texts(words: list[str], word: str, lookup=no_lookup) -> list[str]:
    return [text for text, _ in candidates(words, word, lookup)]


@pytest.mark.sqlite_only  # nothing read from a database
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ac", ["account"]),
        ("s", ["send-code", "status", "spec", "serve", "shell"]),
        ("u", ["unlock", "use"]),
        ("sesame au", ["audit"]),
        ("account s", ["show", "send-reset"]),
        ("account unlock --all", ["--all-locked"]),
        ("account unlock --send-reset ", ["sms", "email"]),
        ("status --j", ["--json"]),
        ("status --h", ["--help"]),
        ("outbox ", ["list", "show", "flush", "retry", "deliver"]),
        ("help acc", ["account"]),
        ("help account li", ["list"]),
        ("nosuchcommand ", []),
        ("status ", []),  # no identifier before the first character
    ],
)
def test_commands_subcommands_options_and_choices(line, expected):
    words, word = split_for_completion(line)
    assert texts(words, word) == expected


@pytest.mark.sqlite_only
def test_the_word_being_typed_is_the_last_one_unless_a_space_ends_the_line():
    assert split_for_completion("account show 29") == (["account", "show"], "29")
    assert split_for_completion("account show ") == (["account", "show"], "")
    # An open quote: words as typed, the completion goes on.
    assert split_for_completion("audit --reason 'open quo") == (
        ["audit", "--reason", "'open"],
        "quo",
    )


@pytest.mark.sqlite_only
def test_an_identifier_argument_or_option_asks_the_database():
    asked: list[str] = []

    def lookup(typed: str) -> list[Candidate]:
        asked.append(typed)
        return [Candidate(NIR_COMPACT, "locked")]

    assert candidates(["status"], "2951", lookup) == [(NIR_COMPACT, "locked")]
    assert candidates(["use"], "2951", lookup) == [(NIR_COMPACT, "locked")]
    assert candidates(["outbox", "list", "--to"], "ma", lookup) == [(NIR_COMPACT, "locked")]
    assert candidates(["account", "list"], "29", lookup) == []  # takes no ID
    assert asked == ["2951", "2951", "ma"]


def test_tab_through_prompt_toolkit_replaces_the_word_being_typed():
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from cli.shell.completer import SesameCompleter
    from db.completion import Candidate

    completer = SesameCompleter(lambda typed: [Candidate(NIR_COMPACT, "locked")])
    found = list(completer.get_completions(Document("account show 2951"), CompleteEvent()))
    assert [(c.text, c.start_position, c.display_meta_text) for c in found] == [
        (NIR_COMPACT, -4, "locked")
    ]
    found = list(completer.get_completions(Document("account sh"), CompleteEvent()))
    assert [(c.text, c.start_position) for c in found] == [("show", -2)]


@pytest.fixture
def store(home, member):
    from db.settings import load_settings
    from db.store import Store

    member()
    member(nir=OTHER_NIR, email="marc.durand@example.org", mobile=None)
    member(nir=THIRD_NIR, email="zoe@example.org", mobile=None)
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    yield store
    store.close()


def _idents(store, typed: str) -> list[str]:
    return [c.ident for c in identifier_candidates(store, typed)]


def test_identifiers_by_nir_prefix(store):
    assert _idents(store, "2951099126112") == [OTHER_NIR]
    assert _idents(store, "29510991261") == [NIR_COMPACT, OTHER_NIR]
    assert _idents(store, "2 95 10") == [NIR_COMPACT, OTHER_NIR]  # as printed on the card
    assert _idents(store, "1") == [THIRD_NIR]
    assert _idents(store, "19") == [THIRD_NIR]  # the range ends at "1:", before "2…"
    assert _idents(store, "18") == []
    assert identifier_candidates(store, NIR_COMPACT) == [Candidate(NIR_COMPACT, "active")]


def test_identifiers_by_email_prefix(store):
    assert _idents(store, "mar") == ["marc.durand@example.org", "marie.dupont@orange.fr"]
    assert _idents(store, "MARIE.") == ["marie.dupont@orange.fr"]  # stored lower-cased
    assert _idents(store, "zoe@example.o") == ["zoe@example.org"]
    assert _idents(store, "nobody") == []


def test_the_prefix_is_an_index_range(store, home):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from db.schema import accounts

    collate = not home.is_sqlite
    for column, prefix in ((accounts.c.nir, "2951"), (accounts.c.email, "mar")):
        key = column.collate("C") if collate else column
        query = (
            accounts.select()
            .with_only_columns(column, accounts.c.state)
            .where(key >= prefix, key < prefix[:-1] + chr(ord(prefix[-1]) + 1))
            .order_by(key)
            .limit(20)
        )
        engine = create_engine(home.url, poolclass=NullPool)
        with engine.connect() as conn:
            if home.is_sqlite:
                sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
                plan = " ".join(
                    str(row) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
                )
                assert "USING INDEX sqlite_autoindex_accounts" in plan, plan
            else:
                conn.exec_driver_sql("SET enable_seqscan = off")
                sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
                plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))
                expected = (
                    "ix_accounts_nir_c" if column is accounts.c.nir else "ix_accounts_email_c"
                )
                assert expected in plan, plan
        engine.dispose()
