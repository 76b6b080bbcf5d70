"""Incident windows: `--locked-until` with `--locked-since`, the NIRs a bulk unlock
changed (listed, or in `--report FILE`), and its batch on every audit event
(`audit --batch`)."""

from __future__ import annotations

import os
import stat

from helpers import NIR_COMPACT, lines

OTHER_NIR = "195107505612366"
THIRD_NIR = "295101305500196"


def lock(sesame, ident):
    codes = [sesame("login", ident, input=lines("mauvais")).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]


def three_locks_an_hour_apart(sesame, member, clock):
    """Locked 3 h ago, 2 h ago and 1 h ago (NIR, OTHER, THIRD)."""
    member()
    member(nir=OTHER_NIR, email="paul.durand@free.fr", mobile=None)
    member(nir=THIRD_NIR, email="claire@laposte.net", mobile=None)
    for nir in (NIR_COMPACT, OTHER_NIR, THIRD_NIR):
        lock(sesame, nir)
        clock.advance(3600)


def test_list_takes_an_incident_window(sesame, member, clock):
    three_locks_an_hour_apart(sesame, member, clock)

    def nirs(*args):
        document = sesame("account", "list", *args, "--json").json()
        return [a["nir"] for a in document["accounts"]], document["total"]

    assert nirs("--locked-until", "90m") == ([OTHER_NIR, NIR_COMPACT], 2)
    assert nirs("--locked-since", "150m", "--locked-until", "90m") == ([OTHER_NIR], 1)
    assert nirs("--locked-until", "4h") == ([], 0)
    assert nirs("--locked-until", "90m", "--state", "locked") == ([OTHER_NIR, NIR_COMPACT], 2)
    refused = sesame("account", "list", "--locked-until", "1h", "--state", "active")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Ces options ne peuvent pas être combinées : --locked-until, --state.\n",
    )
    assert sesame("account", "list", "--locked-until", "hier").exit_code == 2


def test_bulk_unlock_of_a_window_lists_the_nirs_and_batches_its_events(
    sesame, member, clock, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")  # one line a row (80 columns: test_cli_tables.py)
    three_locks_an_hour_apart(sesame, member, clock)
    window = ("--all-locked", "--locked-since", "4h", "--locked-until", "90m")
    dry = sesame("account", "unlock", *window, "--reason", "incident SMS", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines()[-3:] == [
        "Comptes qui seraient débloqués (2) :",
        NIR_COMPACT,
        OTHER_NIR,
    ]
    assert "Lot " not in dry.stdout
    done = sesame("account", "unlock", *window, "--reason", "incident SMS", "--json")
    assert done.exit_code == 0
    summary = done.json()["summary"]
    batch = summary["batch"]
    assert len(batch) == 16
    assert (summary["batch_source"], summary["report"]) == (None, None)
    assert [item["nir"] for item in summary["items"]] == [NIR_COMPACT, OTHER_NIR]
    assert sesame("status", THIRD_NIR, "--json").json()["account"]["state"] == "locked"
    events = sesame("audit", "--batch", batch, "--json").json()["events"]
    assert [(e["nir"], e["event"], e["batch"], e["batch_source"]) for e in events] == [
        (NIR_COMPACT, "account_unlocked", batch, None),
        (OTHER_NIR, "account_unlocked", batch, None),
    ]
    # Other events carry no batch.
    [created] = sesame("audit", THIRD_NIR, "--event", "account_created", "--json").json()["events"]
    assert (created["batch"], created["batch_source"]) == (None, None)
    assert sesame("audit", "--batch", "0000000000000000", "--json").json()["events"] == []
    assert f"batch={batch}" in sesame("audit", "--batch", batch).stdout
    csv_lines = sesame("audit", "--batch", batch, "--csv").stdout.splitlines()
    assert csv_lines[0].endswith(",detail,batch,batch_source")
    assert csv_lines[1].endswith(f",{batch},")


def test_bulk_text_names_the_batch_and_every_nir_unlocked(sesame, member, clock):
    three_locks_an_hour_apart(sesame, member, clock)
    done = sesame("account", "unlock", "--all-locked", "--reason", "incident", lang="en")
    assert done.exit_code == 0
    tail = done.stdout.splitlines()[6:]
    assert tail[0].startswith("Batch ") and tail[0].endswith(
        f": sesame audit --batch {tail[0].split()[1][:-1]}"
    )
    assert tail[1:] == ["Accounts unlocked (3):", NIR_COMPACT, OTHER_NIR, THIRD_NIR]


def test_bulk_from_file_records_the_file_and_writes_the_report(sesame, member, clock, tmp_path):
    three_locks_an_hour_apart(sesame, member, clock)
    listing = tmp_path / "appels.csv"
    listing.write_text(f"nir\n{NIR_COMPACT}\n{OTHER_NIR}\n2 95 10 99 126 111 94\n")
    report = tmp_path / "incident-report.csv"
    done = sesame(
        "account", "unlock", "--from-file", str(listing), "--reason", "appels",
        "--report", str(report),
    )  # fmt: skip
    assert done.exit_code == 5
    out = done.stdout.splitlines()
    batch = out[-2].split()[1]
    assert out[-2:] == [
        f"Lot {batch} : sesame audit --batch {batch}",
        f"Rapport écrit dans {report} (3 ligne(s)).",
    ]
    assert NIR_COMPACT not in done.stdout
    assert stat.S_IMODE(os.stat(report).st_mode) == 0o600
    assert report.read_text().splitlines() == [
        "batch,line,input,nir,result,error",
        f"{batch},2,{NIR_COMPACT},{NIR_COMPACT},unlocked,",
        f"{batch},3,{OTHER_NIR},{OTHER_NIR},unlocked,",
        f"{batch},4,2 95 10 99 126 111 94,,failed,invalid_input: nir_key",
    ]
    events = sesame("audit", "--batch", batch, "--json").json()["events"]
    assert {(e["event"], e["batch_source"]) for e in events} == {("account_unlocked", str(listing))}
    assert len(events) == 2
    # A report never overwrites a file: refused before anything changes.
    lock(sesame, NIR_COMPACT)
    again = sesame(
        "account", "unlock", "--all-locked", "--reason", "x", "--report", str(report),
        "--json", lang="en",
    )  # fmt: skip
    assert again.exit_code == 2
    assert again.json()["error"] == {
        "code": "invalid_input",
        "reason": "report_file",
        "message": f"Cannot create the report {report}: File exists. A report never "
        "overwrites a file: give a new name. Nothing was changed.",
    }
    assert sesame("status", NIR_COMPACT, "--json").json()["account"]["state"] == "locked"
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    through = sesame("account", "unlock", "--all-locked", "--reason", "x", "--report", str(link))
    assert through.exit_code == 2
    assert not (tmp_path / "elsewhere.csv").exists()


def test_window_and_report_options_need_a_bulk_unlock(sesame):
    for args, named in (
        ((NIR_COMPACT, "--locked-until", "1h"), "--locked-until, ID"),
        (("--from-file", "x.csv", "--locked-until", "1h"), None),
        ((NIR_COMPACT, "--report", "r.csv"), "--report, ID"),
    ):
        refused = sesame("account", "unlock", *args, "--reason", "x")
        assert refused.exit_code == 2
        if named:
            assert refused.stderr == f"Ces options ne peuvent pas être combinées : {named}.\n"
