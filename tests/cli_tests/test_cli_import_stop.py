"""`account import` with `--on-error stop` (the default): the rows checked and
decided into staging tables, then written batch by batch with INSERT … SELECT.
What the staging must keep: the report (repeats, existing accounts, warnings),
all-or-nothing, and a row someone created between the check and the write."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_tests.test_cli_transfer import (
    MARIE,
    PAUL,
    PAUL_COMPACT,
    account_count,
    generated_rows,
    write,
)
from helpers import DOB, EMAIL, NIR_COMPACT, create_account_before_import_writes

TAKEN = "An account already exists with this social-security number or email address."


@pytest.fixture
def batches_of_two(monkeypatch):
    """Batches of two rows: a few lines make several batches (worker processes)."""
    import db.transfer.reading

    monkeypatch.setattr(db.transfer.reading, "BATCH_ROWS", 2)


def test_a_row_created_meanwhile_stops_at_its_batch_the_batches_before_stay(
    sesame, home, tmp_path, monkeypatch, batches_of_two
):
    rows = generated_rows(5)  # lines 2-6: batches (2, 3), (4, 5), (6)
    intruder = rows[2].split(",")[0]  # line 4's NIR
    create_account_before_import_writes(monkeypatch, home, intruder)
    result = sesame("account", "import", write(tmp_path, *rows), "--json", lang="en")
    assert result.exit_code == 2
    document = result.json()
    assert (document["rows"], document["valid"], document["imported"]) == (5, 4, 2)
    assert [(row["line"], row["message"]) for row in document["refused"]] == [(4, TAKEN)]
    written = home.query(
        "SELECT a.nir, e.detail, e.batch_id FROM accounts a "
        "JOIN audit_events e ON e.account_id = a.id ORDER BY a.id"
    )
    assert written == [
        (rows[0].split(",")[0], '{"file": "accounts.csv", "line": "2", "password": "none"}',
         document["batch"]),
        (rows[1].split(",")[0], '{"file": "accounts.csv", "line": "3", "password": "none"}',
         document["batch"]),
    ]  # fmt: skip
    assert account_count(home) == 3  # lines 2 and 3, and the intruder: line 5 rolled back


def test_repeats_and_existing_accounts_are_reported_together_nothing_written(
    sesame, member, home, tmp_path, batches_of_two
):
    member()  # Marie: NIR_COMPACT and EMAIL
    rows = (
        f"{NIR_COMPACT},{DOB},,",  # 2: Marie's NIR: exists
        MARIE,  # 3: repeats line 2 (a repeat is not looked up, nor claims its email)
        PAUL,  # 4: valid, a landline
        f"{PAUL_COMPACT},03/05/1985,,",  # 5: repeats line 4
        f"1 85 05 78 006 085 90,03/05/1985,{EMAIL},",  # 6: Marie's email only: exists
        "1 85 05 78 006 086 89,03/05/1985,paul@example.fr,",  # 7: valid
        "1 85 05 78 006 087 88,03/05/1985,PAUL@example.fr,",  # 8: repeats line 7's email
    )
    result = sesame("account", "import", write(tmp_path, *rows), "--json", lang="en")
    assert result.exit_code == 2
    document = result.json()
    assert (document["rows"], document["valid"], document["imported"]) == (7, 2, 0)
    assert [(row["line"], row["code"], row.get("message")) for row in document["refused"]] == [
        (2, "account_exists", TAKEN),
        (3, "import_duplicate_nir", "Social-security number already on line 2."),
        (5, "import_duplicate_nir", "Social-security number already on line 4."),
        (6, "account_exists", TAKEN),
        (8, "import_duplicate_email", "Email address already on line 7."),
    ]
    assert document["warnings"] == [{"line": 4, "code": "mobile_no_sms", "reason": "not_mobile"}]
    assert home.query("SELECT nir FROM accounts") == [(NIR_COMPACT,)]
    assert home.query("SELECT count(*) FROM audit_events WHERE event = 'account_imported'") == [
        (0,)
    ]


def test_one_store_imports_twice_the_staging_tables_of_the_first_are_gone(
    sesame, home, tmp_path, batches_of_two
):
    """A long-lived process (its pooled connection reused): a refused file, then
    a valid one, through the same store."""
    from db.settings import load_settings
    from db.store import Store
    from db.transfer.importing import import_accounts

    sesame("account", "list")  # the schema
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    try:
        refused = import_accounts(
            store, Path(write(tmp_path, MARIE, MARIE)), stop_on_error=True, dry_run=False
        )
        assert ([r.code for r in refused.refused], refused.imported) == (
            ["import_duplicate_nir"],
            0,
        )
        again = import_accounts(
            store, Path(write(tmp_path, MARIE, PAUL)), stop_on_error=True, dry_run=False
        )
        assert (again.refused, again.imported) == ([], 2)
    finally:
        store.close()
    assert account_count(home) == 2
