"""Generated hostile arguments and stdin: never a traceback, always a documented exit."""

from __future__ import annotations

import json

from helpers import MOBILE, NIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.exits import EXIT_CODES

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
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=60), st.text(alphabet=st.characters(), max_size=300))
STDIN = st.lists(TEXT.filter(lambda t: "\n" not in t and "\r" not in t), max_size=4).map(
    lambda values: "".join(f"{v}\n" for v in values)
) | st.text(max_size=200)

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
    st.tuples(st.just("audit"), st.just("--since"), TEXT).map(list),
    st.tuples(st.just("outbox"), st.just("show"), TEXT).map(list),
    st.lists(TEXT, max_size=4),
)


def test_every_documented_code_is_in_the_table():
    assert set(EXIT_CODES.values()) <= set(range(0, 14))


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
