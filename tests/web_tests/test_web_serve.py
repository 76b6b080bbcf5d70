"""The real `sesame serve` (gunicorn, subprocess) on a throw-away home: it starts and
answers, its access log holds no query string, and parallel wrong sign-ins over
HTTP against two workers count exactly three failures and notify one lock."""

from __future__ import annotations

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers import DOB, EMAIL, FAST_ARGON2, NIR, PASSWORD, Home
from web_pages import browser, fetch
from web_server import Served, serve, served_home


def sign_in(served: Served, password: str) -> int:
    """One member's attempt, as a browser makes it: the page, then the form."""
    opener = browser()
    _, _, page = fetch(opener, served.url + "/")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert token, page
    status, _, _ = fetch(
        opener, served.url + "/login", {"ident": NIR, "password": password, "csrf": token[1]}
    )
    return status


def test_serve_starts_and_logs_no_query_string(tmp_path: Path) -> None:
    home, port = served_home(tmp_path, argon2=FAST_ARGON2)
    with serve(home, port) as served:
        status, headers, body = fetch(browser(), served.url + "/")
        assert status == 200
        assert "Connexion à votre Espace personnel" in body
        assert headers["X-Frame-Options"] == "DENY"
        status, headers, _ = fetch(browser(), served.url + "/reset?token=SECRETTOKEN123")
        assert (status, headers["Location"]) == (303, "/refused/code_invalid")
    log = served.log.read_text()
    assert re.search(r'"GET / HTTP/1.1" 200 ', log), log
    assert '"GET /reset HTTP/1.1" 303 ' in log, log
    assert "SECRETTOKEN123" not in log and "token" not in log


def test_the_link_of_the_email_opens_on_the_server(tmp_path: Path) -> None:
    home, port = served_home(tmp_path, argon2=FAST_ARGON2)
    with serve(home, port) as served:
        served.add_member(NIR, DOB, PASSWORD, "--email", EMAIL)
        opener = browser()
        _, _, page = fetch(opener, served.url + "/forgot")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert token
        form = {"ident": NIR, "dob": DOB, "csrf": token[1]}
        status, _, body = fetch(opener, served.url + "/forgot", form)
        assert status == 200 and "Un email contenant un lien" in body, body
        link = Home(home).last_link().strip()
        assert link.startswith(served.url + "/reset?token=")  # reset_url points here
        status, headers, _ = fetch(opener, link)
        assert (status, headers["Location"]) == (303, "/new-password")
        status, _, body = fetch(opener, served.url + "/new-password")
        assert status == 200 and "Choisissez votre nouveau mot de passe" in body
    assert link.split("token=")[1] not in served.log.read_text()


def test_parallel_wrong_sign_ins_over_http_lock_exactly_once(
    tmp_path: Path, database: str | None
) -> None:
    home, port = served_home(tmp_path, database, argon2=FAST_ARGON2)
    with serve(home, port, workers=2) as served:
        served.add_member(NIR, DOB, PASSWORD, "--email", EMAIL)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: sign_in(served, "mauvais"), range(8)))
    assert statuses == [200] * 8
    owner = Home(home, database)

    def events(name: str) -> int:
        [(count,)] = owner.query("SELECT COUNT(*) FROM audit_events WHERE event = :e", e=name)
        return int(count)

    assert events("login_failed") == 3
    assert events("account_locked") == 1
    assert events("login_refused") == 5
    assert len(owner.mail_files()) == 1  # exactly one lock notification
    sources = owner.query("SELECT DISTINCT source FROM audit_events WHERE event = 'login_failed'")
    assert sources == [("127.0.0.1",)]


def test_serve_without_the_web_extra_says_what_to_install(
    sesame: object, monkeypatch: object
) -> None:
    monkeypatch.setitem(sys.modules, "gunicorn", None)  # type: ignore[attr-defined]
    result = sesame("serve")  # type: ignore[operator]
    assert result.exit_code == 2
    assert result.stderr == (
        "Les pages du membre demandent Flask et gunicorn : pip install 'sesame[web]' (gunicorn)\n"
    )
