"""account import / export and policy check through the CLI: exit codes, reports, JSON."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from helpers import (
    DOB,
    EMAIL,
    NIR,
    NIR_COMPACT,
    PASSWORD,
    Home,
    clean_environment,
    create_account_before_import_writes,
    lines,
)

HEADER = "nir,birth_date,email,mobile"
# What export writes: the member's language last, after the columns an import needs.
EXPORTED = f"{HEADER},language"
MARIE = f"{NIR},{DOB},{EMAIL},06 12 34 42 08"
PAUL = "1 85 05 78 006 084 91,03/05/1985,,01 45 67 89 10"
PAUL_COMPACT = "185057800608491"


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "accounts.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def has_database(home: Home) -> bool:
    """The SQLite file exists, or (PostgreSQL) its tables were created."""
    if home.is_sqlite:
        return (home.path / "sesame.db").exists()
    return home.query("SELECT to_regclass('alembic_version')") != [(None,)]


def account_count(home: Home) -> int:
    if not has_database(home):
        return 0
    return int(home.query("SELECT count(*) FROM accounts")[0][0])


def typed_accounts(home: Home) -> list[tuple[object, ...]]:
    """The accounts as SQLAlchemy types them (dates, booleans), to compare across backends."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    from db.schema import accounts

    columns = ("nir", "birth_date", "email", "mobile", "sms_capable", "password_hash", "state")
    engine = create_engine(home.url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            query = select(*(accounts.c[name] for name in columns)).order_by(accounts.c.nir)
            return [tuple(row) for row in conn.execute(query)]
    finally:
        engine.dispose()


def argon2_hash(password: str, *, time_cost: int, memory_cost: int, kind: str = "ID") -> str:
    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=1, type=Type[kind]
    )
    return hasher.hash(password)


def generated_nir(i: int) -> tuple[str, str]:
    """The i-th of many valid NIRs, and a birth date that agrees with it."""
    from stdnum.fr import nir

    year, month = 1940 + i % 60, 1 + i % 12
    body = f"{1 + i % 2}{year % 100:02d}{month:02d}75{1 + i // 999:03d}{1 + i % 999:03d}"
    return body + nir.calc_check_digits(body), f"{1 + i % 28:02d}/{month:02d}/{year}"


def generated_rows(count: int) -> list[str]:
    rows = []
    for i in range(count):
        nir, birth_date = generated_nir(i)
        email = f"member{i}@example.fr" if i % 5 else ""
        mobile = f"06 12 {i % 100:02d} {i // 100 % 100:02d} 00" if i % 3 else ""
        rows.append(f"{nir},{birth_date},{email},{mobile}")
    return rows


# --- import: success ---------------------------------------------------------


def test_import_creates_accounts_with_one_audit_event_each(sesame, home, tmp_path):
    source = write(tmp_path, MARIE, PAUL)
    result = sesame("--actor", "ops", "account", "import", source)
    [(batch,)] = home.query("SELECT DISTINCT batch_id FROM audit_events")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "2 compte(s) importé(s) sur 2 ligne(s).\n"
        "Mobiles sans SMS possible : 1.\n"
        f"Lot {batch} : sesame audit --batch {batch}\n",
        # Paul's number is a landline: stored, said, not swallowed.
        "Attention : 1 mobile(s) enregistré(s) ne peuvent pas recevoir de SMS (numéro hors "
        "de France métropolitaine, ou fixe), lignes 3 : aucun mot de passe temporaire ne "
        "pourra leur être envoyé.\n",
    )
    batched = sesame("audit", "--batch", batch, "--json").json()["events"]
    assert [(e["nir"], e["event"], e["batch_source"]) for e in batched] == [
        (NIR_COMPACT, "account_imported", source),
        (PAUL_COMPACT, "account_imported", source),
    ]
    marie = sesame("status", NIR, "--json").json()["account"]
    assert marie["state"] == "active"
    assert marie["channels"] == [
        {"channel": "sms", "destination": "*** ** 42 08", "sms_possible": True},
        {"channel": "email", "destination": "*****@orange.fr"},
    ]
    paul = sesame("status", PAUL_COMPACT, "--json").json()["account"]
    assert paul["channels"] == [
        {"channel": "sms", "destination": "*** ** 89 10", "sms_possible": False}
    ]
    events = home.query(
        "SELECT a.nir, e.event, e.actor, e.state_after, e.detail FROM audit_events e "
        "JOIN accounts a ON a.id = e.account_id ORDER BY e.id"
    )
    assert events == [
        (NIR_COMPACT, "account_imported", "ops", "active",
         '{"file": "accounts.csv", "line": "2", "password": "none"}'),
        (PAUL_COMPACT, "account_imported", "ops", "active",
         '{"file": "accounts.csv", "line": "3", "password": "none"}'),
    ]  # fmt: skip


def test_import_json_in_english(sesame, tmp_path):
    result = sesame("account", "import", write(tmp_path, MARIE), "--json", lang="en")
    assert result.exit_code == 0
    document = result.json()
    assert len(document.pop("batch")) == 16
    assert document == {
        "ok": True,
        "dry_run": False,
        "on_error": "stop",
        "rows": 1,
        "valid": 1,
        "imported": 1,
        "refused": [],
        "warnings": [],
    }


