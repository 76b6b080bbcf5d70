"""CSV formula injection: every CSV cell a spreadsheet would run as a formula is
neutralised (OWASP: a leading single quote); JSON keeps the raw value; an
export re-imports to the same accounts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from helpers import DOB, NIR, NIR_COMPACT, PASSWORD, Home, lines
from hypothesis import given
from hypothesis import strategies as st

FORMULA_EMAIL = "=cmd|'/ccalc'!a0@x.fr"  # as stored: lower-cased
FORMULA_ACTOR = '=HYPERLINK("https://evil.example","x")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_no_formula(text: str) -> None:
    """No cell of the document starts as a spreadsheet formula would."""
    for row in cells(text):
        for cell in row:
            assert not cell.startswith(TRIGGERS), (cell, text)


def test_the_rule_quotes_exactly_the_formula_starts():
    from engine.spreadsheet import neutralise_cell

    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("+33612345678") == "'+33612345678"
    assert neutralise_cell("-2") == "'-2"
    assert neutralise_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_cell("\t=1") == "'\t=1"
    assert neutralise_cell("\r=1") == "'\r=1"
    assert neutralise_cell("marie@orange.fr") == "marie@orange.fr"
    assert neutralise_cell("'quoted") == "'quoted"
    assert neutralise_cell("'=1") == "''=1"  # so that restoring gives it back
    assert neutralise_cell("") == ""


@given(st.text(max_size=12))
def test_restore_undoes_neutralise_for_any_text(value):
    from engine.spreadsheet import neutralise_cell, restore_cell

    assert restore_cell(neutralise_cell(value)) == value


def test_export_and_list_neutralise_formulas_and_json_keeps_them(sesame, home):
    added = sesame(
        "account", "add", "--nir", NIR, "--dob", DOB, "--email", FORMULA_EMAIL,
        "--mobile", "06 12 34 42 08", input=lines(PASSWORD, PASSWORD),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    exported = sesame("account", "export")
    assert cells(exported.stdout)[1] == [
        NIR_COMPACT,
        DOB,
        "'" + FORMULA_EMAIL,
        "'+33612344208",
        "fr",
    ]
    assert_no_formula(exported.stdout)
    raw = sesame("account", "export", "--json").json()["accounts"][0]
    assert (raw["email"], raw["mobile"]) == (FORMULA_EMAIL, "+33612344208")
    assert_no_formula(sesame("account", "list", "--csv").stdout)


def test_audit_csv_neutralises_the_actor_and_json_keeps_it(sesame, member):
    member()
    reason = "-1+1"
    done = sesame("--actor", FORMULA_ACTOR, "account", "disable", NIR, "--reason", reason)
    assert done.exit_code == 0, done.stderr
    listed = sesame("audit", "--event", "account_disabled", "--csv")
    row = cells(listed.stdout)[1]
    assert row[2] == "'" + FORMULA_ACTOR
    assert_no_formula(listed.stdout)
    event = sesame("audit", "--event", "account_disabled", "--json").json()["events"][0]
    assert (event["actor"], event["detail"]["reason"]) == (FORMULA_ACTOR, reason)


def test_outbox_csv_neutralises_a_formula_subject(sesame, member, home):
    (home.path / "sesame.toml").write_text(
        '[policy]\norganization = "@Espace"\nresend_cooldown_seconds = 0\n'
        "[argon2]\ntime_cost = 1\nmemory_cost = 8\nparallelism = 1\n"
    )
    member()
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong"))
    listed = sesame("outbox", "list", "--csv")
    assert listed.exit_code == 0, listed.stderr
    subjects = [row[5] for row in cells(listed.stdout)[1:]]
    assert subjects and all(s.startswith("'@Espace") for s in subjects), subjects
    assert_no_formula(listed.stdout)
    raw = sesame("outbox", "list", "--json").json()["messages"]
    assert all(m["subject"].startswith("@Espace") for m in raw)


def test_formula_values_round_trip_through_export_and_import(sesame, home, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    added = sesame(
        "account", "add", "--nir", NIR, "--dob", DOB, "--email", FORMULA_EMAIL,
        "--mobile", "06 12 34 42 08", input=lines(PASSWORD, PASSWORD),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    exported = sesame("account", "export", "--with-hashes").stdout
    path = tmp_path / "export.csv"
    path.write_text(exported)
    other = Home(tmp_path / "other")
    other.path.mkdir()
    other.configure()
    runner = CliRunner()
    imported = runner.invoke(app, ["--home", str(other.path), "account", "import", str(path)])
    assert imported.exit_code == 0, imported.stderr
    again = runner.invoke(app, ["--home", str(other.path), "account", "export", "--with-hashes"])
    assert again.stdout == exported
    assert other.query("SELECT email, mobile FROM accounts") == [(FORMULA_EMAIL, "+33612344208")]


def test_import_reads_a_quoted_mobile_typed_by_hand(sesame, home, tmp_path):
    path: Path = tmp_path / "typed.csv"
    path.write_text(f"nir,birth_date,email,mobile\n{NIR_COMPACT},{DOB},,'+33612344208\n")
    result = sesame("account", "import", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert home.query("SELECT mobile FROM accounts") == [("+33612344208",)]
