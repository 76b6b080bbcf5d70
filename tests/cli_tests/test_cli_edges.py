"""Edge input that used to end in "Internal error" (exit 1): each has a
documented exit status and a one-line message."""

from __future__ import annotations

import pytest
from helpers import NIR, lines


@pytest.mark.parametrize(
    "args",
    [
        ["login", NIR],
        ["reset", NIR],
        ["reset", "--token", "-"],
        ["account", "add", "--nir", NIR, "--dob", "15/10/1995"],
    ],
    ids=["login", "reset-sms", "reset-link", "account-add"],
)
def test_invalid_utf8_on_stdin_is_invalid_input(member, home, args):
    member(email=None)
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(
        app, [*home.global_args, "--lang", "en", *args, "--json"], input=b"\xff\xfe\n"
    )
    assert result.exit_code == 2, result.output
    assert '"invalid_input"' in result.stdout and "Internal" not in result.stdout


def test_a_huge_offset_is_exit_2_naming_the_option(sesame, member):
    member()
    result = sesame("account", "list", "--offset", "99999999999999999999", lang="en")
    assert result.exit_code == 2, result
    assert "--offset" in result.stderr and "Internal" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "--since", "0001-01-01"],
        ["audit", "--until", "0001-01-01T00:00+14:00"],
        ["account", "list", "--locked-since", "0001-01-01"],
        ["outbox", "list", "--since", "0001-01-01"],
    ],
)
def test_a_moment_out_of_range_is_invalid_input(sesame, args):
    result = sesame(*args, "--json", lang="en")
    assert result.exit_code == 2, result
    assert result.json()["error"]["reason"] == "when"


def test_a_database_url_with_a_bad_port_is_exit_11(sesame):
    from typer.testing import CliRunner

    from cli.main import app

    url = "postgresql+psycopg://u:hunter2@h:abc/db"
    result = CliRunner().invoke(app, ["--db", url, "--lang", "en", "status", "--json"])
    assert result.exit_code == 11, result.output
    error = result.stdout
    assert "storage_unavailable" in error and "port" in error and "hunter2" not in error


def test_reset_refuses_a_token_in_argv_and_says_how_to_pass_it(sesame, member, home):
    member()
    assert sesame("forgot", NIR, "--dob", "15/10/1995", "--channel", "email").exit_code == 0
    link = home.last_link()
    refused = sesame("reset", "--token", link, "--json", input=lines("x", "x"), lang="en")
    assert refused.exit_code == 2
    error = refused.json()["error"]
    assert (error["code"], error["reason"]) == ("invalid_input", "token_argument")
    assert "--token -" in error["message"]
    new = "Une phrase neuve et longue"
    done = sesame("reset", "--token", "-", input=lines(link, new, new))
    assert done.exit_code == 0, done.stderr  # the refusal consumed nothing