def test_import_warns_of_every_mobile_no_sms_can_reach(sesame, tmp_path):
    rows = (
        MARIE,
        "1 95 10 75 056 123 66,10/10/1995,,+44 7700 900123",
        PAUL,
        "2 95 10 13 055 001 96,10/10/1995,,0690 12 34 56",
    )
    dry = sesame("account", "import", write(tmp_path, *rows), "--dry-run", "--json", lang="en")
    assert dry.exit_code == 0
    assert (dry.json()["batch"], dry.stderr) == (None, "")  # --json: the warnings are in it
    assert dry.json()["warnings"] == [
        {"line": 3, "code": "mobile_no_sms", "reason": "not_metropolitan"},
        {"line": 4, "code": "mobile_no_sms", "reason": "not_mobile"},
        {"line": 5, "code": "mobile_no_sms", "reason": "not_metropolitan"},
    ]
    text = sesame("account", "import", write(tmp_path, *rows), "--dry-run", lang="en")
    assert text.stdout.splitlines()[-1] == "Mobiles that cannot receive an SMS: 3."
    assert text.stderr.startswith(
        "Warning: 3 stored mobile(s) cannot receive an SMS (not a metropolitan-France number, "
        "or a landline), lines 3-5: "
    )


def test_import_accepts_semicolons_bom_iso_dates_and_blank_lines(sesame, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeffNIR;Birth_Date;Email;Mobile\r\n"
        f"{NIR_COMPACT};1995-10-15;{EMAIL};0612344208\r\n"
        "\r\n"
        f"{PAUL_COMPACT};03/05/1985;;\r\n",
        encoding="utf-8",
    )
    result = sesame("account", "import", str(path), "--json")
    assert (result.exit_code, result.json()["imported"]) == (0, 2)
    exported = sesame("account", "export").stdout
    assert exported == (
        f"{EXPORTED}\n{NIR_COMPACT},{DOB},{EMAIL},'+33612344208,fr\n{PAUL_COMPACT},03/05/1985,,,fr\n"
    )


def test_rows_without_hash_have_no_password_until_forgot(sesame, home, tmp_path):
    sesame("account", "import", write(tmp_path, MARIE))
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 3
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    code = home.last_sms_code()
    reset = sesame("login", NIR, input=lines(code, PASSWORD, PASSWORD))
    assert reset.exit_code == 0, reset.stderr
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


def test_imported_hash_logs_in_and_is_rehashed_with_the_configured_parameters(
    sesame, home, tmp_path
):
    from argon2 import extract_parameters

    legacy = argon2_hash(PASSWORD, time_cost=2, memory_cost=16)
    sesame(
        "account",
        "import",
        write(tmp_path, f'{MARIE},"{legacy}"', header=f"{HEADER},password_hash"),
    )
    [stored] = home.query("SELECT password_hash FROM accounts")[0]
    assert stored == legacy
    assert sesame("login", NIR, input=lines("not the password")).exit_code == 3
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0
    [rehashed] = home.query("SELECT password_hash FROM accounts")[0]
    [event] = home.query("SELECT event FROM audit_events ORDER BY id DESC LIMIT 1")[0]
    assert rehashed != legacy
    params = extract_parameters(rehashed)  # tests/helpers.FAST_ARGON2
    assert (params.time_cost, params.memory_cost, params.parallelism) == (1, 8, 1)
    assert event == "password_rehashed"  # after the login_succeeded it follows
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


def test_argon2i_hash_is_accepted(sesame, tmp_path):
    old = argon2_hash(PASSWORD, time_cost=1, memory_cost=8, kind="I")
    source = write(tmp_path, f'{MARIE},"{old}"', header=f"{HEADER},password_hash")
    assert sesame("account", "import", source).exit_code == 0
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


# --- import: refusals ----------------------------------------------------------

BAD_ROWS = [
    f"{MARIE},",  # 2: accepted (empty hash)
    "2 95 10 99 126 111 94,15/10/1995,,,",  # 3: wrong key
    "1 85 05 78 006 084 91,31/02/1985,,,",  # 4: no such date
    "1 85 05 78 006 084 91,03/06/1985,,,",  # 5: month differs from the NIR
    "1 85 05 78 006 084 91,03/05/1985,paul@,,",  # 6: bad email
    "1 85 05 78 006 084 91,03/05/1985,,06 12,",  # 7: bad phone
    "1 85 05 78 006 084 91,03/05/1985,,,$argon2id$v=19$nonsense",  # 8: bad hash
    "1 85 05 78 006 084 91,03/05/1985,,,",  # 9: accepted
    f"{NIR},{DOB},other@example.fr,,",  # 10: NIR of line 2
    f"{PAUL_COMPACT[:-2]}92,03/05/1985,{EMAIL.upper()},,",  # 11: wrong key
    "1 85 05 78 006 085 90,03/05/1985,marie.DUPONT@orange.fr,,",  # 12: email of line 2
    "1 85 05 78 006 084 91,03/05/1985",  # 13: too few fields
]
BAD_REPORT_FR = [
    (3, "N° de sécurité sociale invalide : la clé ne correspond pas."),
    (4, "Date de naissance invalide : cette date n'existe pas."),
    (5, "La date de naissance ne correspond pas au mois du n° de sécurité sociale."),
    (6, "Adresse email invalide : "),
    (7, "N° de téléphone invalide."),
    (8, "password_hash n'est pas un hachage argon2 au format PHC "),
    (10, "N° de sécurité sociale déjà présent ligne 2."),
    (11, "N° de sécurité sociale invalide : la clé ne correspond pas."),
    (12, "Adresse email déjà présente ligne 2."),
    (13, "2 champ(s) au lieu de 5 "),
]


