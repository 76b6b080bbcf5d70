"""Generated hostile arguments and stdin: never a traceback, always a documented exit."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import DOB, FAST_ARGON2, MOBILE, NIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.exits import EXIT_CODES
from engine.outcomes import Code

DOCUMENTED = set(range(0, 14)) - {1}  # 1 is an internal error: never for bad input
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x1b[31m",
        "\u202e",
        "０６１２３４５６７８",
        "2 95 10 99 126 111 93\x00",
        "' OR 1=1 --",
        "$(rm -rf /)",
        "`id`",
        "; DROP TABLE accounts;",
        "a" * 5000,
        "2A" * 8,
        "31/02/1995",
        "15/10/1995",
        "+590 690 12 34 56",
        "@",
        "é@é",
        "\n",
        "\r\n",
        "\ud7ff",
        "-",
        "--json",
        "0001-01-01",
        "9999-12-31T23:59",
        "0001-01-01T00:00+14:00",
        "99999999999999999999",
        "postgresql+psycopg://u@h:abc/db",
        "\u2028",
        "\u2029",
        "\u2066",
        "\u202e@x.fr",
        "a@x.fr\u2028",
        "\uff41@x.fr",
        "\uff4d\uff41\uff52\uff49\uff45\uff20orange\uff0efr",
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=60), st.text(alphabet=st.characters(), max_size=300))


def _encodable(text: str) -> bool:
    """Text a pipe can carry: a lone surrogate has no bytes (the runner could not
    even write it); undecodable bytes are drawn as bytes below."""
    return not any("\ud800" <= c <= "\udfff" for c in text)


STDIN = st.lists(
    TEXT.filter(lambda t: "\n" not in t and "\r" not in t and _encodable(t)), max_size=4
).map(lambda values: "".join(f"{v}\n" for v in values)) | st.text(max_size=200)
STDIN = STDIN | st.binary(max_size=80)  # bytes that may not be UTF-8

COMMANDS = st.one_of(
    st.tuples(st.just("login"), TEXT).map(list),
    st.tuples(st.just("unlock"), TEXT, st.just("--dob"), TEXT).map(list),
    st.tuples(st.just("forgot"), TEXT, st.just("--dob"), TEXT).map(list),
    st.tuples(
        st.just("send-code"), TEXT, st.just("--channel"), st.sampled_from(["sms", "email", "x"])
    ).map(list),
    st.tuples(st.just("reset"), TEXT).map(list),
    st.tuples(st.just("reset"), st.just("--token"), TEXT).map(list),
    st.tuples(st.just("status"), TEXT).map(list),
    st.tuples(
        st.just("account"),
        st.just("add"),
        st.just("--nir"),
        TEXT,
        st.just("--dob"),
        TEXT,
        st.just("--email"),
        TEXT,
        st.just("--mobile"),
        TEXT,
    ).map(list),
    st.tuples(st.just("account"), st.just("show"), TEXT).map(list),
    st.tuples(
        st.just("account"),
        st.just("edit"),
        TEXT,
        st.just("--email"),
        TEXT,
        st.just("--reason"),
        TEXT,
    ).map(list),
    st.tuples(st.just("account"), st.just("unlock"), TEXT, st.just("--reason"), TEXT).map(list),
    st.tuples(st.just("account"), st.just("list"), st.just("--locked-since"), TEXT).map(list),
    st.tuples(st.just("audit"), st.sampled_from(["--since", "--until"]), TEXT).map(list),
    st.tuples(st.just("account"), st.just("list"), st.just("--offset"), TEXT).map(list),
    st.tuples(st.just("outbox"), st.just("list"), st.just("--since"), TEXT).map(list),
    st.tuples(st.just("outbox"), st.just("show"), TEXT).map(list),
    st.lists(TEXT, max_size=4),
)


def readme_exit_table() -> dict[int, str]:
    """The README's "Exit codes" table: each status and what it says of it."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = [line.split(" | ", 1) for line in table.splitlines()]
    return {int(status.strip("| ")): meaning for status, meaning in rows}


def test_every_documented_code_is_in_the_table():
    """The README's exit-code table and `cli.exits` agree: each code the README
    names in a row has that row's status, and each status sesame uses has a row."""
    documented = readme_exit_table()
    assert set(EXIT_CODES.values()) == set(documented)
    for status, meaning in documented.items():
        named = {Code(word) for word in re.findall(r"`([a-z_]+)`", meaning) if word in CODES}
        assert {code: EXIT_CODES[code] for code in named} == dict.fromkeys(named, status)
    named_anywhere = {w for m in documented.values() for w in re.findall(r"`([a-z_]+)`", m)}
    assert len(named_anywhere & CODES) >= 30  # the table names codes; the parse found them


CODES = {str(code) for code in Code}


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=COMMANDS, stdin=STDIN, as_json=st.booleans())
def test_hostile_input_never_breaks_sesame(sesame, member, home, args, stdin, as_json):
    if not getattr(home, "member_added", False):
        member(email=None, mobile=MOBILE)
        home.member_added = True  # the home outlives the examples
    result = sesame(*args, *(["--json"] if as_json else []), input=stdin, lang="en")
    assert result.exit_code in DOCUMENTED, (args, stdin, result)
    assert "Traceback" not in result.stdout + result.stderr
    if as_json and result.stdout:
        document = json.loads(result.stdout)
        assert document["ok"] is (result.exit_code == 0)
    if home.is_sqlite:
        assert home.query("PRAGMA quick_check") == [("ok",)]
    assert sesame("status", NIR, "--json").exit_code == 0


# --- hostile configuration ----------------------------------------------------------

PLAIN = st.sampled_from(
    ["Ameli", "Ameli <ne-pas-repondre@ameli.example>", "https://ameli.example/reset", ""]
)
INSIDE = st.builds(lambda a, b, c: a + b + c, PLAIN, NASTY, PLAIN)
CONFIG_TEXT = st.one_of(INSIDE, INSIDE, NASTY, st.text(max_size=60))


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(key=st.sampled_from(["organization", "mail_from", "reset_url"]), value=CONFIG_TEXT)
def test_a_configuration_sesame_accepts_always_builds_its_messages(
    sesame, member, home, key, value
):
    """Either the text is refused at start naming its key, or every message is sent."""
    if not getattr(home, "member_added", False):
        member()
        home.member_added = True
    quoted = json.dumps(value)  # a TOML basic string, \uXXXX escapes included
    (home.path / "sesame.toml").write_text(
        f"[policy]\nresend_cooldown_seconds = 0\nmax_codes_per_day = 1000000\n"
        f"{key} = {quoted}\n{FAST_ARGON2}"
    )
    result = sesame("forgot", NIR, "--dob", DOB, "--channel", "email", "--json", lang="en")
    assert result.exit_code in (0, 2), (key, value, result)
    if result.exit_code == 2:
        error = result.json()["error"]
        assert error["reason"].startswith("config_"), (key, value, error)
        assert error["reason"] == "config_syntax" or f"policy.{key}" in error["message"]
