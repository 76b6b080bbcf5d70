"""Tables for people (docs/support.md, "Reading the tables"): one account's views drop
the nir and shorten ids, tables fit 80 columns or wrap their free text, states are
coloured on a terminal only (never piped, never with NO_COLOR, never in JSON/CSV)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DOB, NIR, NIR_COMPACT, lines

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_REASON = (
    "appel de l'adhérente au 3646, identité vérifiée par questions secrètes, "
    "ticket INC-2026-004512 rattaché à l'incident SMS du matin"
)
SOURCE = "portail-adherent-secours.example.fr"
COLUMNS_80 = {"COLUMNS": "80", "LINES": "40"}


@pytest.fixture
def columns_80(monkeypatch):
    for name, value in COLUMNS_80.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NO_COLOR", raising=False)


def realistic(sesame, member):
    """One account with a day of events: failures from a named client, a support unlock
    with a long reason, a bulk unlock (batch id), a disable and enable, a reset flow."""
    member()
    for _ in range(3):
        sesame("login", NIR, "--source", SOURCE, input=lines("mauvais"))
    assert sesame("account", "unlock", NIR, "--reason", LONG_REASON).exit_code == 0
    for _ in range(3):
        sesame("login", NIR, "--source", SOURCE, input=lines("mauvais"))
    bulk = sesame("account", "unlock", "--all-locked", "--reason", LONG_REASON, "--json")
    assert bulk.exit_code == 0, bulk.stderr
    assert sesame("account", "disable", NIR, "--reason", LONG_REASON).exit_code == 0
    assert sesame("account", "enable", NIR, "--reason", LONG_REASON).exit_code == 0
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    return bulk.json()["summary"]["batch"]


def cell_text(text: str) -> str:
    """Every character but spaces: what wrapping cannot change."""
    return re.sub(r"\s+", "", text)


def columns_text(shown: str) -> list[str]:
    """Each column of the tables in `shown` read top to bottom (its spans taken from the
    dashes under the headers), without spaces: a wrapped cell reads whole again."""
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for line in shown.splitlines():
        if re.fullmatch(r"-+( +-+)*", line):
            spans = [m.span() for m in re.finditer(r"-+", line)]
            spans[-1] = (spans[-1][0], 10**6)
            found += [""] * len(spans)
            continue
        if not line.strip():
            spans = []
        first = len(found) - len(spans)
        for n, (start, end) in enumerate(spans):
            found[first + n] += cell_text(line[start:end])
    return found


# --- one account: no nir column, short ids ---------------------------------------------


def test_one_accounts_events_drop_the_nir_and_shorten_flow_ids(sesame, member, columns_80):
    realistic(sesame, member)
    events = sesame("audit", NIR, "--json").json()["events"]
    flows = {e["flow"] for e in events if e["flow"]}
    assert flows and all(len(f) == 16 for f in flows)  # JSON keeps full ids
    for args in (("audit", NIR), ("account", "show", NIR)):
        shown = sesame(*args).stdout
        table = shown.split("événement")[0].splitlines()[-1]
        assert "nir" not in table.split(), args
        assert shown.count(NIR_COMPACT) == (args[0] == "account"), args  # show's card
        events_part = shown.split("Derniers événements")[-1]
        for flow in flows:
            assert flow not in events_part, args
            assert flow[:8] in events_part, args
    everyone = sesame("audit").stdout
    assert "nir" in everyone.splitlines()[0].split()
    assert NIR_COMPACT in everyone  # the nir of the whole log is never wrapped


def test_short_ids_are_unique_in_their_table():
    from cli.tables import short_ids

    assert short_ids(["0123456789abcdef", "fedcba9876543210", None]) == {
        "0123456789abcdef": "01234567",
        "fedcba9876543210": "fedcba98",
    }
    twins = short_ids(["0123456789abcdef", "0123456789abffff"])
    assert twins == {"0123456789abcdef": "0123456789abc", "0123456789abffff": "0123456789abf"}


def test_outbox_list_of_one_account_has_short_ids_that_outbox_show_accepts(sesame, member):
    member()
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    full = sesame("outbox", "list", "--json").json()["messages"][0]["id"]
    mine = sesame("outbox", "list", "--to", NIR)
    header = mine.stdout.splitlines()[0].split()
    assert "nir" not in header
    assert full not in mine.stdout and full[:8] in mine.stdout
    assert "nir" in sesame("outbox", "list").stdout.splitlines()[0].split()
    shown = sesame("outbox", "show", full[:8], "--json")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["message"]["id"] == full
    assert sesame("outbox", "show", full[:7]).exit_code != 0  # too short to be an id


# --- width ------------------------------------------------------------------------------


def test_audit_and_show_fit_80_columns_and_lose_nothing(sesame, member, columns_80):
    batch = realistic(sesame, member)
    for args in (("audit", NIR), ("account", "show", NIR)):
        shown = sesame(*args).stdout
        too_wide = [line for line in shown.splitlines() if len(line) > 80]
        assert not too_wide, (args, too_wide)
        columns = columns_text(shown)
        assert any(cell_text(LONG_REASON) in column for column in columns), args
        assert any(cell_text(f"batch={batch}") in column for column in columns), args
        assert any(SOURCE in column for column in columns), args


def test_width_follows_columns(sesame, member, monkeypatch):
    realistic(sesame, member)
    monkeypatch.setenv("COLUMNS", "400")
    wide = sesame("audit", NIR).stdout
    assert max(len(line) for line in wide.splitlines()) > 80
    assert LONG_REASON in wide  # room enough: not wrapped
    monkeypatch.setenv("COLUMNS", "100")
    assert max(len(line) for line in sesame("audit", NIR).stdout.splitlines()) <= 100


def test_fitted_table_wraps_free_text_first_and_ignores_colours():
    from cli.tables import coloured_state, fitted_table

    rows = [["a", coloured_state("locked", True), "mot " * 40]]
    table = fitted_table(["x", "état", "détail"], rows, free=(2,), width=60)
    assert all(len(ANSI.sub("", line)) <= 60 for line in table.splitlines())
    assert "\x1b[31mlocked\x1b[0m" in table
    assert cell_text(table).count("mot") == 40


# --- colours ----------------------------------------------------------------------------


def test_coloured_state_locked_red_disabled_dim_others_plain():
    from cli.tables import coloured_change, coloured_state

    assert coloured_state("locked", True) == "\x1b[31mlocked\x1b[0m"
    assert coloured_state("disabled", True) == "\x1b[2mdisabled\x1b[0m"
    assert coloured_state("active", True) == "active"
    assert coloured_state("locked", False) == "locked"
    assert coloured_change("active", "locked", True) == "active→\x1b[31mlocked\x1b[0m"
    assert coloured_change(None, "disabled", False) == "-→disabled"


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    from cli import tables

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(tables.sys, "stdout", Tty())
    assert tables.colour_wanted()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not tables.colour_wanted()
    monkeypatch.setenv("NO_COLOR", "")  # empty: as if unset (no-color.org)
    assert tables.colour_wanted()
    monkeypatch.setattr(tables.sys, "stdout", open(os.devnull, "w"))  # noqa: SIM115
    assert not tables.colour_wanted()


def test_stored_escape_codes_are_still_escaped(sesame, member, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    member()
    assert sesame("account", "disable", NIR, "--reason", "x\x1b[31my").exit_code == 0
    shown = sesame("audit", NIR).stdout
    assert "\x1b" not in shown and "\\x1b" in shown


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", TMUX_SOCKET, *args], check=True, capture_output=True, text=True
    ).stdout


TMUX_SOCKET = f"sesame-tables-{os.getpid()}"
_RUNS = itertools.count()


def _on_a_terminal(command: str, env: dict[str, str]) -> str:
    """What `command` shows on a real terminal (tmux, 100 columns), escape codes kept."""
    marker = f"__done_{next(_RUNS)}__"
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    _tmux("send-keys", "-t", "t", f"clear; env {exports} {command}; echo {marker}", "Enter")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-t", "t", "-e", "-p")
        if re.search(rf"^{marker}", ANSI.sub("", screen), re.MULTILINE):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"no end of {command!r} on the terminal:\n{screen}")


@pytest.mark.sqlite_only
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: no terminal")
def test_states_coloured_on_a_real_terminal_only(sesame, member, home):
    member()
    for _ in range(3):
        sesame("login", NIR, input=lines("mauvais"))
    sesame_bin = Path(sys.executable).with_name("sesame")
    assert sesame_bin.exists(), "the installed `sesame` command"
    _tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "40", "sh")
    try:
        env = {"SESAME_HOME": str(home.path), "SESAME_LANG": "en", "TERM": "xterm"}
        listed = f"{sesame_bin} account list"
        coloured = _on_a_terminal(listed, env)
        assert "\x1b[31mlocked" in coloured, coloured
        plain = _on_a_terminal(listed, {**env, "NO_COLOR": "1"})
        assert "locked" in plain and "\x1b[31m" not in plain, plain
        piped = _on_a_terminal(f"{listed} | cat", env)
        assert "locked" in piped and "\x1b[31m" not in piped, piped
        as_json = _on_a_terminal(f"{listed} --json", env)
        assert '"locked"' in as_json and "\x1b[31m" not in as_json
    finally:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], check=False)