def refused_lines(result) -> list[tuple[int, str]]:
    return [(row["line"], row["message"]) for row in result.json()["refused"]]


def assert_report(report: list[tuple[int, str]], expected: list[tuple[int, str]]) -> None:
    assert [line for line, _ in report] == [line for line, _ in expected]
    for (_, message), (_, start) in zip(report, expected, strict=True):
        assert message.startswith(start), message


def test_stop_imports_nothing_and_reports_every_refused_line(sesame, home, tmp_path):
    source = write(tmp_path, *BAD_ROWS, header=f"{HEADER},password_hash")
    result = sesame("account", "import", source)
    assert result.exit_code == 2
    assert result.stdout.startswith(
        "0 compte(s) importé(s) sur 12 ligne(s).\nLignes refusées :\n  Ligne  Motif\n"
    )
    assert "     13  2 champ(s) au lieu de 5 (une valeur" in result.stdout
    assert result.stderr == (
        "Import arrêté : 10 ligne(s) refusée(s), 0 compte(s) importé(s). Corrigez le "
        "fichier, ou importez les lignes valides avec --on-error skip.\n"
    )
    as_json = sesame("account", "import", source, "--json")
    assert as_json.exit_code == 2
    document = as_json.json()
    assert document["ok"] is False
    assert document["error"]["code"] == "import_refused"
    assert (document["rows"], document["valid"], document["imported"]) == (12, 2, 0)
    assert document["refused"][0] == {
        "line": 3,
        "code": "invalid_input",
        "reason": "nir_key",
        "message": "N° de sécurité sociale invalide : la clé ne correspond pas.",
    }
    assert document["refused"][6] == {
        "line": 10,
        "code": "import_duplicate_nir",
        "message": "N° de sécurité sociale déjà présent ligne 2.",
    }
    assert_report(refused_lines(as_json), BAD_REPORT_FR)
    assert account_count(home) == 0


def test_skip_imports_the_valid_rows_and_exits_5(sesame, home, tmp_path):
    source = write(tmp_path, *BAD_ROWS, header=f"{HEADER},password_hash")
    result = sesame("account", "import", source, "--on-error", "skip", "--json", lang="en")
    assert result.exit_code == 5
    document = result.json()
    assert document["error"] == {
        "code": "import_incomplete",
        "message": "10 row(s) refused and skipped.",
    }
    assert (document["on_error"], document["valid"], document["imported"]) == ("skip", 2, 2)
    assert [row["line"] for row in document["refused"]] == [3, 4, 5, 6, 7, 8, 10, 11, 12, 13]
    assert document["refused"][-1]["message"] == (
        "2 field(s) instead of 5 (a value that holds the separator, such as a "
        "password_hash, must be in double quotes)."
    )
    assert account_count(home) == 2
    human = sesame("account", "import", source, "--on-error", "skip")
    assert human.exit_code == 5
    assert human.stdout.startswith("0 compte(s) importé(s) sur 12 ligne(s).\n")
    assert human.stderr == "12 ligne(s) refusée(s) et ignorée(s).\n"


def test_dry_run_reports_and_writes_nothing(sesame, home, tmp_path):
    good = write(tmp_path, MARIE, PAUL)
    result = sesame("account", "import", good, "--dry-run")
    assert (result.exit_code, result.stdout) == (
        0,
        "Simulation : 2 ligne(s) valide(s) sur 2, rien n'a été écrit.\n"
        "Mobiles sans SMS possible : 1.\n",
    )
    bad = write(tmp_path, *BAD_ROWS, header=f"{HEADER},password_hash", name="bad.csv")
    stop = sesame("account", "import", bad, "--dry-run", "--json")
    assert (stop.exit_code, stop.json()["dry_run"], stop.json()["valid"]) == (2, True, 2)
    assert stop.json()["error"] == {
        "code": "import_refused",
        "message": "Simulation : 10 ligne(s) refusée(s) ; rien n'a été écrit.",
    }
    skip = sesame("account", "import", bad, "--dry-run", "--on-error", "skip", "--json")
    assert (skip.exit_code, skip.json()["imported"]) == (5, 0)
    assert account_count(home) == 0
    assert home.query("SELECT count(*) FROM audit_events")[0] == (0,)


def test_duplicates_against_the_database(sesame, member, tmp_path):
    member()
    source = write(
        tmp_path,
        f"{NIR_COMPACT},{DOB},,,",
        f"{PAUL},",
        f"1 85 05 78 006 085 90,03/05/1985,{EMAIL},,",
        header=f"{HEADER},password_hash",
    )
    result = sesame("account", "import", source, "--on-error", "skip", "--json", lang="en")
    assert result.exit_code == 5
    assert refused_lines(result) == [
        (2, "An account already exists with this social-security number or email address."),
        (4, "An account already exists with this social-security number or email address."),
    ]
    assert result.json()["imported"] == 1
    again = sesame("account", "import", source, "--json")
    assert again.exit_code == 2
    assert [line for line, _ in refused_lines(again)] == [2, 3, 4]


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_an_account_created_during_a_batch_is_refused_not_an_internal_error(sesame, home, tmp_path):
    """PostgreSQL: a command creating one of the file's accounts while a batch is
    being written. The batch locks `accounts` first, so it waits for that command
    and then refuses the row (without the lock: the unique index fails the insert,
    exit 1)."""
    import subprocess
    import time

    from sqlalchemy import create_engine, text

    assert sesame("db", "upgrade").exit_code == 0
    source = write(tmp_path, PAUL)
    other = create_engine(home.db_url)
    with other.connect() as creating:
        creating.begin()
        creating.execute(
            text(
                "INSERT INTO accounts (nir, birth_date, sms_capable, state, failed_attempts,"
                " created_at) VALUES (:nir, '1985-05-03', false, 'active', 0, now())"
            ),
            {"nir": PAUL_COMPACT},
        )
        env = clean_environment()
        command = ["account", "import", source, "--on-error", "skip", "--json"]
        importing = subprocess.Popen(
            [sys.executable, "-m", "cli", *home.global_args, "--lang", "en", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        deadline = time.monotonic() + 60
        with other.connect() as watching:
            while watching.execute(text(waiting)).scalar_one() == 0:
                watching.rollback()  # pg_stat_activity is a snapshot per transaction
                assert importing.poll() is None, importing.communicate()
                assert time.monotonic() < deadline
                time.sleep(0.05)
        creating.commit()
    stdout, stderr = importing.communicate(timeout=60)
    other.dispose()
    assert importing.returncode == 5, (stdout, stderr)
    document = json.loads(stdout)
    assert document["imported"] == 0
    assert [(r["line"], r["code"]) for r in document["refused"]] == [(2, "account_exists")]


def test_stop_rolls_back_a_batch_whose_account_appeared_after_the_check(
    sesame, home, tmp_path, monkeypatch
):
    create_account_before_import_writes(monkeypatch, home, PAUL_COMPACT)
    result = sesame("account", "import", write(tmp_path, MARIE, PAUL), "--json")
    assert result.exit_code == 2
    assert (result.json()["valid"], result.json()["imported"]) == (1, 0)
    assert refused_lines(result) == [
        (3, "Un compte existe déjà avec ce n° de sécurité sociale ou cette adresse email.")
    ]
    assert sesame("status", NIR).exit_code == 12  # Marie's row was rolled back with the batch


def test_refused_hashes(sesame, tmp_path):
    argon2d = argon2_hash(PASSWORD, time_cost=1, memory_cost=8, kind="D")
    good = argon2_hash(PASSWORD, time_cost=1, memory_cost=8)
    salt, digest = good.split("$")[-2:]
    rows = [
        f'{MARIE},"{argon2d}"',
        f'{MARIE},"$argon2id$v=19$m=2097152,t=1,p=1${salt}${digest}"',
        f'{MARIE},"$argon2id$v=19$m=8,t=1,p=1$$"',
        f'{MARIE},"$argon2id$v=19$m=8,t=1,p=1$not*base64${digest}"',
        f"{MARIE},$2b$12$abcdefghijklmnopqrstuv",
    ]
    source = write(tmp_path, *rows, header=f"{HEADER},password_hash")
    result = sesame("account", "import", source, "--json", lang="en")
    assert result.exit_code == 2
    assert [(row["line"], row["reason"]) for row in result.json()["refused"]] == [
        (2, "hash_type"),
        (3, "hash_cost"),
        (4, "hash_format"),
        (5, "hash_format"),
        (6, "hash_format"),
    ]
    assert result.json()["refused"][0]["message"] == (
        "password_hash: only argon2id and argon2i are accepted (argon2d is not meant for "
        "passwords)."
    )


@pytest.mark.parametrize(
    ("header", "message_fr", "message_en"),
    [
        (
            "nir,birth_date,mobile",
            "Fichier CSV : colonne(s) manquante(s) email ; l'en-tête doit nommer "
            "nir,birth_date,email,mobile et, si besoin, password_hash.",
            "CSV file: missing column(s) email; the header must name "
            "nir,birth_date,email,mobile and, if needed, password_hash.",
        ),
        (
            "nir,birth_date,email,mobile,pasword_hash",
            "Fichier CSV : colonne inconnue « pasword_hash » (colonnes possibles : "
            "nir,birth_date,email,mobile,password_hash).",
            "CSV file: unknown column 'pasword_hash' (possible columns: "
            "nir,birth_date,email,mobile,password_hash).",
        ),
        (
            "",
            "Fichier CSV : colonne(s) manquante(s) nir,birth_date,email,mobile ; l'en-tête "
            "doit nommer nir,birth_date,email,mobile et, si besoin, password_hash.",
            "CSV file: missing column(s) nir,birth_date,email,mobile; the header must name "
            "nir,birth_date,email,mobile and, if needed, password_hash.",
        ),
    ],
)
def test_bad_header_exits_2(sesame, home, tmp_path, header, message_fr, message_en):
    source = write(tmp_path, MARIE, header=header)
    result = sesame("account", "import", source)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message_fr + "\n")
    english = sesame("account", "import", source, "--json", lang="en")
    assert english.exit_code == 2
    assert english.json()["error"]["message"] == message_en
    assert account_count(home) == 0


def test_unreadable_file_exits_2(sesame, tmp_path):
    missing = sesame("account", "import", str(tmp_path / "nope.csv"), lang="en")
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"Unreadable file ({tmp_path / 'nope.csv'}): No such file or directory\n",
    )
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(f"{HEADER}\n{NIR},{DOB},é@example.fr,\n".encode("latin-1"))
    result = sesame("account", "import", str(latin1), "--json", lang="en")
    assert result.exit_code == 2
    assert result.json()["error"]["reason"] == "import_file"


# --- import: many rows ---------------------------------------------------------


def test_import_thousands_of_rows_in_batches(sesame, home, tmp_path):
    rows = generated_rows(6000)  # two batches: checked in worker processes
    rows[4999] = rows[4999].replace("/", "-")  # line 5001: bad date
    rows[5500] = rows[10]  # line 5502: duplicate of line 12
    source = write(tmp_path, *rows)
    stopped = sesame("account", "import", source, "--json")
    assert stopped.exit_code == 2
    assert [row["line"] for row in stopped.json()["refused"]] == [5001, 5502]
    assert account_count(home) == 0
    result = sesame("account", "import", source, "--on-error", "skip", "--json")
    assert result.exit_code == 5
    assert (result.json()["imported"], len(result.json()["refused"])) == (5998, 2)
    assert account_count(home) == 5998
    audited = home.query(
        "SELECT count(DISTINCT account_id) FROM audit_events WHERE event = 'account_imported'"
    )[0][0]
    assert audited == 5998
    exported = sesame("account", "export").stdout.splitlines()
    assert len(exported) == 5999
    assert exported[1:] == [
        row for index, row in enumerate(_normalised(rows)) if index not in (4999, 5500)
    ]


def _normalised(rows: list[str]) -> list[str]:
    """The generated rows as export writes them (mobile in E.164, quoted: a
    leading `+` is a formula to a spreadsheet)."""
    out = []
    for row in rows:
        nir, birth_date, email, mobile = row.split(",")
        e164 = "'+33" + mobile.replace(" ", "")[1:] if mobile else ""
        out.append(f"{nir},{birth_date},{email},{e164},fr")
    return out


# --- export --------------------------------------------------------------------


def test_export_csv_json_state_and_hashes(sesame, member, home, tmp_path):
    member()
    sesame("account", "import", write(tmp_path, PAUL))
    for _ in range(3):
        sesame("login", PAUL_COMPACT, input=lines("wrong"))
    csv_out = sesame("account", "export")
    assert (csv_out.exit_code, csv_out.stdout, csv_out.stderr) == (
        0,
        f"{EXPORTED}\n{NIR_COMPACT},{DOB},{EMAIL},'+33612344208,fr\n"
        f"{PAUL_COMPACT},03/05/1985,,'+33145678910,fr\n",
        "",
    )
    assert sesame("account", "export", "--csv").stdout == csv_out.stdout
    locked = sesame("account", "export", "--state", "locked", "--json")
    assert [account["nir"] for account in locked.json()["accounts"]] == [PAUL_COMPACT]
    active = sesame("account", "export", "--state", "active", "--json").json()
    assert [account["nir"] for account in active["accounts"]] == [NIR_COMPACT]
    assert "password_hash" not in csv_out.stdout
    hashes = sesame("--actor", "auditor", "account", "export", "--with-hashes")
    parsed = list(csv.DictReader(io.StringIO(hashes.stdout)))
    assert list(parsed[0]) == [
        "nir",
        "birth_date",
        "email",
        "mobile",
        "password_hash",
        "language",
    ]
    assert parsed[0]["password_hash"].startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert parsed[1]["password_hash"] == ""
    audited = home.query(
        "SELECT actor, account_id, detail FROM audit_events "
        "WHERE event = 'accounts_exported_with_hashes'"
    )
    assert audited == [("auditor", None, '{"state": "all"}')]


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_export_of_locked_accounts_has_lock_time_failures_and_last_failure(
    sesame, member, clock, tmp_path
):
    member()
    sesame("account", "import", write(tmp_path, PAUL))
    sesame("login", NIR_COMPACT, input=lines("wrong"))  # a failure, no lock
    first_failure = iso(clock.now)
    for _ in range(3):
        clock.advance(60)
        sesame("login", PAUL_COMPACT, input=lines("wrong"))
    locked_at = iso(clock.now)
    clock.advance(60)
    locked = sesame("account", "export", "--state", "locked", "--json")
    assert (locked.exit_code, locked.json()) == (
        0,
        {
            "ok": True,
            "accounts": [
                {"nir": PAUL_COMPACT, "birth_date": "03/05/1985", "email": None,
                 "mobile": "+33145678910", "language": "fr", "locked_at": locked_at,
                 "failed_attempts": 3, "last_failure_at": locked_at}
            ],
        },
    )  # fmt: skip
    as_csv = sesame("account", "export", "--state", "locked")
    assert as_csv.stdout == (
        f"{EXPORTED},locked_at,failed_attempts,last_failure_at\n"
        f"{PAUL_COMPACT},03/05/1985,,'+33145678910,fr,{locked_at},3,{locked_at}\n"
    )
    # the other states keep the import format
    active = sesame("account", "export", "--state", "active")
    assert active.stdout == f"{EXPORTED}\n{NIR_COMPACT},{DOB},{EMAIL},'+33612344208,fr\n"
    assert first_failure != locked_at


def test_an_export_of_locked_accounts_imports_and_its_lock_details_are_ignored(sesame, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    sesame("account", "import", write(tmp_path, PAUL))
    for _ in range(3):
        sesame("login", PAUL_COMPACT, input=lines("wrong"))
    report = tmp_path / "locked.csv"
    report.write_text(sesame("account", "export", "--state", "locked").stdout)
    other = Home(tmp_path / "other")
    other.path.mkdir()
    other.configure()
    runner = CliRunner()
    imported = runner.invoke(app, ["--home", str(other.path), "account", "import", str(report)])
    assert imported.exit_code == 0, imported.stderr
    exported = runner.invoke(app, ["--home", str(other.path), "account", "export"])
    # the account starts afresh: active, no failures
    assert exported.stdout == f"{EXPORTED}\n{PAUL_COMPACT},03/05/1985,,'+33145678910,fr\n"
    unknown = sesame("account", "import", write(tmp_path, PAUL, header=f"{HEADER},locked_since"))
    assert unknown.exit_code == 2


def test_the_last_failure_is_one_seek_on_the_audit_index(sesame, home, tmp_path):
    """SQLite's plan of the export with lock details: the audit log is searched
    on ix_audit_account_event_at, never scanned."""
    from sqlalchemy import event

    from db.settings import load_settings
    from db.store import Store
    from db.transfer.export import export_accounts
    from engine.model import AccountState

    if not home.is_sqlite:
        pytest.skip("SQLite's EXPLAIN QUERY PLAN")
    sesame("account", "import", write(tmp_path, PAUL))
    for _ in range(3):
        sesame("login", PAUL_COMPACT, input=lines("wrong"))
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "audit_events" in statement and statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    exported = list(
        export_accounts(store, AccountState.LOCKED, with_hashes=False, lock_details=True)
    )
    event.remove(store.engine, "before_cursor_execute", capture)
    assert [account.failed_attempts for account in exported] == [3]
    [(statement, parameters)] = sent
    with store.engine.connect() as conn:
        plan = [
            row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
    audit_steps = [step for step in plan if "audit_events" in step]
    assert audit_steps and all("ix_audit_account_event_at" in step for step in audit_steps), plan


def test_every_export_is_audited_with_its_filter_and_row_count(sesame, member, home, tmp_path):
    member()
    sesame("account", "import", write(tmp_path, PAUL))
    sesame("--actor", "fraude@cpam", "account", "export", "--state", "active", "--json")
    sesame("--actor", "auditor", "account", "export", "--with-hashes")
    audited = home.query(
        "SELECT actor, os_user IS NOT NULL, account_id, detail FROM audit_events "
        "WHERE event = 'accounts_exported' ORDER BY id"
    )
    assert [(actor, has_os_user, account, json.loads(detail)) for actor, has_os_user, account,
            detail in audited] == [
        ("fraude@cpam", True, None, {"command": "account export", "format": "json", "rows": 2,
                                     "filter": {"state": "active", "with_hashes": False}}),
        ("auditor", True, None, {"command": "account export", "format": "csv", "rows": 2,
                                 "filter": {"state": None, "with_hashes": True}}),
    ]  # fmt: skip
    assert NIR_COMPACT not in str(audited) and PAUL_COMPACT not in str(audited)


def test_export_of_an_empty_home_and_format_conflict(sesame):
    assert sesame("account", "export").stdout == f"{EXPORTED}\n"
    assert sesame("account", "export", "--json").json() == {"ok": True, "accounts": []}
    both = sesame("account", "export", "--csv", "--json", lang="en")
    assert (both.exit_code, both.json()["error"]["message"]) == (
        2,
        "Choose --csv or --json, not both.",
    )


def test_export_reimports_identically_into_an_empty_home(sesame, home, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    hashed = argon2_hash(PASSWORD, time_cost=1, memory_cost=8)
    rows = [f'{row},"{hashed}"' if i % 2 else f"{row}," for i, row in enumerate(generated_rows(40))]
    sesame("account", "import", write(tmp_path, *rows, header=f"{HEADER},password_hash"))
    exported = sesame("account", "export", "--with-hashes").stdout
    (tmp_path / "export.csv").write_text(exported)
    other = Home(tmp_path / "other")
    other.path.mkdir()
    other.configure()
    runner = CliRunner()

    def run_other(*args: str) -> str:
        result = runner.invoke(app, ["--home", str(other.path), *args])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    run_other("account", "import", str(tmp_path / "export.csv"))
    assert run_other("account", "export", "--with-hashes") == exported
    assert typed_accounts(home) == typed_accounts(other)


# --- progress bar ----------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from cli.account.importing import _progress_bar
    from cli.output import Output

    out = Output("fr", False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with _progress_bar(out) as progress:
        assert progress is None
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _progress_bar(out) as progress:
        assert progress is not None
        progress("check", 0, 10)
        progress("check", 10, 10)
        progress("import", 10, 10)
    drawn = terminal.getvalue()
    assert "Vérification" in drawn and "Import" in drawn and "100%" in drawn


# --- policy check ------------------------------------------------------------------


def test_policy_check_defaults_reports_only_the_accepted_deviations(sesame, home):
    (home.path / "sesame.toml").unlink()  # the shipped defaults
    result = sesame("policy", "check", "--strict")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"Aucun fichier de configuration ({home.path / 'sesame.toml'} absent) : "
        "réglages par défaut.\n\n"
        "Aucun réglage en deçà des références (OWASP ASVS 4.0.3, NIST SP 800-63B).\n\n"
        "Contrôles satisfaits (17) :\n"
        "- sms_code_ttl_seconds = 600 (<= 600; OWASP ASVS 4.0.3 V2.7.2; "
        "NIST SP 800-63B §5.1.3.2)\n"
    )
    assert (
        "- notify_on_lock = true (true; OWASP ASVS 4.0.3 V2.2.3 (sesame: a lock is a "
        "credential event))\n\n"
        "Écarts assumés (exigés par la procédure) :\n"
        "- sms_temporary_password (OWASP ASVS 4.0.3 V2.7.1, V2.5.1; NIST SP 800-63B §5.1.3.3):\n"
    ) in result.stdout
    document = sesame("policy", "check", "--json", lang="en").json()
    assert document["findings"] == []
    assert [note["check"] for note in document["accepted"]] == [
        "sms_channel.accepted",
        "identity_gate.accepted",
        "permanent_lock.accepted",
        "email_link_ttl.accepted",
    ]
    # a warning that --strict does not fail on: the procedure wants the lock without end
    permanent = document["accepted"][2]
    assert {k: v for k, v in permanent.items() if k != "message"} == {
        "check": "permanent_lock.accepted",
        "setting": "lock_seconds, permanent_after",
        "value": "permanent, lock 1",
        "expected": "<= 100 failures per hour, then a time-limited lock",
        "reference": "NIST SP 800-63B §5.2.2",
        "severity": "info",
    }
    assert permanent["message"] == (
        "A lock without end (until unlocked) after 3 wrong passwords lets anyone who knows a "
        "NIR lock its owner out: a denial of service the procedure accepts. NIST SP 800-63B "
        "(§5.2.2) allows up to 100 consecutive failures before locking; a time-limited lock "
        "(lock_seconds = [60, 300, 900]) would avoid it."
    )
    assert document["lockout"] == {
        "login": {
            "failures": 3,
            "locked_seconds": None,
            "message": "login: 3 wrong passwords lock the credentials until a recovery or a "
            "support unlock (lock_seconds = 0).",
            "mode": "permanent",
            "failure_window_seconds": 0,
            "lock_seconds": [],
            "lock_reset_seconds": 86400,
            "permanent_after": 1,
            "mode_message": "mode: locked until unlocked from the first lock; failures count "
            "until a successful login (failure_window_seconds = 0).",
        },
        "recovery": {
            "failures": 5,
            "first_delay_seconds": 900,
            "max_delay_seconds": 86400,
            "failures_first_day": 11,
            "failures_per_day": 1,
            "message": "recovery: 5 wrong dates of birth close the identity check for 900 s; "
            "each further failure after a delay doubles it, up to 86400 s. Failing again as "
            "each delay ends, the stranger keeps it closed without a break with 11 failures in "
            "the first 24 h, then 1 per 24 h. Support lifts the delay (sesame account unlock).",
        },
    }
    assert result.stdout.endswith(
        "Pire blocage qu'un inconnu connaissant le NIR (mais pas la date de naissance) peut "
        "provoquer :\n"
        "- connexion : 3 mots de passe faux bloquent les identifiants jusqu'à une récupération ou\n"
        "  un déblocage par le support (lock_seconds = 0).\n"
        "- mode : verrouillage jusqu'au déblocage dès le premier verrouillage ; les échecs\n"
        "  comptent jusqu'à une connexion réussie (failure_window_seconds = 0).\n"
        "- récupération : 5 dates de naissance fausses ferment la vérification d'identité pour un\n"
        "  délai de 900 s ; chaque nouvel échec à la fin d'un délai double celui-ci, jusqu'à\n"
        "  86400 s. En échouant à chaque fin de délai, l'inconnu la garde fermée sans\n"
        "  interruption avec 11 échecs les premières 24 h, puis 1 par 24 h. Le support lève le\n"
        "  délai (sesame account unlock).\n"
    )
    assert (
        "- lock_seconds, permanent_after (NIST SP 800-63B §5.2.2):\n"
        "  Un verrouillage sans fin (jusqu'au déblocage) après 3 mots de passe faux permet à\n"
        "  quiconque connaît un NIR de bloquer son titulaire : un déni de service que la\n"
        "  procédure accepte. Le NIST SP 800-63B (§5.2.2) admet jusqu'à 100 échecs consécutifs\n"
        "  avant de bloquer ; un verrouillage limité dans le temps (lock_seconds = [60, 300,\n"
        "  900]) l'éviterait.\n"
    ) in result.stdout
    assert not has_database(home)  # no database needed


def test_policy_check_reports_the_lockout_of_the_current_settings(sesame, home):
    home.configure(
        lock_seconds=600, identity_backoff_seconds=60, identity_backoff_max_seconds=14400
    )
    lockout = sesame("policy", "check", "--json", lang="en").json()["lockout"]
    assert lockout["login"]["locked_seconds"] == 600
    assert lockout["login"]["message"] == (
        "login: 3 wrong passwords lock the credentials for 600 s, and the stranger can start "
        "again each time the lock ends."
    )
    recovery = {k: v for k, v in lockout["recovery"].items() if k != "message"}
    # 5 at once, 8 more after 1, 2, 4, … 128 min, then one every 4 h: 4 more in the day.
    assert recovery == {
        "failures": 5,
        "first_delay_seconds": 60,
        "max_delay_seconds": 14400,
        "failures_first_day": 17,
        "failures_per_day": 6,
    }


def test_policy_check_strict_fails_on_weak_settings(sesame, home):
    home.configure(sms_code_ttl_seconds=900, resend_cooldown_seconds=0)
    lax = sesame("policy", "check", "--json", lang="en")
    assert lax.exit_code == 0
    strict = sesame("policy", "check", "--strict", "--json", lang="en")
    assert strict.exit_code == 2
    document = strict.json()
    assert document["ok"] is False
    assert document["error"] == {
        "code": "policy_findings",
        "message": "4 setting(s) weaker than the references (sesame policy check).",
    }
    assert document["findings"][0] == {
        "check": "sms_code_ttl",
        "setting": "sms_code_ttl_seconds",
        "value": 900,
        "expected": "<= 600",
        "reference": "OWASP ASVS 4.0.3 V2.7.2; NIST SP 800-63B §5.1.3.2",
        "severity": "high",
        "message": "The temporary password sent by SMS stays valid for more than 10 minutes.",
    }
    # The test home also has fast argon2 and no resend cooldown.
    assert [f["check"] for f in document["findings"]] == [
        "sms_code_ttl",
        "argon2_memory",
        "argon2_time",
        "resend_cooldown",
    ]
    human = sesame("policy", "check", "--strict")
    assert human.exit_code == 2
    config = home.path / "sesame.toml"
    assert human.stdout.startswith(f"Configuration lue : {config}\n\nÉcarts :\nGravité ")
    assert human.stderr == "4 réglage(s) en deçà des références (sesame policy check).\n"


def test_policy_check_shows_the_new_password_rules(sesame, home):
    (home.path / "sesame.toml").unlink()  # the shipped defaults
    document = sesame("policy", "check", "--json", lang="en").json()
    assert document["passwords"] == {
        "history": 4,
        "blocklist": {
            "default": "zxcvbn frequency_lists passwords",
            "context_words": ["sesame", "espacepersonnel"],
            "file": None,
            "format": None,
        },
        "messages": [
            "history: none of the account's last 4 passwords (password_history = 4), so at "
            "most 4 argon2 verifications per change.",
            "blocklist: the 30,000 common passwords of the zxcvbn package, and any password "
            "containing sesame, espacepersonnel.",
            "operator's list (password_blocklist): none.",
        ],
    }
    human = sesame("policy", "check").stdout
    assert (
        "Nouveaux mots de passe :\n"
        "- historique : aucun des 4 derniers mots de passe du compte (password_history = 4), soit\n"
        "  4 vérifications argon2 au plus par changement.\n"
        "- liste de refus : les 30 000 mots de passe courants du paquet zxcvbn, et tout mot de\n"
        "  passe contenant sesame, espacepersonnel.\n"
        "- liste de l'exploitant (password_blocklist) : aucune.\n\n"
        "Pire blocage"
    ) in human


def test_policy_check_shows_the_operators_blocklist_and_a_history_finding(sesame, home):
    (home.path / "pwned.txt").write_text("0" * 40 + ":3\n" + "F" * 40 + ":1\n")
    home.configure(password_history=0, password_blocklist="pwned.txt")
    document = sesame("policy", "check", "--json", lang="en").json()
    passwords = document["passwords"]
    assert passwords["blocklist"]["file"] == str(home.path / "pwned.txt")
    assert passwords["blocklist"]["format"] == "hibp"
    assert passwords["messages"][0] == (
        "history: off (password_history = 0), an old password may come back."
    )
    assert passwords["messages"][2] == (
        f"operator's list (password_blocklist): {home.path}/pwned.txt, sorted Have I Been "
        "Pwned SHA-1 hashes (binary search)."
    )
    finding = next(f for f in document["findings"] if f["check"] == "password_history")
    assert finding == {
        "check": "password_history",
        "setting": "password_history",
        "value": 0,
        "expected": ">= 4",
        "reference": "PCI DSS 4.0 8.3.7",
        "severity": "medium",
        "message": "A new password may be one of the account's last 4.",
    }
    (home.path / "pwned.txt").write_text("123456\n")
    plain = sesame("policy", "check", "--json", lang="en").json()["passwords"]["blocklist"]
    assert plain["format"] == "plain"


def test_link_token_size_matches_what_the_shell_draws():
    from db.unit_of_work import fresh_secrets
    from engine.policy_check import LINK_TOKEN_BYTES

    token = fresh_secrets().link_token
    assert len(token) == -(-LINK_TOKEN_BYTES * 4 // 3)  # unpadded base64 length
